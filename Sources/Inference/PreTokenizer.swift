/// Splits text into the words BPE runs on, as the Qwen2 pre-tokenizer regex does:
///
///     (?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])   contractions
///     | [^\r\n\p{L}\p{N}]?\p{L}+                                one optional non-letter, then letters
///     | \p{N}                                                    one digit at a time
///     |  ?[^\s\p{L}\p{N}]+[\r\n]*                                punctuation run, optional leading space
///     | \s*[\r\n]+                                               whitespace up to the last line break
///     | \s+(?!\S)                                                whitespace, leaving one before a word
///     | \s+
///
/// Written out by hand rather than with a regex library: the alternatives are tried in order at each
/// position (ECMAScript semantics, first alternative that matches wins), and spelling that out keeps the
/// backtracking behaviour of the lookahead explicit. Character classes follow Unicode general categories;
/// `\s` is the White_Space property.
enum Qwen2PreTokenizer {
    private enum Class { case letter, number, whitespace, other }

    private static func classify(_ s: Unicode.Scalar) -> Class {
        if s.isASCII {
            switch s.value {
            case 0x41...0x5A, 0x61...0x7A: return .letter
            case 0x30...0x39: return .number
            case 0x09...0x0D, 0x20: return .whitespace
            default: return .other
            }
        }
        if s.properties.isWhitespace { return .whitespace }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    private static func isLineBreak(_ s: Unicode.Scalar) -> Bool { s == "\r" || s == "\n" }

    /// Returns the words of `text` as ranges of scalar indices into `scalars`.
    static func split(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        let classes = scalars.map(classify)
        let n = scalars.count
        var words: [Range<Int>] = []
        var i = 0
        while i < n {
            let end = match(scalars, classes, at: i)
            words.append(i..<end)
            i = end
        }
        return words
    }

    /// The end of the match starting at `i` (always > i: the last alternatives cover every scalar).
    private static func match(_ s: [Unicode.Scalar], _ c: [Class], at i: Int) -> Int {
        let n = s.count
        // Contractions: 's 't 're 've 'm 'll 'd, any case.
        if s[i] == "'", i + 1 < n {
            let a = lower(s[i + 1])
            if a == "s" || a == "t" || a == "m" || a == "d" { return i + 2 }
            if i + 2 < n {
                let b = lower(s[i + 2])
                if (a == "r" && b == "e") || (a == "v" && b == "e") || (a == "l" && b == "l") { return i + 3 }
            }
        }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if c[i] == .letter { return letters(c, from: i) }
        if c[i] != .number, !isLineBreak(s[i]), i + 1 < n, c[i + 1] == .letter { return letters(c, from: i + 1) }
        // \p{N}
        if c[i] == .number { return i + 1 }
        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        var j = i
        if s[j] == " ", j + 1 < n, c[j + 1] == .other { j += 1 }
        if c[j] == .other {
            while j < n, c[j] == .other { j += 1 }
            while j < n, isLineBreak(s[j]) { j += 1 }
            return j
        }
        // Only whitespace is left at i. Find the maximal run.
        var runEnd = i
        while runEnd < n, c[runEnd] == .whitespace { runEnd += 1 }
        // \s*[\r\n]+ : greedy whitespace then backtrack to the last line break in the run.
        var lastBreak = -1
        for k in i..<runEnd where isLineBreak(s[k]) { lastBreak = k }
        if lastBreak >= 0 { return lastBreak + 1 }
        // \s+(?!\S) : all of the run at the end of text, else all but the last whitespace.
        if runEnd == n { return runEnd }
        if runEnd - i >= 2 { return runEnd - 1 }
        // \s+
        return runEnd
    }

    private static func letters(_ c: [Class], from start: Int) -> Int {
        var j = start
        while j < c.count, c[j] == .letter { j += 1 }
        return j
    }

    private static func lower(_ s: Unicode.Scalar) -> Unicode.Scalar {
        (0x41...0x5A).contains(s.value) ? Unicode.Scalar(UInt8(s.value + 32)) : s
    }
}
