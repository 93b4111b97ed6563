/// Token healing: a prompt that ends inside what would be one token (half an identifier, a trailing
/// space, half an operator) makes a model miss the obvious continuation, because it never saw that
/// token boundary in training. We back the prompt up to the previous token boundary and make the first
/// generated tokens reproduce the removed text, then remove it again from the output.
public enum TokenHealing {
    /// Splits `prefix` into the part kept in the prompt and the tail the model must regenerate.
    /// - Parameter lastTokenText: the text of the final token when the prefix's end is tokenized.
    public static func split(prefix: String, lastTokenText: String) -> (kept: String, heal: String) {
        guard !lastTokenText.isEmpty, prefix.hasSuffix(lastTokenText) else { return (prefix, "") }
        // A newline is a real boundary in every code vocabulary; healing across it only costs time.
        if lastTokenText.contains("\n") { return (prefix, "") }
        guard let last = lastTokenText.last, last.isLetter || last.isNumber || last == "_" || last == " "
                || "+-*/%=<>!&|^.:".contains(last) else { return (prefix, "") }
        return (String(prefix.dropLast(lastTokenText.count)), lastTokenText)
    }

    /// Whether a token with bytes `token` may come next when `remaining` bytes of healed text are still owed:
    /// the token must either be a prefix of what is owed or cover all of it.
    public static func allows(_ token: [UInt8], remaining: ArraySlice<UInt8>) -> Bool {
        if token.isEmpty { return false }
        if token.count <= remaining.count { return remaining.starts(with: token) }
        return token.starts(with: remaining)
    }
}
