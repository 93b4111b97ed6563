/// `textDocument/documentSymbol`: the outline of a document, nested.
public struct DocumentSymbolRequest: TextDocumentRequest, Hashable {
    public static let method = "textDocument/documentSymbol"
    public typealias Response = [DocumentSymbol]
    public var textDocument: TextDocumentIdentifier
    public init(textDocument: TextDocumentIdentifier) { self.textDocument = textDocument }
}

public struct DocumentSymbol: ResponseType, Hashable {
    public var name: String
    public var detail: String?
    public var kind: Int
    public var range: LSPRange
    public var selectionRange: LSPRange
    public var children: [DocumentSymbol]?

    public init(name: String, detail: String?, kind: Int, range: LSPRange, selectionRange: LSPRange,
                children: [DocumentSymbol]?) {
        self.name = name
        self.detail = detail
        self.kind = kind
        self.range = range
        self.selectionRange = selectionRange
        self.children = children
    }
}
