import Foundation
import RemoteEngine

/// A remote OpenAI-compatible server as a completion backend. It receives exactly the prompt text the
/// in-process engine would tokenize, so the server's own prefix cache (vLLM automatic prefix caching,
/// SGLang RadixAttention, llama-server cache_prompt) sees the same stable prefixes.
public final class RemoteBackend: CompletionBackend, @unchecked Sendable {
    public let client: RemoteCompletionClient
    public let template: PromptTemplate
    public let label: String
    public var contextLimit: Int? { nil }
    private let counter: TokenCounter?

    /// - Parameters:
    ///   - template: the served model's special tokens (from its GGUF when a local copy is configured,
    ///     otherwise Qwen-Coder's, the family the remote servers run).
    ///   - counter: the model's tokenizer when available; otherwise tokens are estimated from bytes.
    public init(client: RemoteCompletionClient, template: PromptTemplate = .qwenCoder, counter: TokenCounter? = nil) {
        self.client = client
        self.template = template
        self.counter = counter
        label = client.config.url.absoluteString
    }

    public func countTokens(_ text: String) -> Int {
        // About 3.5 bytes per token on code for BPE vocabularies of this size.
        counter?.countTokens(text) ?? (text.utf8.count * 2 + 6) / 7
    }

    public func complete(_ request: BackendRequest,
                         isCancelled: @escaping @Sendable () -> Bool) async throws -> BackendCompletion {
        if isCancelled() { return BackendCompletion(text: "", stopReason: "cancelled") }
        let started = Date()
        let remote = try await client.complete(RemoteCompletionRequest(
            prompt: request.prompt.text, maxTokens: request.maxTokens, temperature: Double(request.temperature),
            stop: request.stop)) { _ in !isCancelled() }
        var text = remote.text
        // Without constrained decoding the server may not reproduce the healed text; keep only completions
        // that do, since anything else would not continue what the user typed.
        if !request.heal.isEmpty {
            text = text.hasPrefix(request.heal) ? String(text.dropFirst(request.heal.count)) : ""
        }
        let total = Date().timeIntervalSince(started) * 1000
        return BackendCompletion(text: text, promptTokens: countTokens(request.prompt.text),
                                 tokensComputed: countTokens(request.prompt.text),
                                 prefillMs: remote.firstTokenMs ?? total, decodeMs: total - (remote.firstTokenMs ?? total),
                                 healedText: request.heal, stopReason: remote.finishReason)
    }
}
