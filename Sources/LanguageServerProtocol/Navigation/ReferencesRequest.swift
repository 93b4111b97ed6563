/// `textDocument/references`: every use of the name at a position across the workspace.
public struct ReferencesRequest: TextDocumentRequest, Hashable {
    public static let method = "textDocument/references"
    public typealias Response = [Location]
    public struct Context: Codable, Hashable, Sendable {
        public var includeDeclaration: Bool
    }
    public var textDocument: TextDocumentIdentifier
    public var position: Position
    public var context: Context?
}
