/// `$/logTrace` (server → client): a trace of the server's work, sent only while trace is not `off`.
public struct LogTraceNotification: NotificationType, Hashable {
    public static let method = "$/logTrace"
    public var message: String
    /// Only when trace is `verbose`.
    public var verbose: String?
    public init(message: String, verbose: String? = nil) {
        self.message = message
        self.verbose = verbose
    }
}
