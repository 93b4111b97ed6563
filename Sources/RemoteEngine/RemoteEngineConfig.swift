import Foundation

/// Where and how to reach an OpenAI-compatible completion server (the `engine` setting).
public struct RemoteEngineConfig: Sendable, Equatable, Codable {
    /// Base URL, e.g. `http://127.0.0.1:8000` (the `/v1/completions` path is appended).
    public var url: URL
    /// The model name the server expects in requests (`engine.model`); nil lets the server choose.
    public var model: String?
    /// Name of the environment variable holding the API key (`engine.apiKeyEnv`). The key itself is never
    /// stored in settings, logged, or written to LMDB.
    public var apiKeyEnv: String?
    /// Seconds to wait for the connection to open (the answer itself is bounded by `requestTimeout`).
    public var connectTimeout: Double
    /// Seconds a whole completion may take.
    public var requestTimeout: Double
    /// Use llama-server's `/infill` endpoint (prefix and suffix sent separately) instead of `/v1/completions`.
    public var useInfill: Bool

    public init(url: URL, model: String? = nil, apiKeyEnv: String? = nil, connectTimeout: Double = 5,
                requestTimeout: Double = 60, useInfill: Bool = false) {
        self.url = url
        self.model = model
        self.apiKeyEnv = apiKeyEnv
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.useInfill = useInfill
    }

    /// The API key, read from the environment at request time.
    var apiKey: String? {
        guard let name = apiKeyEnv, let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            return nil
        }
        return value
    }
}

/// What one completion request asks for.
public struct RemoteCompletionRequest: Sendable, Equatable {
    /// The exact prompt text the in-process engine would tokenize (FIM tokens included).
    public var prompt: String
    /// When set, the prompt is sent as token ids instead of text (vLLM and SGLang accept both): the server
    /// then sees exactly the tokens the in-process engine would, with no re-tokenization.
    public var promptTokens: [Int]?
    /// For `/infill`: the text after the cursor; with `/v1/completions` the suffix is already inside `prompt`.
    public var suffix: String?
    /// For `/infill`: the text before the cursor.
    public var prefix: String?
    public var maxTokens: Int
    public var temperature: Double
    public var stop: [String]
    /// Stream the answer (the default). Without streaming the whole answer comes at once, with usage counts.
    public var stream: Bool
    /// Ask the server to return the prompt before the completion (OpenAI `echo`; non-streaming only): how a
    /// test proves the server received exactly the prompt the in-process engine would use.
    public var echo: Bool

    public init(prompt: String, promptTokens: [Int]? = nil, suffix: String? = nil, prefix: String? = nil,
                maxTokens: Int, temperature: Double = 0, stop: [String] = [], stream: Bool = true, echo: Bool = false) {
        self.stream = stream
        self.echo = echo
        self.prompt = prompt
        self.promptTokens = promptTokens
        self.suffix = suffix
        self.prefix = prefix
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.stop = stop
    }
}

/// Errors of the remote backend, each naming the server and what to check.
public enum RemoteEngineError: Error, CustomStringConvertible, Equatable {
    case unreachable(url: String, reason: String)
    case httpStatus(url: String, status: Int, body: String)
    case malformedStream(url: String, line: String)
    case timedOut(url: String, seconds: Double)
    case backingOff(url: String, retryInSeconds: Double)
    case cancelled

    public var description: String {
        switch self {
        case let .unreachable(url, reason):
            return "the completion server at \(url) is unreachable (\(reason)); check engine.url and that the server runs"
        case let .httpStatus(url, status, body):
            return "the completion server at \(url) answered HTTP \(status): \(body.prefix(200))"
        case let .malformedStream(url, line):
            return "the completion server at \(url) sent a malformed event: \(line.prefix(200))"
        case let .timedOut(url, seconds):
            return "the completion server at \(url) did not answer within \(seconds) s"
        case let .backingOff(url, retry):
            return "the completion server at \(url) failed recently; retrying in \(String(format: "%.1f", retry)) s"
        case .cancelled:
            return "the completion was cancelled"
        }
    }
}
