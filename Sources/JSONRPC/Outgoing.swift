import LanguageServerProtocol

// Envelopes of what the server writes. `id` and `result` are always written, even as `null`, as JSON-RPC requires.

struct OutgoingResponse<Result: Encodable>: Encodable {
    let id: RequestID
    let result: Result

    enum CodingKeys: String, CodingKey { case jsonrpc, id, result }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("2.0", forKey: .jsonrpc)
        try container.encode(id, forKey: .id)
        try container.encode(result, forKey: .result)
    }
}

struct OutgoingError: Encodable {
    let id: RequestID?
    let error: ResponseError

    enum CodingKeys: String, CodingKey { case jsonrpc, id, error }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("2.0", forKey: .jsonrpc)
        if let id { try container.encode(id, forKey: .id) } else { try container.encodeNil(forKey: .id) }
        try container.encode(error, forKey: .error)
    }
}

struct OutgoingNotification<Params: Encodable>: Encodable {
    let method: String
    let params: Params

    enum CodingKeys: String, CodingKey { case jsonrpc, method, params }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("2.0", forKey: .jsonrpc)
        try container.encode(method, forKey: .method)
        try container.encode(params, forKey: .params)
    }
}

struct OutgoingRequest<Params: Encodable>: Encodable {
    let id: RequestID
    let method: String
    let params: Params

    enum CodingKeys: String, CodingKey { case jsonrpc, id, method, params }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("2.0", forKey: .jsonrpc)
        try container.encode(id, forKey: .id)
        try container.encode(method, forKey: .method)
        try container.encode(params, forKey: .params)
    }
}
