/// Severity of `window/showMessage` and `window/logMessage`.
public enum WindowMessageType: Int, Codable, Hashable, Sendable {
    case error = 1
    case warning = 2
    case info = 3
    case log = 4
    case debug = 5
}

/// The `$/setTrace` / initialize `trace` level.
public enum TraceValue: String, Codable, Hashable, Sendable {
    case off
    case messages
    case verbose
}

/// The `value` of a work-done `$/progress`: `begin`, `report` or `end`.
public struct WorkDoneProgress: Codable, Hashable, Sendable {
    public var kind: String
    public var title: String?
    public var cancellable: Bool?
    public var message: String?
    /// 0…100.
    public var percentage: Int?

    public init(kind: String, title: String? = nil, cancellable: Bool? = nil, message: String? = nil,
                percentage: Int? = nil) {
        self.kind = kind
        self.title = title
        self.cancellable = cancellable
        self.message = message
        self.percentage = percentage
    }

    public static func begin(title: String, message: String? = nil, percentage: Int? = nil) -> WorkDoneProgress {
        WorkDoneProgress(kind: "begin", title: title, cancellable: false, message: message, percentage: percentage)
    }

    public static func report(message: String? = nil, percentage: Int? = nil) -> WorkDoneProgress {
        WorkDoneProgress(kind: "report", message: message, percentage: percentage)
    }

    public static func end(message: String? = nil) -> WorkDoneProgress {
        WorkDoneProgress(kind: "end", message: message)
    }
}
