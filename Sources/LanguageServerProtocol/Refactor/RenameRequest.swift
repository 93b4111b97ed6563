/// `textDocument/prepareRename`: the range and current text of the name a rename at a position would change.
public struct PrepareRenameRequest: TextDocumentRequest, Hashable {
    public static let method = "textDocument/prepareRename"
    public typealias Response = PrepareRenameResult
    public var textDocument: TextDocumentIdentifier
    public var position: Position
}

public struct PrepareRenameResult: ResponseType, Hashable {
    public var range: LSPRange
    public var placeholder: String
    public init(range: LSPRange, placeholder: String) { self.range = range; self.placeholder = placeholder }
}

/// `textDocument/rename`: the workspace edit renaming the symbol at a position.
public struct RenameRequest: TextDocumentRequest, Hashable {
    public static let method = "textDocument/rename"
    public typealias Response = WorkspaceEdit
    public var textDocument: TextDocumentIdentifier
    public var position: Position
    public var newName: String
}
