/// The `error` member of a JSON-RPC response; also the error type handlers throw to answer with an error.
public struct ResponseError: Error, Codable, Hashable, Sendable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: LSPAny?

    public init(code: Int, message: String, data: LSPAny? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { "error \(code): \(message)" }

    // JSON-RPC 2.0 codes.
    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603
    // LSP codes.
    public static let serverNotInitializedCode = -32002
    public static let unknownErrorCode = -32001
    public static let requestFailedCode = -32803
    public static let serverCancelledCode = -32802
    public static let contentModifiedCode = -32801
    public static let requestCancelledCode = -32800

    /// The body is not valid JSON (or not UTF-8, or not a complete frame).
    public static func parseError(_ message: String) -> ResponseError { .init(code: parseErrorCode, message: message) }
    /// Valid JSON that is not a valid JSON-RPC message, or a message not allowed now.
    public static func invalidRequest(_ message: String) -> ResponseError {
        .init(code: invalidRequestCode, message: message)
    }
    public static func methodNotFound(_ method: String) -> ResponseError {
        .init(code: methodNotFoundCode, message: "method not found: \(method)")
    }
    public static func invalidParams(_ message: String) -> ResponseError {
        .init(code: invalidParamsCode, message: message)
    }
    public static func internalError(_ message: String) -> ResponseError {
        .init(code: internalErrorCode, message: message)
    }
    public static let serverNotInitialized = ResponseError(
        code: serverNotInitializedCode, message: "server not initialized: send initialize first")
    public static let cancelled = ResponseError(code: requestCancelledCode, message: "request cancelled")
    public static func requestFailed(_ message: String) -> ResponseError {
        .init(code: requestFailedCode, message: message)
    }
}
