/// A root folder of the workspace, as the client names it.
public struct WorkspaceFolder: Codable, Hashable, Sendable {
    public var uri: DocumentURI
    public var name: String
    public init(uri: DocumentURI, name: String) {
        self.uri = uri
        self.name = name
    }
}

/// Folders added and removed in one `workspace/didChangeWorkspaceFolders`.
public struct WorkspaceFoldersChangeEvent: Codable, Hashable, Sendable {
    public var added: [WorkspaceFolder]
    public var removed: [WorkspaceFolder]
    public init(added: [WorkspaceFolder], removed: [WorkspaceFolder]) {
        self.added = added
        self.removed = removed
    }
}
