import Foundation

/// Why generation stopped.
public enum StopReason: Sendable, Equatable {
    case maxTokens
    /// The model produced an end-of-generation token (EOS, EOT, `<|fim_pad|>`…).
    case endOfGeneration(TokenID)
    /// The text produced so far contains this stop string; the text is cut before it.
    case stopString(String)
    /// The caller's callback asked to stop (e.g. the request was cancelled).
    case cancelled
}

/// What one generation produced and how long it took.
public struct GenerationResult: Sendable {
    public var tokens: [TokenID] = []
    public var text = ""
    public var stopReason = StopReason.maxTokens
    /// Prompt tokens evaluated (after those the cache already held).
    public var promptTokensEvaluated = 0
    /// Prompt tokens the cache already held and that were not evaluated again.
    public var promptTokensReused = 0
    public var promptSeconds = 0.0
    public var generationSeconds = 0.0

    public var tokensPerSecond: Double { generationSeconds > 0 ? Double(tokens.count) / generationSeconds : 0 }
}

extension Model {
    /// Continues `prompt` by up to `maxTokens` tokens.
    ///
    /// The cache is reused: only the part of `prompt` after its common prefix with the cache's tokens is
    /// evaluated, so a caller that keeps one cache per document pays only for what changed.
    /// - Parameters:
    ///   - onText: called with each piece of new text as it is complete (never half a character);
    ///     return false to stop.
    public func generate(prompt: [TokenID], cache: KVCache, maxTokens: Int, sampler settings: SamplerSettings = .greedy,
                         stop: [String] = [], onText: (String) -> Bool = { _ in true }) throws -> GenerationResult {
        var result = GenerationResult()
        guard !prompt.isEmpty else { return result }
        // Keep what the cache shares with the prompt, but always evaluate the last prompt token for its logits.
        let reuse = min(cache.commonPrefix(with: prompt), prompt.count - 1)
        cache.truncate(to: reuse)
        result.promptTokensReused = reuse
        let clock = ContinuousClock()
        var start = clock.now
        var logits = try evaluate(Array(prompt[reuse...]), cache: cache, logits: .last)[0]
        result.promptTokensEvaluated = prompt.count - reuse
        result.promptSeconds = (clock.now - start).seconds
        start = clock.now

        var sampler = Sampler(settings)
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        var history = prompt
        while result.tokens.count < maxTokens {
            let next = sampler.sample(logits, history: history)
            if tokenizer.endOfGeneration.contains(next) { result.stopReason = .endOfGeneration(next); break }
            result.tokens.append(next)
            history.append(next)
            var piece = decoder.append(next)
            if !stop.isEmpty, let (s, cut) = Self.firstStop(stop, in: result.text + piece, after: result.text.count) {
                piece = String((result.text + piece).prefix(cut).dropFirst(result.text.count))
                result.text += piece
                if !piece.isEmpty { _ = onText(piece) }
                result.stopReason = .stopString(s)
                result.generationSeconds = (clock.now - start).seconds
                return result
            }
            result.text += piece
            if !piece.isEmpty, !onText(piece) { result.stopReason = .cancelled; break }
            if result.tokens.count == maxTokens || cache.count >= cache.capacity { break }
            try evaluate(token: next, cache: cache, into: &logits)
        }
        let rest = decoder.flush()
        if !rest.isEmpty { result.text += rest; _ = onText(rest) }
        result.generationSeconds = (clock.now - start).seconds
        return result
    }

    /// The earliest stop string in `text` that ends after character `old` (older text was checked already),
    /// and the character offset where it begins.
    static func firstStop(_ stops: [String], in text: String, after old: Int) -> (String, Int)? {
        var best: (String, Int)?
        for s in stops where !s.isEmpty {
            guard let r = text.range(of: s) else { continue }
            let at = text.distance(from: text.startIndex, to: r.lowerBound)
            if at + s.count > old, at < (best?.1 ?? .max) { best = (s, at) }
        }
        return best
    }

    /// The prompt for fill-in-the-middle: `<|fim_prefix|>prefix<|fim_suffix|>suffix<|fim_middle|>` for
    /// models that have those tokens (Qwen2.5-Coder, Qwen3-Coder); otherwise just the prefix, since the
    /// model can only continue it.
    public func fillInTheMiddlePrompt(prefix: String, suffix: String) -> [TokenID] {
        let t = tokenizer
        guard let pre = t.id(of: "<|fim_prefix|>"), let suf = t.id(of: "<|fim_suffix|>"),
              let mid = t.id(of: "<|fim_middle|>") else {
            return t.encode(prefix, addSpecial: true, parseSpecial: false)
        }
        var out = t.encode("", addSpecial: true)
        out.append(pre)
        out += t.encode(prefix, addSpecial: false, parseSpecial: false)
        out.append(suf)
        out += t.encode(suffix, addSpecial: false, parseSpecial: false)
        out.append(mid)
        return out
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
