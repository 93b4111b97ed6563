/// What the server implements. Only what is really handled is advertised.
public struct ServerCapabilities: Codable, Hashable, Sendable {
    public var positionEncoding: PositionEncodingKind?
    public var textDocumentSync: TextDocumentSyncOptions?
    public var workspace: WorkspaceServerCapabilities?
    /// Quorum's own requests, so clients can tell what they may call (`{"quorum": {"status": true}}`).
    public var experimental: LSPAny?

    public init(positionEncoding: PositionEncodingKind? = nil, textDocumentSync: TextDocumentSyncOptions? = nil,
                workspace: WorkspaceServerCapabilities? = nil, experimental: LSPAny? = nil) {
        self.positionEncoding = positionEncoding
        self.textDocumentSync = textDocumentSync
        self.workspace = workspace
        self.experimental = experimental
    }
}

/// How the server wants documents synced.
public struct TextDocumentSyncOptions: Codable, Hashable, Sendable {
    public var openClose: Bool?
    public var change: TextDocumentSyncKind?
    public var save: SaveOptions?
    public init(openClose: Bool? = nil, change: TextDocumentSyncKind? = nil, save: SaveOptions? = nil) {
        self.openClose = openClose
        self.change = change
        self.save = save
    }
}

/// Whether `didSave` should carry the text.
public struct SaveOptions: Codable, Hashable, Sendable {
    public var includeText: Bool?
    public init(includeText: Bool? = nil) { self.includeText = includeText }
}

/// The `workspace` member of the server capabilities.
public struct WorkspaceServerCapabilities: Codable, Hashable, Sendable {
    public var workspaceFolders: WorkspaceFoldersServerCapabilities?
    public init(workspaceFolders: WorkspaceFoldersServerCapabilities? = nil) {
        self.workspaceFolders = workspaceFolders
    }
}

/// Multi-root support.
public struct WorkspaceFoldersServerCapabilities: Codable, Hashable, Sendable {
    public var supported: Bool?
    public var changeNotifications: Bool?
    public init(supported: Bool? = nil, changeNotifications: Bool? = nil) {
        self.supported = supported
        self.changeNotifications = changeNotifications
    }
}
