import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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
public final class RemoteCompletionClient: @unchecked Sendable {
    public let config: RemoteEngineConfig
    public let health: BackendHealth
    private let session: URLSession
    private let delegate = StreamRouter()

    public init(config: RemoteEngineConfig, health: BackendHealth = BackendHealth()) {
        self.config = config
        self.health = health
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = config.connectTimeout
        configuration.timeoutIntervalForResource = config.requestTimeout
        configuration.httpMaximumConnectionsPerHost = 4
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    deinit { session.invalidateAndCancel() }

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
        var urlRequest = URLRequest(url: endpoint)
        urlRequest.httpMethod = "POST"
        urlRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
        urlRequest.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        if let key = config.apiKey { urlRequest.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        urlRequest.httpBody = try body(for: request)

        let started = Date()
        let url = endpoint.absoluteString
        let stream = StreamState(url: url, onText: onText, started: started, streaming: request.stream)
        let task = session.dataTask(with: urlRequest)
        delegate.register(task, stream)
        do {
            let result: RemoteCompletionResult = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    stream.continuation = continuation
                    task.resume()
                }
            } onCancel: {
                stream.cancelledByCaller = true
                task.cancel()
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

/// Per-request streaming state, fed by the session delegate on its queue.
final class StreamState: @unchecked Sendable {
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
    var cancelledByCaller = false
    var stoppedByCallback = false
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

    func finish(error: Error?) {
        guard let continuation else { return }
        self.continuation = nil
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
        if let error {
            let ns = error as NSError
            if ns.code == NSURLErrorTimedOut {
                return continuation.resume(throwing: RemoteEngineError.timedOut(url: url, seconds: total / 1000))
            }
            if ns.code == NSURLErrorCancelled && !text.isEmpty {
                return continuation.resume(returning: RemoteCompletionResult(
                    text: text, finishReason: finishReason, firstTokenMs: firstTokenMs, totalMs: total))
            }
            return continuation.resume(throwing: RemoteEngineError.unreachable(url: url, reason: error.localizedDescription))
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

/// The session's delegate: routes callbacks of each data task to its `StreamState`.
final class StreamRouter: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var states: [Int: StreamState] = [:]

    func register(_ task: URLSessionTask, _ state: StreamState) {
        lock.lock(); defer { lock.unlock() }
        states[task.taskIdentifier] = state
    }

    private func state(_ task: URLSessionTask) -> StreamState? {
        lock.lock(); defer { lock.unlock() }
        return states[task.taskIdentifier]
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        state(dataTask)?.status = (response as? HTTPURLResponse)?.statusCode ?? 0
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let s = state(dataTask) else { return }
        if s.status != 200 {
            if s.errorBody.count < 4096 { s.errorBody.append(data) }
            return
        }
        if !s.streaming {
            if s.body.count < 64 << 20 { s.body.append(data) }
            return
        }
        for event in s.parser.feed(data) where !s.handle(event: event) {
            dataTask.cancel()
            break
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        guard let s = state(task) else { return }
        lock.lock()
        states[task.taskIdentifier] = nil
        lock.unlock()
        // A stream we closed ourselves ends with a cancellation error; that is a normal end.
        let closedByUs = s.failure != nil || s.stoppedByCallback
        s.finish(error: closedByUs ? nil : error)
    }
}
