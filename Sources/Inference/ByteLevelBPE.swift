/// Byte-level BPE, as GPT-2 and Qwen tokenize: pre-tokenized words → UTF-8 bytes → one printable code point
/// per byte (the GPT-2 byte map, which is how the vocabulary spells tokens) → merges applied lowest rank first.
struct ByteLevelBPE: Sendable {
    static let supportedPreTokenizers = ["qwen2"]

    /// The token of each byte value on its own; every byte-level vocabulary has all 256.
    private let byteToken: [TokenID]
    /// (left, right) → the merge's rank and the token it makes.
    private let merges: [UInt64: Merge]
    /// Printable code point → the byte it stands for, to decode token text back to bytes.
    private let byteOfScalar: [UInt32: UInt8]

    private struct Merge: Sendable { let rank: Int32; let result: TokenID }

    init(vocabulary v: Vocabulary, ids: [[UInt8]: TokenID]) throws {
        guard Self.supportedPreTokenizers.contains(v.pre) else { throw TokenizerError.unsupportedPreTokenizer(v.pre) }
        let map = Self.byteToScalar
        var byteToken = [TokenID](repeating: -1, count: 256)
        var byteOfScalar: [UInt32: UInt8] = [:]
        for b in 0..<256 {
            let scalar = map[b]
            byteOfScalar[scalar.value] = UInt8(b)
            guard let id = ids[utf8Bytes(scalar)] else {
                throw TokenizerError.malformed("byte 0x\(String(b, radix: 16)) has no token (expected '\(scalar)')")
            }
            byteToken[b] = id
        }
        var merges: [UInt64: Merge] = [:]
        merges.reserveCapacity(v.merges.count)
        for (rank, line) in v.merges.enumerated() {
            // The separator is the first space after the first character (a token may itself be " " in
            // exotic vocabularies, never in byte-level ones, where space is spelled U+0120).
            let chars = Array(line.unicodeScalars)
            guard chars.count >= 3, let sep = chars.dropFirst().firstIndex(of: " ") else {
                throw TokenizerError.malformed("merge \(rank) '\(line)' is not 'left right'")
            }
            let left = chars[..<sep].flatMap(utf8Bytes), right = chars[(sep + 1)...].flatMap(utf8Bytes)
            guard let l = ids[left], let r = ids[right], let result = ids[left + right] else { continue }
            let key = UInt64(UInt32(bitPattern: l)) << 32 | UInt64(UInt32(bitPattern: r))
            if merges[key] == nil { merges[key] = Merge(rank: Int32(rank), result: result) }
        }
        self.byteToken = byteToken
        self.merges = merges
        self.byteOfScalar = byteOfScalar
    }

    /// Appends the tokens of one raw-text fragment (no special tokens inside).
    func encode(_ text: Substring.UTF8View, into out: inout [TokenID]) {
        let scalars = Array(String(decoding: text, as: UTF8.self).unicodeScalars)
        for word in Qwen2PreTokenizer.split(scalars) {
            var bytes: [UInt8] = []
            for s in scalars[word] { bytes.append(contentsOf: utf8Bytes(s)) }
            encodeWord(bytes, into: &out)
        }
    }

    /// The hot loop of tokenization: repeatedly merge the adjacent pair with the lowest rank (leftmost on
    /// ties). Words are short (the pre-tokenizer splits at every class change), so the quadratic scan is fine.
    private func encodeWord(_ bytes: [UInt8], into out: inout [TokenID]) {
        var symbols = bytes.map { byteToken[Int($0)] }
        while symbols.count > 1 {
            var best = -1
            var bestMerge = Merge(rank: .max, result: -1)
            for k in 0..<(symbols.count - 1) {
                let key = UInt64(UInt32(bitPattern: symbols[k])) << 32 | UInt64(UInt32(bitPattern: symbols[k + 1]))
                if let m = merges[key], m.rank < bestMerge.rank { best = k; bestMerge = m }
            }
            if best < 0 { break }
            symbols[best] = bestMerge.result
            symbols.remove(at: best + 1)
        }
        out.append(contentsOf: symbols)
    }

    /// The bytes a normal token's text stands for.
    func bytes(ofTokenText text: String) -> [UInt8] {
        var out: [UInt8] = []
        for s in text.unicodeScalars {
            if let b = byteOfScalar[s.value] { out.append(b) } else { out.append(contentsOf: utf8Bytes(s)) }
        }
        return out
    }

    /// GPT-2's reversible map from bytes to printable code points: printable Latin-1 bytes map to themselves,
    /// the rest (controls, space, soft hyphen…) to U+0100 upwards, in byte order.
    static let byteToScalar: [Unicode.Scalar] = {
        var map = [Unicode.Scalar?](repeating: nil, count: 256)
        for b in 0..<256 where (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) {
            map[b] = Unicode.Scalar(UInt8(b))
        }
        var next: UInt32 = 256
        for b in 0..<256 where map[b] == nil {
            map[b] = Unicode.Scalar(next)
            next += 1
        }
        return map.map { $0 ?? " " }
    }()
}

/// The UTF-8 bytes of one scalar.
@inline(__always) func utf8Bytes(_ s: Unicode.Scalar) -> [UInt8] {
    var out: [UInt8] = []
    UTF8.encode(s) { out.append($0) }
    return out
}
