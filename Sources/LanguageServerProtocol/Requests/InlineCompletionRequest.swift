/// `textDocument/inlineCompletion` (LSP 3.18): ghost text at the cursor, one or more lines.
public struct InlineCompletionRequest: TextDocumentRequest, Hashable {
    public static let method = "textDocument/inlineCompletion"
    public typealias Response = InlineCompletionList

    public struct Context: Codable, Hashable, Sendable {
        /// 1 = invoked explicitly, 2 = automatic (while typing).
        public var triggerKind: Int
        public init(triggerKind: Int) { self.triggerKind = triggerKind }
    }

    public var textDocument: TextDocumentIdentifier
    public var position: Position
    public var context: Context?

    public init(textDocument: TextDocumentIdentifier, position: Position, context: Context? = nil) {
        self.textDocument = textDocument
        self.position = position
        self.context = context
    }
}

public struct InlineCompletionList: ResponseType, Hashable {
    public var items: [InlineCompletionItem]
    public init(items: [InlineCompletionItem]) { self.items = items }
}

public struct InlineCompletionItem: Codable, Hashable, Sendable {
    /// The text to insert at the range (the cursor when no range is given).
    public var insertText: String
    public var range: LSPRange?
    public var filterText: String?

    public init(insertText: String, range: LSPRange? = nil, filterText: String? = nil) {
        self.insertText = insertText
        self.range = range
        self.filterText = filterText
    }
}
