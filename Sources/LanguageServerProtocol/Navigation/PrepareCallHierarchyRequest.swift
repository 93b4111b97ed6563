/// `textDocument/prepareCallHierarchy`: the function-like symbols at a position.
public struct PrepareCallHierarchyRequest: TextDocumentRequest, Hashable {
    public static let method = "textDocument/prepareCallHierarchy"
    public typealias Response = [CallHierarchyItem]
    public var textDocument: TextDocumentIdentifier
    public var position: Position
}
