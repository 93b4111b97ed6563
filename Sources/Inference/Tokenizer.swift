/// Text ↔ tokens for one model, built from its vocabulary. Immutable and shareable across threads.
///
/// Encoding first cuts special tokens out of the text (longest first, each as a single token), then runs
/// the model's algorithm (byte-level BPE or SentencePiece) on the plain-text fragments in between.
/// Control tokens such as `<|fim_prefix|>` are only recognised when `parseSpecial` is set, so user text that
/// merely contains their spelling cannot inject them; user-defined tokens are always recognised.
public final class Tokenizer: Sendable {
    public let vocabulary: Vocabulary
    /// Token spelling (UTF-8 bytes, compared byte for byte, not by Unicode equivalence) → id.
    private let ids: [[UInt8]: TokenID]
    private let algorithm: Algorithm
    /// Tokens cut out before BPE, longest text first; (utf8, id, isControl).
    private let specials: [(text: [UInt8], id: TokenID, control: Bool)]
    /// The bytes each token decodes to when special tokens are rendered; control tokens separately.
    private let pieces: [[UInt8]]
    /// Tokens that end generation: EOS, EOT and the end-of-turn spellings models use.
    public let endOfGeneration: Set<TokenID>

    private enum Algorithm: Sendable { case bpe(ByteLevelBPE), spm(SentencePieceBPE) }

    public init(_ vocabulary: Vocabulary) throws {
        var v = vocabulary
        guard !v.tokens.isEmpty else { throw TokenizerError.missing("tokenizer.ggml.tokens") }
        // llama.cpp reads token texts as C strings, so a token spelled with a NUL ends there; do the same so
        // both sides agree on which texts exist.
        let spellings = v.tokens.map { t in Array(t.utf8.prefix { $0 != 0 }) }
        var ids: [[UInt8]: TokenID] = [:]
        ids.reserveCapacity(v.tokens.count)
        for (i, t) in spellings.enumerated() where ids[t] == nil { ids[t] = TokenID(i) }
        // Tokens that end turns or frame fill-in-the-middle are control tokens whatever the file says
        // (llama.cpp overrides them the same way), so plain text cannot produce them.
        for name in Self.forcedControl { if let id = ids[Array(name.utf8)] { v.kinds[Int(id)] = .control } }
        self.ids = ids
        self.vocabulary = v
        switch v.model {
        case .gpt2:
            guard !v.merges.isEmpty else { throw TokenizerError.missing("tokenizer.ggml.merges") }
            let bpe = try ByteLevelBPE(vocabulary: v, ids: ids)
            algorithm = .bpe(bpe)
            pieces = spellings.enumerated().map { i, t in
                v.kinds[i] == .normal ? bpe.bytes(ofTokenText: String(decoding: t, as: UTF8.self)) : t
            }
        case .llama:
            algorithm = .spm(try SentencePieceBPE(vocabulary: v, ids: ids))
            pieces = spellings.enumerated().map { i, t in
                if v.kinds[i] == .byte, let b = SentencePieceBPE.byteValue(of: String(decoding: t, as: UTF8.self)) {
                    return [b]
                }
                return Self.unescapeSpaces(t)
            }
        }
        specials = v.kinds.indices
            .filter { [.control, .userDefined, .unknown].contains(v.kinds[$0]) && !spellings[$0].isEmpty }
            .map { (spellings[$0], TokenID($0), v.kinds[$0] != .userDefined) }
            .sorted { $0.text.count > $1.text.count }
        var eog = Set([v.eos, v.eot].compactMap { $0 })
        for name in Self.endOfGenerationNames { if let id = ids[Array(name.utf8)] { eog.insert(id) } }
        endOfGeneration = eog
    }

    /// SentencePiece spells spaces U+2581 (E2 96 81); decoding turns them back into spaces, byte-wise
    /// because this runs on every token of a 262k vocabulary at load.
    private static func unescapeSpaces(_ t: [UInt8]) -> [UInt8] {
        guard t.count >= 3, t.contains(0xE2) else { return t }
        var out: [UInt8] = []
        out.reserveCapacity(t.count)
        var i = 0
        while i < t.count {
            if i + 2 < t.count, t[i] == 0xE2, t[i + 1] == 0x96, t[i + 2] == 0x81 { out.append(0x20); i += 3 }
            else { out.append(t[i]); i += 1 }
        }
        return out
    }

    /// Spellings that end generation in the models we know (end of turn, end of text, FIM padding).
    static let endOfGenerationNames = [
        "<|endoftext|>", "<|im_end|>", "<|eot_id|>", "<|eom_id|>", "<end_of_turn>", "<|end|>", "</s>", "<EOT>",
        "<|end_of_text|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>",
    ]
    /// Spellings that are control tokens whatever their declared type.
    static let forcedControl = endOfGenerationNames + ["<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|fim_repo|>"]

    public var count: Int { vocabulary.count }
    public var bos: TokenID? { vocabulary.bos }
    public var eos: TokenID? { vocabulary.eos }

    /// The id of a token spelled exactly `text` (e.g. "<|fim_prefix|>"), if the vocabulary has it.
    public func id(of text: String) -> TokenID? { ids[Array(text.utf8)] }

    /// The text of a token as the vocabulary spells it.
    public func text(of id: TokenID) -> String? {
        vocabulary.tokens.indices.contains(Int(id)) ? vocabulary.tokens[Int(id)] : nil
    }

    public func isControl(_ id: TokenID) -> Bool {
        vocabulary.kinds.indices.contains(Int(id)) && vocabulary.kinds[Int(id)] == .control
    }

    /// Tokens of `text`.
    /// - Parameters:
    ///   - addSpecial: put BOS (and EOS) around the text when the model asks for it (Gemma: BOS).
    ///   - parseSpecial: recognise control tokens spelled in the text (for prompts we build, never user text).
    public func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [TokenID] {
        var out: [TokenID] = []
        let v = vocabulary
        if addSpecial, v.addBOS, let bos = v.bos { out.append(bos) }
        var previousWasSpecial = true
        for fragment in partition(text, parseSpecial: parseSpecial) {
            switch fragment {
            case .special(let id):
                out.append(id)
                previousWasSpecial = true
            case .text(let range):
                let utf8 = text.utf8
                let slice = Substring(text)[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
                    ..< utf8.index(utf8.startIndex, offsetBy: range.upperBound)].utf8
                switch algorithm {
                case .bpe(let bpe): bpe.encode(slice, into: &out)
                case .spm(let spm): spm.encode(slice, first: previousWasSpecial, into: &out)
                }
                previousWasSpecial = false
            }
        }
        if addSpecial, v.addEOS, let eos = v.eos { out.append(eos) }
        return out
    }

    private enum Fragment { case text(Range<Int>), special(TokenID) }

    /// Cuts special tokens out of the text, longest spelling first, each occurrence left to right.
    private func partition(_ text: String, parseSpecial: Bool) -> [Fragment] {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return [] }
        var fragments: [Fragment] = [.text(0..<bytes.count)]
        for special in specials where parseSpecial || !special.control {
            let needle = special.text
            guard let first = needle.first else { continue }
            var next: [Fragment] = []
            var changed = false
            for fragment in fragments {
                guard case .text(let range) = fragment, range.count >= needle.count else {
                    next.append(fragment); continue
                }
                var cursor = range.lowerBound
                var i = range.lowerBound
                while i + needle.count <= range.upperBound {
                    if bytes[i] == first, bytes[i..<(i + needle.count)].elementsEqual(needle) {
                        if i > cursor { next.append(.text(cursor..<i)) }
                        next.append(.special(special.id))
                        i += needle.count
                        cursor = i
                        changed = true
                    } else {
                        i += 1
                    }
                }
                if cursor < range.upperBound { next.append(.text(cursor..<range.upperBound)) }
            }
            if changed { fragments = next }
        }
        return fragments
    }

    /// The bytes of one token. Control tokens (BOS, `<|fim_prefix|>`…) give nothing unless `renderSpecial`.
    public func bytes(of id: TokenID, renderSpecial: Bool = false) -> [UInt8] {
        guard pieces.indices.contains(Int(id)) else { return [] }
        if !renderSpecial, vocabulary.kinds[Int(id)] == .control { return [] }
        return pieces[Int(id)]
    }

    /// The text of a token sequence; bytes that are not valid UTF-8 become U+FFFD.
    public func decode(_ tokens: [TokenID], renderSpecial: Bool = false) -> String {
        var bytes: [UInt8] = []
        for t in tokens { bytes += self.bytes(of: t, renderSpecial: renderSpecial) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Turns a stream of tokens into text without ever emitting half a UTF-8 character: bytes of an incomplete
/// character wait for the next token.
public struct StreamingDecoder {
    private let tokenizer: Tokenizer
    private let renderSpecial: Bool
    private var pending: [UInt8] = []

    public init(tokenizer: Tokenizer, renderSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.renderSpecial = renderSpecial
    }

    /// The text completed by `token` (maybe empty).
    public mutating func append(_ token: TokenID) -> String {
        pending += tokenizer.bytes(of: token, renderSpecial: renderSpecial)
        let complete = Self.completePrefixLength(pending)
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Whatever is still held back (an incomplete character at the end of generation), as replacement text.
    public mutating func flush() -> String {
        defer { pending = [] }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of the longest prefix that does not end inside a character that more bytes could complete.
    static func completePrefixLength(_ b: [UInt8]) -> Int {
        // Look back at most 3 bytes for the lead byte of a trailing multi-byte sequence.
        var i = b.count - 1
        var continuation = 0
        while i >= 0, continuation < 3, b[i] & 0xC0 == 0x80 { i -= 1; continuation += 1 }
        guard i >= 0 else { return b.count }
        let lead = b[i]
        let need: Int
        switch lead {
        case 0xC0..<0xE0: need = 2
        case 0xE0..<0xF0: need = 3
        case 0xF0..<0xF8: need = 4
        default: return b.count
        }
        return continuation + 1 < need ? i : b.count
    }
}
