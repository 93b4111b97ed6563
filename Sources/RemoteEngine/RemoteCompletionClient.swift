import Foundation

/// The outcome of one remote completion.
public struct RemoteCompletionResult: Sendable, Equatable {
    public var text: String
    /// "stop", "length", "cancelled" (the caller stopped the stream) or the server's own reason.
    public var finishReason: String
    public var firstTokenMs: Double?
    public var totalMs: Double
    /// Prompt tokens as the server counted them (non-streaming answers only).
    public var serverPromptTokens: Int?
}

/// Sends completion requests to an OpenAI-compatible server and streams the text back.
///
/// Streaming uses server-sent events; cancelling the Swift task, or returning false from `onText`,
/// closes the connection, which is how vLLM, SGLang and llama-server learn to stop generating.
/// Requests go through libcurl, loaded on the first one (`CurlTransport`), each on a thread of its own.
public final class RemoteCompletionClient: @unchecked Sendable {
    public let config: RemoteEngineConfig
    public let health: BackendHealth

    public init(config: RemoteEngineConfig, health: BackendHealth = BackendHealth()) {
        self.config = config
        self.health = health
    }

    var endpoint: URL {
        config.url.appendingPathComponent(config.useInfill ? "infill" : "v1/completions")
    }

    /// The JSON body for `request`; exposed so tests can assert the prompt is sent byte for byte.
    public func body(for request: RemoteCompletionRequest) throws -> Data {
        var json: [String: Any] = ["stream": request.stream, "temperature": request.temperature]
        if request.echo { json["echo"] = true }
        if config.useInfill {
            json["input_prefix"] = request.prefix ?? request.prompt
            json["input_suffix"] = request.suffix ?? ""
            json["prompt"] = ""
            json["n_predict"] = request.maxTokens
            json["cache_prompt"] = true
        } else {
            json["prompt"] = request.promptTokens.map { $0 as Any } ?? request.prompt
            json["max_tokens"] = request.maxTokens
            if let model = config.model { json["model"] = model }
        }
        if !request.stop.isEmpty { json["stop"] = request.stop }
        return try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
    }

    /// Streams one completion. `onText` receives each new piece of text and returns false to stop early.
    public func complete(_ request: RemoteCompletionRequest,
                         onText: @escaping @Sendable (String) -> Bool = { _ in true }) async throws -> RemoteCompletionResult {
        let wait = health.waitBeforeAttempt()
        if wait > 0 { throw RemoteEngineError.backingOff(url: config.url.absoluteString, retryInSeconds: wait) }
        let url = endpoint.absoluteString
        // "Expect:" keeps curl from sending `Expect: 100-continue` with a long prompt and then waiting up to a
        // second for an interim answer that not every server sends.
        var headers = ["Content-Type: application/json", "Accept: text/event-stream", "Expect:"]
        if let key = config.apiKey { headers.append("Authorization: Bearer \(key)") }
        let post = HTTPPost(url: url, headers: headers, body: try body(for: request),
                            connectTimeout: config.connectTimeout, requestTimeout: config.requestTimeout)

        let started = Date()
        let stream = StreamState(url: url, onText: onText, started: started, streaming: request.stream)
        do {
            let result: RemoteCompletionResult = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    stream.continuation = continuation
                    // libcurl's easy interface blocks its thread for the whole transfer; a completion request is
                    // rare enough that a thread of its own is simpler than sharing one. `perform` keeps `stream`
                    // alive until the transfer has ended.
                    Thread.detachNewThread {
                        let (status, end) = CurlTransport.perform(post, sink: stream)
                        stream.finish(status: status, end: end)
                    }
                }
            } onCancel: {
                // The transfer polls this flag (`shouldAbort`) and closes the connection.
                stream.cancelledByCaller = true
            }
            if result.finishReason != "cancelled" { health.succeeded(latencyMs: result.totalMs) }
            return result
        } catch let error as RemoteEngineError {
            if error != .cancelled { health.failed(error.description) }
            throw error
        } catch {
            health.failed("\(error)")
            throw RemoteEngineError.unreachable(url: url, reason: "\(error)")
        }
    }
}

/// Per-request streaming state, fed by the transfer's thread; only `cancelledByCaller` is set from elsewhere.
final class StreamState: HTTPResponseSink, @unchecked Sendable {
    let url: String
    let onText: @Sendable (String) -> Bool
    let started: Date
    var continuation: CheckedContinuation<RemoteCompletionResult, Error>?
    var parser = ServerSentEventParser()
    var status = 0
    var errorBody = Data()
    var text = ""
    var finishReason = "stop"
    var firstTokenMs: Double?
    private let cancelLock = NSLock()
    private var cancelled = false
    /// Set by the task's cancellation handler on any thread.
    var cancelledByCaller: Bool {
        get { cancelLock.lock(); defer { cancelLock.unlock() }; return cancelled }
        set { cancelLock.lock(); cancelled = newValue; cancelLock.unlock() }
    }
    var stoppedByCallback = false
    /// We closed the stream: the caller said stop, the server said done, or its answer was malformed.
    var closedByUs = false
    var finishedByServer = false
    var failure: RemoteEngineError?
    let streaming: Bool
    /// The whole body of a non-streaming answer.
    var body = Data()
    var serverPromptTokens: Int?

    init(url: String, onText: @escaping @Sendable (String) -> Bool, started: Date, streaming: Bool = true) {
        self.streaming = streaming
        self.url = url
        self.onText = onText
        self.started = started
    }

    /// Handles one SSE event; returns false when the stream should be closed.
    func handle(event: String) -> Bool {
        // Events already in flight after the stream was closed are dropped: the caller said stop.
        if stoppedByCallback || failure != nil || finishedByServer { return false }
        if event == "[DONE]" { finishedByServer = true; return false }
        guard let data = event.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            failure = .malformedStream(url: url, line: event)
            return false
        }
        var piece = ""
        var done = false
        if let choices = object["choices"] as? [[String: Any]], let first = choices.first {
            piece = first["text"] as? String ?? ""
            if let reason = first["finish_reason"] as? String { finishReason = reason; done = true }
        } else if let content = object["content"] as? String {  // llama-server /infill
            piece = content
            if object["stop"] as? Bool == true { done = true }
        } else if object["error"] != nil {
            failure = .httpStatus(url: url, status: status, body: event)
            return false
        } else {
            failure = .malformedStream(url: url, line: event)
            return false
        }
        if !piece.isEmpty {
            if firstTokenMs == nil { firstTokenMs = Date().timeIntervalSince(started) * 1000 }
            text += piece
            if !onText(piece) { stoppedByCallback = true; return false }
        }
        return !done
    }

    /// A piece of the response body: an error body is kept (up to 4 KB), a whole answer collected, a stream parsed.
    func receive(status: Int, bytes: UnsafeRawBufferPointer) -> Bool {
        self.status = status
        if status != 200 {
            errorBody.append(contentsOf: bytes.prefix(max(0, 4096 - errorBody.count)))
            return true
        }
        if !streaming {
            if body.count < 64 << 20 { body.append(contentsOf: bytes) }
            return true
        }
        for event in parser.feed(bytes) where !handle(event: event) {
            closedByUs = true
            return false
        }
        return true
    }

    var shouldAbort: Bool { closedByUs || cancelledByCaller }

    /// Called once, when the transfer has ended; resumes the caller.
    func finish(status finalStatus: Int, end: TransferEnd) {
        guard let continuation else { return }
        self.continuation = nil
        if finalStatus != 0 { status = finalStatus }
        let total = Date().timeIntervalSince(started) * 1000
        if let failure { return continuation.resume(throwing: failure) }
        if stoppedByCallback {
            return continuation.resume(returning: RemoteCompletionResult(
                text: text, finishReason: "cancelled", firstTokenMs: firstTokenMs, totalMs: total))
        }
        if cancelledByCaller { return continuation.resume(throwing: RemoteEngineError.cancelled) }
        if status != 0 && status != 200 {
            return continuation.resume(throwing: RemoteEngineError.httpStatus(
                url: url, status: status, body: String(decoding: errorBody, as: UTF8.self)))
        }
        switch end {
        case .timedOut:
            return continuation.resume(throwing: RemoteEngineError.timedOut(url: url, seconds: total / 1000))
        case let .failed(reason):
            return continuation.resume(throwing: RemoteEngineError.unreachable(url: url, reason: reason))
        case .aborted where !closedByUs:
            // Only our callbacks abort a transfer, and they say why; this would be a bug in the transport.
            return continuation.resume(throwing: RemoteEngineError.unreachable(url: url,
                                                                               reason: "the transfer stopped"))
        case .completed, .aborted:
            break
        }
        if closedByUs {
            // The server said it was done (finish_reason or [DONE]); anything still buffered came after that.
            return continuation.resume(returning: RemoteCompletionResult(
                text: text, finishReason: finishReason, firstTokenMs: firstTokenMs, totalMs: total))
        }
        if !streaming {
            // One JSON answer: the same fields as a streamed event, plus usage.
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
            serverPromptTokens = (object?["usage"] as? [String: Any])?["prompt_tokens"] as? Int
            if !handle(event: String(decoding: body, as: UTF8.self)) && failure != nil, let failure {
                return continuation.resume(throwing: failure)
            }
        } else if let tail = parser.finish(), tail != "[DONE]" {
            _ = handle(event: tail)
            if let failure { return continuation.resume(throwing: failure) }
        }
        continuation.resume(returning: RemoteCompletionResult(
            text: text, finishReason: finishReason, firstTokenMs: firstTokenMs, totalMs: total,
            serverPromptTokens: serverPromptTokens))
    }
}
