/// `textDocument/documentHighlight`: the occurrences of the identifier at a position in the same document.
public struct DocumentHighlightRequest: TextDocumentRequest, Hashable {
    public static let method = "textDocument/documentHighlight"
    public typealias Response = [DocumentHighlight]
    public var textDocument: TextDocumentIdentifier
    public var position: Position
}

public struct DocumentHighlight: ResponseType, Hashable {
    public var range: LSPRange
    /// 1 text, 2 read, 3 write.
    public var kind: Int
    public init(range: LSPRange, kind: Int) { self.range = range; self.kind = kind }
}
