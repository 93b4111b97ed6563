import Foundation
import LanguageServerProtocol

/// A JSON-RPC message from the peer, with params still untyped (the server decodes them per method).
public enum IncomingMessage: Equatable, Sendable {
    case request(id: RequestID, method: String, params: LSPAny?)
    case notification(method: String, params: LSPAny?)
    case response(id: RequestID, result: Result<LSPAny, ResponseError>)

    /// Parses one frame body. A failure carries the error to answer with and the request id, when one could be read.
    public static func parse(_ body: [UInt8]) -> Result<IncomingMessage, MessageParseFailure> {
        guard String(validating: body, as: UTF8.self) != nil else {
            return .failure(MessageParseFailure(id: nil, error: .parseError("message body is not valid UTF-8")))
        }
        let json: LSPAny
        do {
            json = try JSONDecoder().decode(LSPAny.self, from: Data(body))
        } catch {
            return .failure(MessageParseFailure(id: nil, error: .parseError("message body is not valid JSON")))
        }
        guard case .object(let object) = json else {
            // LSP has no batches: an array is as invalid as a bare number.
            return .failure(MessageParseFailure(
                id: nil, error: .invalidRequest("a JSON-RPC message must be an object, got \(json.typeName)")))
        }
        let id: RequestID?
        switch object["id"] {
        case .int(let value)?: id = .number(value)
        case .string(let value)?: id = .string(value)
        case nil, .null?: id = nil
        case let other?:
            return .failure(MessageParseFailure(
                id: nil, error: .invalidRequest("`id` must be an integer or a string, got \(other.typeName)")))
        }
        guard object["jsonrpc"] == .string("2.0") else {
            return .failure(MessageParseFailure(id: id, error: .invalidRequest("`jsonrpc` must be \"2.0\"")))
        }
        if let method = object["method"] {
            guard case .string(let name) = method else {
                return .failure(MessageParseFailure(
                    id: id, error: .invalidRequest("`method` must be a string, got \(method.typeName)")))
            }
            let params = object["params"]
            if let params, params != .null, params.objectValue == nil {
                if case .array = params {} else {
                    return .failure(MessageParseFailure(
                        id: id, error: .invalidRequest("`params` must be an object or an array, got \(params.typeName)")))
                }
            }
            if object.keys.contains("id") {
                guard let id else {
                    return .failure(MessageParseFailure(id: nil, error: .invalidRequest("a request `id` must not be null")))
                }
                return .success(.request(id: id, method: name, params: params))
            }
            return .success(.notification(method: name, params: params))
        }
        if let id {
            if let error = object["error"] {
                let decoded = (try? error.decode(ResponseError.self))
                    ?? ResponseError.internalError("peer sent an unreadable error object")
                return .success(.response(id: id, result: .failure(decoded)))
            }
            if let result = object["result"] {
                return .success(.response(id: id, result: .success(result)))
            }
        }
        return .failure(MessageParseFailure(
            id: id, error: .invalidRequest("a JSON-RPC message needs a `method` (request or notification) or a `result`/`error` (response)")))
    }
}

/// Why a body is not a usable message, and which id (if any) the error answer goes to.
public struct MessageParseFailure: Error, Equatable, Sendable {
    public var id: RequestID?
    public var error: ResponseError
}
