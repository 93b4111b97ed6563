/// A token id as the model's embedding table numbers it.
public typealias TokenID = Int32

/// What a tokenizer is built from: the `tokenizer.ggml.*` metadata of a GGUF file, decoded.
///
/// Kept as a plain value so tokenizers can be built and tested without a file, and so the loader is the only
/// place that knows metadata key names.
public struct Vocabulary: Sendable {
    /// `tokenizer.ggml.model`: the algorithm.
    public enum Model: String, Sendable, CaseIterable {
        /// Byte-level BPE (GPT-2 style), as Qwen uses.
        case gpt2
        /// SentencePiece BPE with scores and byte fallback, as Gemma uses.
        case llama
    }

    /// `tokenizer.ggml.token_type`, with the numbers GGUF uses.
    public enum Kind: Int32, Sendable {
        case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    public var model: Model
    /// `tokenizer.ggml.pre`: the pre-tokenizer (only meaningful for `gpt2`).
    public var pre: String
    public var tokens: [String]
    public var kinds: [Kind]
    /// SentencePiece scores (empty for BPE).
    public var scores: [Float]
    /// BPE merges, "left right", best first (empty for SentencePiece).
    public var merges: [String]
    public var bos: TokenID?
    public var eos: TokenID?
    public var eot: TokenID?
    public var unknown: TokenID?
    public var padding: TokenID?
    public var addBOS: Bool
    public var addEOS: Bool
    /// SentencePiece's dummy prefix: a space put before the text (Gemma: false).
    public var addSpacePrefix: Bool

    public init(model: Model, pre: String = "default", tokens: [String], kinds: [Kind] = [], scores: [Float] = [],
                merges: [String] = [], bos: TokenID? = nil, eos: TokenID? = nil, eot: TokenID? = nil,
                unknown: TokenID? = nil, padding: TokenID? = nil, addBOS: Bool = false, addEOS: Bool = false,
                addSpacePrefix: Bool = false) {
        self.model = model
        self.pre = pre
        self.tokens = tokens
        self.kinds = kinds.count == tokens.count ? kinds : Array(repeating: .normal, count: tokens.count)
        self.scores = scores
        self.merges = merges
        self.bos = bos
        self.eos = eos
        self.eot = eot
        self.unknown = unknown
        self.padding = padding
        self.addBOS = addBOS
        self.addEOS = addEOS
        self.addSpacePrefix = addSpacePrefix
    }

    public var count: Int { tokens.count }
}

/// Why a tokenizer could not be built or used.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    case unsupportedModel(String)
    case unsupportedPreTokenizer(String)
    case missing(String)
    case malformed(String)

    public var description: String {
        switch self {
        case .unsupportedModel(let name):
            return "tokenizer model '\(name)' is not supported; supported: "
                + Vocabulary.Model.allCases.map(\.rawValue).joined(separator: ", ")
        case .unsupportedPreTokenizer(let name):
            return "pre-tokenizer '\(name)' is not supported; supported: "
                + ByteLevelBPE.supportedPreTokenizers.joined(separator: ", ")
                + " (re-convert the model or add the pre-tokenizer to Inference/PreTokenizer.swift)"
        case .missing(let key):
            return "the model file lacks '\(key)', which the tokenizer needs; re-convert the model with llama.cpp's converter"
        case .malformed(let what):
            return "the tokenizer metadata is malformed: \(what)"
        }
    }
}
