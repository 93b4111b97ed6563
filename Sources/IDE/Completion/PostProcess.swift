import Syntax

/// Turns raw model output into what the editor shows: cut where the statement or the scope ends,
/// drop text that repeats what already follows the cursor, and check that the result still parses.
public struct CompletionPostProcessor {
    public enum Mode: Sendable { case singleLine, multiLine }

    public var mode: Mode
    /// The text before the cursor on the cursor's line.
    public var linePrefix: String
    /// The text after the cursor in the document.
    public var suffix: String

    public init(mode: Mode, linePrefix: String, suffix: String) {
        self.mode = mode
        self.linePrefix = linePrefix
        self.suffix = suffix
    }

    /// The cleaned completion; empty when nothing useful remains.
    public func clean(_ raw: String) -> String {
        var text = raw
        switch mode {
        case .singleLine:
            // A completion that starts mid-line ends with the line; at an empty line it may fill it.
            if let newline = text.firstIndex(of: "\n") {
                let firstLine = text[..<newline]
                text = firstLine.allSatisfy(\.isWhitespace) && linePrefix.allSatisfy(\.isWhitespace)
                    ? String(text[text.index(after: newline)...].prefix { $0 != "\n" })
                    : String(firstLine)
            }
        case .multiLine:
            text = cutAtScopeEnd(text)
        }
        text = dropRepetition(text)
        text = dropSuffixOverlap(text)
        // Trailing blank lines are noise in ghost text.
        while text.hasSuffix("\n") || text.hasSuffix(" ") || text.hasSuffix("\t") { text.removeLast() }
        return text
    }

    /// Indentation (in columns, a tab counting 4) of a line.
    static func indentation<S: StringProtocol>(_ line: S) -> Int {
        var n = 0
        for c in line {
            if c == " " { n += 1 } else if c == "\t" { n += 4 } else { break }
        }
        return n
    }

    /// Stops before the first non-empty line indented less than the scope the cursor is in: the model has
    /// finished the block and started writing the next one.
    func cutAtScopeEnd(_ text: String) -> String {
        let scopeIndent = CompletionPostProcessor.indentation(linePrefix.allSatisfy(\.isWhitespace)
            ? linePrefix : String(linePrefix.prefix { $0 == " " || $0 == "\t" }))
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 1 else { return text }
        var kept = [lines.removeFirst()]
        for line in lines {
            if !line.allSatisfy(\.isWhitespace), CompletionPostProcessor.indentation(line) < scopeIndent { break }
            // Two blank lines in a row end a top-level definition in most styles.
            if line.isEmpty, kept.last?.isEmpty == true, scopeIndent == 0 { break }
            kept.append(line)
        }
        return kept.joined(separator: "\n")
    }

    /// Cuts where the model starts repeating itself: at the first non-blank line equal to the non-blank
    /// line before it (small models loop; the first copy of a looping line is rarely wanted either).
    func dropRepetition(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var previous: Substring?
        for (i, line) in lines.enumerated() where !line.allSatisfy(\.isWhitespace) {
            if let previous, previous.trimmingWhitespace == line.trimmingWhitespace {
                // Drop the earlier copy too, and the blank lines before it.
                var end = i - 1
                while end > 0, lines[end].trimmingWhitespace != line.trimmingWhitespace { end -= 1 }
                var keep = Array(lines[..<end])
                while keep.last?.allSatisfy(\.isWhitespace) == true { keep.removeLast() }
                return keep.joined(separator: "\n")
            }
            previous = line
        }
        return text
    }

    /// Removes the tail of the completion that the text after the cursor already contains
    /// (closing brackets and quotes the editor auto-inserted, or a whole line that follows).
    func dropSuffixOverlap(_ text: String) -> String {
        let restOfLine = suffix.prefix { $0 != "\n" }
        var result = text
        // Longest tail of the completion's last line equal to a head of the rest of the line.
        if !restOfLine.isEmpty {
            let maxLen = min(result.count, restOfLine.count)
            for len in stride(from: maxLen, to: 0, by: -1) where result.hasSuffix(restOfLine.prefix(len)) {
                result.removeLast(len)
                break
            }
        }
        // A completion line equal to the next non-empty line after the cursor means the model is repeating.
        let nextLine = suffix.split(separator: "\n").dropFirst(restOfLine.isEmpty ? 0 : 1)
            .first { !$0.allSatisfy(\.isWhitespace) }
        if let nextLine {
            let lines = result.split(separator: "\n", omittingEmptySubsequences: false)
            if let i = lines.indices.dropFirst().first(where: {
                lines[$0].trimmingWhitespace == nextLine.trimmingWhitespace
            }) {
                result = lines[..<i].joined(separator: "\n")
            }
        }
        return result
    }
}

extension Substring {
    var trimmingWhitespace: Substring {
        var s = self
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return s
    }
}

/// Whether inserting a completion adds syntax errors: candidates that do are dropped or ranked below valid ones.
public enum SyntaxCheck {
    /// The number of ERROR/MISSING nodes the completion adds to the document (0 = clean).
    public static func addedErrors(parser: Parser, prefix: String, completion: String, suffix: String) -> Int {
        let before = parser.parse(prefix + suffix)?.errorCount ?? 0
        let after = parser.parse(prefix + completion + suffix)?.errorCount ?? 0
        return max(0, after - before)
    }
}
