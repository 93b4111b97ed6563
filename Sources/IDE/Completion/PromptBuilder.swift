/// One piece of repository context offered to the prompt: a file or a symbol's definition.
public struct ContextPiece: Sendable, Equatable {
    public enum Reason: String, Sendable, Codable {
        case symbolNearCursor = "definition of a symbol used near the cursor"
        case importedFile = "imported by this file"
        case recentlyEdited = "recently edited"
        case ranked = "ranked close to this file"
    }

    /// Workspace-relative path, used in the header the model sees.
    public var path: String
    /// The text included (a whole file or a definition).
    public var text: String
    public var reason: Reason
    /// Higher first when the budget runs out.
    public var rank: Double
    /// For symbol pieces, the symbol's name.
    public var symbol: String?

    public init(path: String, text: String, reason: Reason, rank: Double, symbol: String? = nil) {
        self.path = path
        self.text = text
        self.reason = reason
        self.rank = rank
        self.symbol = symbol
    }
}

/// What the prompt builder needs from the model: how many tokens a text costs
/// (an estimate when the backend has no tokenizer).
public protocol TokenCounter {
    func countTokens(_ text: String) -> Int
}

/// A prompt ready for the engine, with what went into it.
public struct BuiltPrompt: Sendable, Equatable {
    /// The exact text the engine tokenizes (special tokens parsed).
    public var text: String
    /// Context pieces included, in prompt order, with their token counts.
    public var included: [(piece: ContextPiece, tokens: Int)]
    /// Pieces left out because the budget ran out.
    public var dropped: [ContextPiece]
    public var usesFIM: Bool

    public static func == (a: BuiltPrompt, b: BuiltPrompt) -> Bool {
        a.text == b.text && a.usesFIM == b.usesFIM && a.dropped == b.dropped
            && a.included.map(\.piece) == b.included.map(\.piece) && a.included.map(\.tokens) == b.included.map(\.tokens)
    }
}

/// Assembles completion prompts so that the part before the cursor changes as little as possible
/// between keystrokes: the repository context comes first, in an order that does not depend on the cursor,
/// then the current file. Only the tail (the text near the cursor, and the suffix) moves per keystroke,
/// which is what lets the KV prefix cache reuse almost the whole prompt.
public struct PromptBuilder {
    public var template: PromptTemplate
    /// Token budget for the whole prompt, the generated tokens excluded.
    public var budget: Int
    /// At most this many tokens of text after the cursor (the suffix is recomputed at every keystroke).
    public var suffixBudget: Int
    public var repositoryName: String
    /// How the language starts a line comment; file headers of prefix-only prompts use it.
    public var lineComment: String

    public init(template: PromptTemplate, budget: Int, suffixBudget: Int = 256, repositoryName: String,
                lineComment: String = "//") {
        self.lineComment = lineComment
        self.template = template
        self.budget = budget
        self.suffixBudget = suffixBudget
        self.repositoryName = repositoryName
    }

    public func build(path: String, prefix: String, suffix: String, context: [ContextPiece],
                      counter: TokenCounter) -> BuiltPrompt {
        // The current file first claims its share: the prefix near the cursor matters most.
        // The suffix gets at most a quarter of the prompt: a fixed `suffixBudget` alone could exceed a small
        // budget and push the prompt past the context.
        let trimmedSuffix = trimSuffix(suffix, budget: min(suffixBudget, budget / 4), counter: counter)
        let fileBudget = max(budget * 6 / 10, budget - context.reduce(0) { $0 + counter.countTokens($1.text) })
        let trimmedPrefix = trimPrefix(prefix, budget: fileBudget - counter.countTokens(trimmedSuffix), counter: counter)
        var remaining = budget - counter.countTokens(trimmedPrefix) - counter.countTokens(trimmedSuffix) - 16

        // Choose pieces by rank, then order the chosen ones stably (by path, then symbol) so the
        // prompt's beginning stays byte-identical while the same pieces are chosen.
        var chosen: [(ContextPiece, Int)] = []
        var dropped: [ContextPiece] = []
        for piece in context.sorted(by: { ($0.rank, $1.path) > ($1.rank, $0.path) }) {
            let header = piece.path.count / 3 + 4
            let cost = counter.countTokens(piece.text) + header
            if cost <= remaining {
                chosen.append((piece, cost))
                remaining -= cost
            } else {
                dropped.append(piece)
            }
        }
        chosen.sort { ($0.0.path, $0.0.symbol ?? "") < ($1.0.path, $1.0.symbol ?? "") }

        var text = ""
        let t = template
        if t.supportsFIM {
            if t.supportsRepositoryContext, let repo = t.repoName, let sep = t.fileSeparator {
                text += repo + repositoryName + "\n"
                for (piece, _) in chosen { text += sep + piece.path + "\n" + piece.text + ensureNewline(piece.text) }
                text += sep + path + "\n"
            }
            text += (t.fimPrefix ?? "") + trimmedPrefix + (t.fimSuffix ?? "") + trimmedSuffix + (t.fimMiddle ?? "")
        } else {
            // A model without FIM tokens continues text: context files as commented headers, then the file.
            for (piece, _) in chosen { text += "\(lineComment) File: \(piece.path)\n" + piece.text + ensureNewline(piece.text) + "\n" }
            text += "\(lineComment) File: \(path)\n" + trimmedPrefix
        }
        return BuiltPrompt(text: text, included: chosen.map { ($0.0, $0.1) }, dropped: dropped, usesFIM: t.supportsFIM)
    }

    private func ensureNewline(_ s: String) -> String { s.hasSuffix("\n") ? "" : "\n" }

    /// Keeps the end of the prefix, cut at a line start so the model sees whole lines.
    func trimPrefix(_ prefix: String, budget: Int, counter: TokenCounter) -> String {
        guard budget > 0 else { return "" }
        if counter.countTokens(prefix) <= budget { return prefix }
        var lines = prefix.split(separator: "\n", omittingEmptySubsequences: false)
        var kept: [Substring] = []
        var used = 0
        while let line = lines.popLast() {
            let cost = counter.countTokens(String(line)) + 1
            if used + cost > budget { break }
            kept.append(line)
            used += cost
        }
        return kept.reversed().joined(separator: "\n")
    }

    /// Keeps the start of the suffix, cut at a line end.
    func trimSuffix(_ suffix: String, budget: Int, counter: TokenCounter) -> String {
        if counter.countTokens(suffix) <= budget { return suffix }
        var kept: [Substring] = []
        var used = 0
        for line in suffix.split(separator: "\n", omittingEmptySubsequences: false) {
            let cost = counter.countTokens(String(line)) + 1
            if used + cost > budget { break }
            kept.append(line)
            used += cost
        }
        return kept.joined(separator: "\n")
    }
}
