/// A JSON-RPC request id: an integer or a string, echoed back unchanged in the response.
public enum RequestID: Hashable, Sendable, Codable, CustomStringConvertible {
    case number(Int)
    case string(String)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self = .number(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        }
    }

    public var description: String {
        switch self {
        case .number(let value): return "\(value)"
        case .string(let value): return "\"\(value)\""
        }
    }
}

/// A `$/progress` token: an integer or a string chosen by whoever created the progress.
public typealias ProgressToken = RequestID
