/// `textDocument/completion`: the completion list, where model suggestions and symbols from the index meet.
public struct CompletionRequest: TextDocumentRequest, Hashable {
    public static let method = "textDocument/completion"
    public typealias Response = CompletionList

    public struct Context: Codable, Hashable, Sendable {
        /// 1 = invoked, 2 = trigger character, 3 = re-trigger for an incomplete list.
        public var triggerKind: Int
        public var triggerCharacter: String?
    }

    public var textDocument: TextDocumentIdentifier
    public var position: Position
    public var context: Context?

    public init(textDocument: TextDocumentIdentifier, position: Position) {
        self.textDocument = textDocument
        self.position = position
    }
}

public struct CompletionList: ResponseType, Hashable {
    /// True when typing more should ask again (the model's suggestion depends on every keystroke).
    public var isIncomplete: Bool
    public var items: [CompletionItem]

    public init(isIncomplete: Bool, items: [CompletionItem]) {
        self.isIncomplete = isIncomplete
        self.items = items
    }
}

public struct CompletionItem: Codable, Hashable, Sendable {
    public var label: String
    /// LSP CompletionItemKind: 3 function, 2 method, 7 class, 6 variable, 5 field, 9 module, 15 snippet, 1 text…
    public var kind: Int?
    public var detail: String?
    public var documentation: String?
    public var sortText: String?
    public var filterText: String?
    /// Always plain text (1): Quorum never sends snippets.
    public var insertTextFormat: Int?
    public var textEdit: TextEdit?
    public var additionalTextEdits: [TextEdit]?

    public init(label: String, kind: Int? = nil, detail: String? = nil, documentation: String? = nil,
                sortText: String? = nil, filterText: String? = nil, textEdit: TextEdit? = nil,
                additionalTextEdits: [TextEdit]? = nil) {
        self.label = label
        self.kind = kind
        self.detail = detail
        self.documentation = documentation
        self.sortText = sortText
        self.filterText = filterText
        self.insertTextFormat = 1
        self.textEdit = textEdit
        self.additionalTextEdits = additionalTextEdits
    }
}
