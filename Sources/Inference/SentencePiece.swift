/// SentencePiece BPE as Gemma tokenizes: spaces become U+2581 ("▁"), the text is split into characters, and
/// the adjacent pair whose concatenation is the highest-scoring token is merged until no pair is a token.
/// Characters that end up with no token of their own fall back to byte tokens `<0xXX>`.
struct SentencePieceBPE: Sendable {
    private let ids: [[UInt8]: TokenID]
    private let scores: [Float]
    private let byteToken: [TokenID]
    private let unknown: TokenID?
    private let addSpacePrefix: Bool

    init(vocabulary v: Vocabulary, ids: [[UInt8]: TokenID]) throws {
        guard v.scores.count == v.tokens.count else { throw TokenizerError.missing("tokenizer.ggml.scores") }
        self.ids = ids
        self.scores = v.scores
        self.unknown = v.unknown
        self.addSpacePrefix = v.addSpacePrefix
        byteToken = (0..<256).map { b in ids[Array(("<0x" + Self.hex(b) + ">").utf8)] ?? -1 }
    }

    private static func hex(_ b: Int) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[b >> 4], digits[b & 15]])
    }

    /// A candidate merge of symbol `left` with the symbol after it.
    private struct Bigram: Comparable {
        let score: Float
        let left: Int
        let length: Int  // of the merged text in bytes, to notice a stale entry
        /// Higher score first; on ties the leftmost pair first.
        static func < (a: Bigram, b: Bigram) -> Bool { a.score > b.score || (a.score == b.score && a.left < b.left) }
    }

    /// Appends the tokens of one raw-text fragment. `first` says whether it starts the text or follows a
    /// special token, where SentencePiece's dummy space prefix would go.
    func encode(_ fragment: Substring.UTF8View, first: Bool, into out: inout [TokenID]) {
        var text: [UInt8] = addSpacePrefix && first ? [0xE2, 0x96, 0x81] : []
        for b in fragment { if b == 0x20 { text += [0xE2, 0x96, 0x81] } else { text.append(b) } }
        if text.isEmpty { return }

        // Symbols: byte ranges of the text, one per UTF-8 character to begin with, in a linked list.
        var start: [Int] = [], length: [Int] = []
        var i = 0
        while i < text.count {
            let n = Self.utf8Length(text[i])
            start.append(i); length.append(min(n, text.count - i)); i += n
        }
        var prev = Array(-1..<(start.count - 1)), next = Array(1...start.count)
        next[start.count - 1] = -1

        // The hot loop: a binary heap of candidate merges, best first.
        var heap = Heap<Bigram>()
        func consider(_ l: Int) {
            guard l >= 0, next[l] >= 0 else { return }
            let r = next[l]
            guard let id = ids[Array(text[start[l]..<(start[r] + length[r])])] else { return }
            heap.push(Bigram(score: scores[Int(id)], left: l, length: length[l] + length[r]))
        }
        for k in 0..<(start.count - 1) { consider(k) }
        while let best = heap.pop() {
            let l = best.left, r = next[l]
            // Skip entries made stale by an earlier merge of either side.
            guard length[l] > 0, r >= 0, length[l] + length[r] == best.length else { continue }
            length[l] += length[r]
            length[r] = 0
            next[l] = next[r]
            if next[r] >= 0 { prev[next[r]] = l }
            consider(prev[l])
            consider(l)
        }
        var k = 0
        while k >= 0, k < start.count {
            emit(text[start[k]..<(start[k] + length[k])], into: &out)
            k = next[k]
        }
    }

    /// A final symbol is a token when it was merged, else maybe a single character token, else its bytes.
    private func emit(_ piece: ArraySlice<UInt8>, into out: inout [TokenID]) {
        if let id = ids[Array(piece)] { out.append(id); return }
        for b in piece {
            let t = byteToken[Int(b)]
            if t >= 0 { out.append(t) } else if let unknown { out.append(unknown) }
        }
    }

    /// The byte value of a `<0xXX>` token text.
    static func byteValue(of text: String) -> UInt8? {
        guard text.count == 6, text.hasPrefix("<0x"), text.hasSuffix(">") else { return nil }
        return UInt8(text.dropFirst(3).prefix(2), radix: 16)
    }

    private static func utf8Length(_ lead: UInt8) -> Int {
        switch lead {
        case 0..<0x80: return 1
        case 0xC0..<0xE0: return 2
        case 0xE0..<0xF0: return 3
        case 0xF0...: return 4
        default: return 1
        }
    }
}

/// A binary min-heap (by `<`), for the tokenizers' merge queues.
struct Heap<Element: Comparable> {
    private var items: [Element] = []

    mutating func push(_ x: Element) {
        items.append(x)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if items[i] < items[parent] { items.swapAt(i, parent); i = parent } else { break }
        }
    }

    mutating func pop() -> Element? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if items.isEmpty { return top }
        items[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count, items[l] < items[m] { m = l }
            if r < items.count, items[r] < items[m] { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }
}
