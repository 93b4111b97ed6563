/// A typed LSP message: its params struct knows the method name it travels under.
public protocol MessageType: Codable, Sendable {
    /// The JSON-RPC method, e.g. `textDocument/didOpen`.
    static var method: String { get }
}

/// A request: the server (or client) must answer with a `Response` or an error.
public protocol RequestType: MessageType {
    associatedtype Response: ResponseType
}

/// A notification: no answer.
public protocol NotificationType: MessageType {}

/// What a request answers with.
public protocol ResponseType: Codable, Sendable {}

/// A request whose params name one text document; the server gives it a snapshot of that document.
public protocol TextDocumentRequest: RequestType {
    var textDocument: TextDocumentIdentifier { get }
}

/// The answer of requests that return `null` (shutdown, registerCapability, …).
public struct VoidResponse: ResponseType, Hashable {
    public init() {}
    public init(from decoder: Decoder) throws {}
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}

extension Optional: ResponseType where Wrapped: ResponseType {}
extension Array: ResponseType where Element: ResponseType {}
