/// `textDocument/declaration`: for the languages indexed, where the name is declared is where it is defined
/// (a C prototype in a header is a definition row too).
public struct DeclarationRequest: TextDocumentRequest, Hashable {
    public static let method = "textDocument/declaration"
    public typealias Response = [Location]
    public var textDocument: TextDocumentIdentifier
    public var position: Position
}
