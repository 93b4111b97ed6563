/// `textDocument/definition`: where the name at a position is defined.
public struct DefinitionRequest: TextDocumentRequest, Hashable {
    public static let method = "textDocument/definition"
    public typealias Response = [Location]
    public var textDocument: TextDocumentIdentifier
    public var position: Position
    public init(textDocument: TextDocumentIdentifier, position: Position) {
        self.textDocument = textDocument
        self.position = position
    }
}
