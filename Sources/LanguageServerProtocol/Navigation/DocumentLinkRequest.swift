/// `textDocument/documentLink`: import lines linked to the workspace files they resolve to.
public struct DocumentLinkRequest: TextDocumentRequest, Hashable {
    public static let method = "textDocument/documentLink"
    public typealias Response = [DocumentLink]
    public var textDocument: TextDocumentIdentifier
}

public struct DocumentLink: ResponseType, Hashable {
    public var range: LSPRange
    public var target: String
    public var tooltip: String?
    public init(range: LSPRange, target: String, tooltip: String?) {
        self.range = range
        self.target = target
        self.tooltip = tooltip
    }
}
