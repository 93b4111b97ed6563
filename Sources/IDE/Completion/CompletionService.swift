import Foundation
import Syntax

/// A completion request in editor-neutral terms (UTF-8 offsets, workspace-relative paths).
public struct CompletionQuery: Sendable {
    public var path: String
    public var text: String
    /// UTF-8 byte offset of the cursor in `text`.
    public var offset: Int
    public var mode: CompletionPostProcessor.Mode
    /// Repository context candidates (ranked by the graph); the builder picks within the budget.
    public var context: [ContextPiece]
    public var repositoryName: String
    public var maxTokens: Int
    /// Candidates to generate; above 1 they are sampled and the ones that parse are ranked first.
    public var candidates: Int

    public init(path: String, text: String, offset: Int, mode: CompletionPostProcessor.Mode, context: [ContextPiece],
                repositoryName: String, maxTokens: Int = 64, candidates: Int = 1) {
        self.path = path
        self.text = text
        self.offset = offset
        self.mode = mode
        self.context = context
        self.repositoryName = repositoryName
        self.maxTokens = maxTokens
        self.candidates = candidates
    }
}

/// What a completion was built from and what it cost: the `quorum/explain` answer.
public struct CompletionExplanation: Sendable, Codable, Equatable {
    public struct Piece: Sendable, Codable, Equatable {
        public var path: String
        public var symbol: String?
        public var reason: String
        public var rank: Double
        public var tokens: Int
        public var included: Bool
    }

    public var pieces: [Piece] = []
    public var promptTokens = 0
    public var tokensReusedMemory = 0
    public var tokensReusedDisk = 0
    public var tokensComputed = 0
    public var generatedTokens = 0
    public var healedText = ""
    public var usesFIM = false
    public var backend = ""
    /// Milliseconds per phase: context, prompt, prefill, decode, postprocess.
    public var phasesMs: [String: Double] = [:]
    public var rawCompletion = ""
    public var completion = ""
    public var candidatesDropped = 0
}

/// One cleaned completion and whether it keeps the file's parse clean.
public struct CompletionCandidate: Sendable, Equatable {
    public var text: String
    public var addedSyntaxErrors: Int
}

/// Builds the prompt, runs the backend, cleans and checks the result: the whole completion pipeline
/// between "the cursor is here" and "show this text".
public final class CompletionService: @unchecked Sendable {
    public let backend: CompletionBackend
    /// Budget for the prompt in tokens (the context size minus room to generate).
    public var promptBudget: Int
    private let registry: LanguageRegistry?

    public init(backend: CompletionBackend, promptBudget: Int, registry: LanguageRegistry?) {
        self.backend = backend
        self.promptBudget = promptBudget
        self.registry = registry
    }

    public func complete(_ query: CompletionQuery, isCancelled: @escaping @Sendable () -> Bool = { false })
        async throws -> (candidates: [CompletionCandidate], explanation: CompletionExplanation) {
        var explanation = CompletionExplanation()
        let clock = ContinuousClock()
        var start = clock.now
        let bytes = Array(query.text.utf8)
        let cursor = min(max(0, query.offset), bytes.count)
        let prefix = String(decoding: bytes[..<cursor], as: UTF8.self)
        let suffix = String(decoding: bytes[cursor...], as: UTF8.self)
        let linePrefix = String(prefix.split(separator: "\n", omittingEmptySubsequences: false).last ?? "")

        // Token healing: only the in-process engine can constrain decoding, but both backends get the same
        // prompt, so the heal is decided from the prompt alone.
        var kept = prefix
        var heal = ""
        if let local = backend as? LocalBackend {
            (kept, heal) = TokenHealing.split(prefix: prefix, lastTokenText: local.lastTokenText(of: prefix))
        }
        explanation.phasesMs["context"] = (clock.now - start).milliseconds
        start = clock.now

        // The prompt and the tokens to generate share the context: a large `maxTokens` shrinks the prompt
        // instead of making every request fail with "prompt too long". 32 tokens stay free for what the
        // builder does not count against the file's share (FIM markers, repository name, file path).
        var budget = promptBudget
        if let limit = backend.contextLimit { budget = min(budget, max(16, limit - query.maxTokens - 32)) }
        let language = registry?.languageName(forPath: query.path).flatMap { registry?.manifests[$0] }
        let comment = language?.lineComment ?? "//"
        let builder = PromptBuilder(template: backend.template, budget: budget, repositoryName: query.repositoryName,
                                    lineComment: comment)
        let prompt = builder.build(path: query.path, prefix: kept, suffix: suffix, context: query.context, counter: backend)
        explanation.usesFIM = prompt.usesFIM
        explanation.pieces = prompt.included.map {
            .init(path: $0.piece.path, symbol: $0.piece.symbol, reason: $0.piece.reason.rawValue, rank: $0.piece.rank,
                  tokens: $0.tokens, included: true)
        } + prompt.dropped.map {
            .init(path: $0.path, symbol: $0.symbol, reason: $0.reason.rawValue, rank: $0.rank,
                  tokens: backend.countTokens($0.text), included: false)
        }
        explanation.phasesMs["prompt"] = (clock.now - start).milliseconds
        explanation.backend = backend.label

        // A model without FIM continues text: stop it where the next file or definition would start.
        var stop: [String] = []
        if !prompt.usesFIM { stop = ["\n\(comment) File:", "\n\n\n"] }
        if query.mode == .singleLine && !linePrefix.allSatisfy(\.isWhitespace) { stop.append("\n") }

        var candidates: [CompletionCandidate] = []
        let post = CompletionPostProcessor(mode: query.mode, linePrefix: linePrefix, suffix: suffix)
        let parser = registry.flatMap { r in r.languageName(forPath: query.path).flatMap { try? r.language(named: $0) } }
            .flatMap { try? Parser(language: $0) }
        for i in 0..<max(1, query.candidates) {
            let request = BackendRequest(prompt: prompt, heal: heal, maxTokens: query.maxTokens, stop: stop,
                                         temperature: i == 0 ? 0 : 0.6)
            let result = try await backend.complete(request, isCancelled: isCancelled)
            if i == 0 {
                explanation.promptTokens = result.promptTokens
                explanation.tokensReusedMemory = result.tokensReusedMemory
                explanation.tokensReusedDisk = result.tokensReusedDisk
                explanation.tokensComputed = result.tokensComputed
                explanation.generatedTokens = result.generatedTokens
                explanation.healedText = result.healedText
                explanation.rawCompletion = result.text
                explanation.phasesMs["prefill"] = result.prefillMs
                explanation.phasesMs["decode"] = result.decodeMs
            }
            if result.stopReason == "cancelled" { break }
            start = clock.now
            let cleaned = post.clean(result.text)
            if !cleaned.isEmpty, !candidates.contains(where: { $0.text == cleaned }) {
                let errors = parser.map { SyntaxCheck.addedErrors(parser: $0, prefix: prefix, completion: cleaned, suffix: suffix) } ?? 0
                candidates.append(CompletionCandidate(text: cleaned, addedSyntaxErrors: errors))
            }
            explanation.phasesMs["postprocess", default: 0] += (clock.now - start).milliseconds
        }
        // Candidates that keep the parse clean first; with several, ones that break it are dropped.
        candidates.sort { $0.addedSyntaxErrors < $1.addedSyntaxErrors }
        if candidates.count > 1, candidates[0].addedSyntaxErrors == 0 {
            let before = candidates.count
            candidates.removeAll { $0.addedSyntaxErrors > 0 }
            explanation.candidatesDropped = before - candidates.count
        }
        explanation.completion = candidates.first?.text ?? ""
        return (candidates, explanation)
    }
}
