import Base
import Foundation

/// How the next token is chosen from logits. Temperature 0 is greedy (argmax).
public struct SamplerSettings: Sendable, Equatable {
    public var temperature: Float = 0
    /// Keep only the k most likely tokens (0: all).
    public var topK: Int = 0
    /// Keep the smallest set of tokens whose probability reaches p (1: all).
    public var topP: Float = 1
    /// Drop tokens less likely than minP × the most likely one (0: none).
    public var minP: Float = 0
    /// Divide positive logits (multiply negative ones) of recently seen tokens by this (1: off).
    public var repetitionPenalty: Float = 1
    /// How many recent tokens the penalty looks at.
    public var repetitionWindow: Int = 64
    public var seed: UInt64 = 0

    public init(temperature: Float = 0, topK: Int = 0, topP: Float = 1, minP: Float = 0,
                repetitionPenalty: Float = 1, repetitionWindow: Int = 64, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.repetitionWindow = repetitionWindow
        self.seed = seed
    }

    public static let greedy = SamplerSettings()
}

/// Picks tokens from logits: repetition penalty, then temperature, top-k, top-p, min-p, then a seeded draw.
/// Deterministic for a given seed and history.
public struct Sampler {
    public let settings: SamplerSettings
    private var rng: SplitMix64

    public init(_ settings: SamplerSettings) {
        self.settings = settings
        rng = SplitMix64(seed: settings.seed)
    }

    /// The next token given `logits` [vocabulary] and the tokens so far (for the repetition penalty).
    public mutating func sample(_ logits: [Float], history: [TokenID] = []) -> TokenID {
        var l = logits
        if settings.repetitionPenalty != 1 {
            for t in Set(history.suffix(settings.repetitionWindow)) where l.indices.contains(Int(t)) {
                let v = l[Int(t)]
                l[Int(t)] = v > 0 ? v / settings.repetitionPenalty : v * settings.repetitionPenalty
            }
        }
        if settings.temperature <= 0 { return TokenID(Self.argmax(l)) }
        // Candidates sorted by logit, best first (ties: lower id first, for determinism).
        var candidates = l.indices.sorted { l[$0] > l[$1] || (l[$0] == l[$1] && $0 < $1) }
        if settings.topK > 0 { candidates = Array(candidates.prefix(settings.topK)) }
        let top = l[candidates[0]]
        var probs = candidates.map { expf((l[$0] - top) / settings.temperature) }
        let total = probs.reduce(0, +)
        probs = probs.map { $0 / total }
        var keep = probs.count
        if settings.topP < 1 {
            var cumulative: Float = 0
            for (i, p) in probs.enumerated() {
                cumulative += p
                if cumulative >= settings.topP { keep = i + 1; break }
            }
        }
        if settings.minP > 0 {
            let floor = probs[0] * settings.minP
            keep = min(keep, max(1, probs.prefix(keep).firstIndex { $0 < floor } ?? keep))
        }
        let kept = probs.prefix(keep)
        var r = Float(rng.nextUnit()) * kept.reduce(0, +)
        for (i, p) in kept.enumerated() {
            r -= p
            if r <= 0 { return TokenID(candidates[i]) }
        }
        return TokenID(candidates[keep - 1])
    }

    /// Index of the largest value (the first on ties, as llama.cpp's greedy sampler picks).
    public static func argmax(_ x: [Float]) -> Int {
        var best = 0
        for i in x.indices where x[i] > x[best] { best = i }
        return best
    }
}

