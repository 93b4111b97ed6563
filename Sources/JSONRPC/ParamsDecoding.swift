import Foundation
import LanguageServerProtocol

/// Decodes a message's params into its typed struct, turning decoding failures into -32602 errors that name the field.
///
/// Absent or `null` params decode as `{}` so messages without params (shutdown, initialized) need no special case,
/// while a message with required fields reports the first missing one.
public func decodeParams<Message: MessageType>(_ type: Message.Type, from params: LSPAny?) throws -> Message {
    let value: LSPAny = (params == nil || params == .null) ? .object([:]) : params ?? .object([:])
    do {
        return try JSONDecoder().decode(Message.self, from: JSONEncoder().encode(value))
    } catch let error as DecodingError {
        throw ResponseError.invalidParams("invalid params for \(Message.method): \(describe(error))")
    }
}

/// A sentence naming the field a `DecodingError` is about, e.g. "missing field `params.textDocument.uri`".
public func describe(_ error: DecodingError) -> String {
    func path(_ keys: [CodingKey], _ last: CodingKey? = nil) -> String {
        var parts = ["params"]
        for key in keys + (last.map { [$0] } ?? []) {
            if let index = key.intValue { parts[parts.count - 1] += "[\(index)]" } else { parts.append(key.stringValue) }
        }
        return "`" + parts.joined(separator: ".") + "`"
    }
    switch error {
    case .keyNotFound(let key, let context):
        return "missing field \(path(context.codingPath, key))"
    case .typeMismatch(let type, let context):
        return "field \(path(context.codingPath)) has the wrong type (expected \(typeName(type)))"
    case .valueNotFound(let type, let context):
        return "field \(path(context.codingPath)) is null (expected \(typeName(type)))"
    case .dataCorrupted(let context):
        return "field \(path(context.codingPath)) is invalid: \(context.debugDescription)"
    @unknown default:
        return "\(error)"
    }
}

private func typeName(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: return "string"
    case is Int.Type: return "integer"
    case is Bool.Type: return "boolean"
    case is Double.Type: return "number"
    default:
        let name = "\(type)"
        if name.hasPrefix("Dictionary") { return "object" }
        if name.hasPrefix("Array") { return "array" }
        return name
    }
}
