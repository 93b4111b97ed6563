/// `quorum/explain`: computes a completion at a position and returns what it was built from — each context
/// piece with its reason, rank and tokens, the prompt's size, the tokens reused and computed, milliseconds per
/// phase — and the completion itself. Nothing leaves the machine; this is for the user's own understanding.
public struct ExplainRequest: TextDocumentRequest, Hashable {
    public static let method = "quorum/explain"
    public typealias Response = LSPAny

    public var textDocument: TextDocumentIdentifier
    public var position: Position
    /// "line" or "block"; block by default.
    public var mode: String?

    public init(textDocument: TextDocumentIdentifier, position: Position, mode: String? = nil) {
        self.textDocument = textDocument
        self.position = position
        self.mode = mode
    }
}
