import Foundation

/// What produced a completion and what it cost, for logs, `quorum/stats` and `quorum/explain`.
public struct BackendCompletion: Sendable, Equatable {
    /// The raw generated text (token healing already undone), before post-processing.
    public var text: String
    public var promptTokens: Int
    /// Prompt tokens whose keys and values were already in memory (the live cache or in-memory blocks).
    public var tokensReusedMemory: Int
    /// Prompt tokens whose keys and values were loaded from LMDB.
    public var tokensReusedDisk: Int
    /// Prompt tokens evaluated by the model for this request.
    public var tokensComputed: Int
    public var generatedTokens: Int
    public var prefillMs: Double
    public var decodeMs: Double
    /// The text the prompt was backed up by for token healing ("" when none).
    public var healedText: String
    public var stopReason: String

    public init(text: String, promptTokens: Int = 0, tokensReusedMemory: Int = 0, tokensReusedDisk: Int = 0,
                tokensComputed: Int = 0, generatedTokens: Int = 0, prefillMs: Double = 0, decodeMs: Double = 0,
                healedText: String = "", stopReason: String = "") {
        self.text = text
        self.promptTokens = promptTokens
        self.tokensReusedMemory = tokensReusedMemory
        self.tokensReusedDisk = tokensReusedDisk
        self.tokensComputed = tokensComputed
        self.generatedTokens = generatedTokens
        self.prefillMs = prefillMs
        self.decodeMs = decodeMs
        self.healedText = healedText
        self.stopReason = stopReason
    }
}

/// One completion request as a backend sees it: the prompt already built, the text the model should
/// start with (token healing), and when to stop.
public struct BackendRequest: Sendable {
    public var prompt: BuiltPrompt
    /// Text cut from the end of the prefix for token healing; the completion must start with it.
    public var heal: String
    public var maxTokens: Int
    public var stop: [String]
    public var temperature: Float

    public init(prompt: BuiltPrompt, heal: String = "", maxTokens: Int, stop: [String] = [], temperature: Float = 0) {
        self.prompt = prompt
        self.heal = heal
        self.maxTokens = maxTokens
        self.stop = stop
        self.temperature = temperature
    }
}

/// Something that turns a prompt into text: the in-process engine, or a remote OpenAI-compatible server.
/// The prompt text is the same for both, byte for byte, so either gets the same prefix reuse.
public protocol CompletionBackend: AnyObject, Sendable, TokenCounter {
    /// The special tokens prompts are written with.
    var template: PromptTemplate { get }
    /// A short human description for logs and `quorum/status` ("qwen3moe from /path", "http://…").
    var label: String { get }
    /// Most tokens a prompt plus its completion may take; nil when the server decides.
    var contextLimit: Int? { get }
    /// Runs one completion. `isCancelled` is polled between tokens; when it turns true the backend
    /// stops and returns what it has with stopReason "cancelled".
    func complete(_ request: BackendRequest, isCancelled: @escaping @Sendable () -> Bool) async throws -> BackendCompletion
}
