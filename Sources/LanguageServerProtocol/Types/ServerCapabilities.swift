/// What the server implements. Only what is really handled is advertised.
public struct ServerCapabilities: Codable, Hashable, Sendable {
    public var positionEncoding: PositionEncodingKind?
    public var textDocumentSync: TextDocumentSyncOptions?
    public var workspace: WorkspaceServerCapabilities?
    /// `textDocument/completion`.
    public var completionProvider: CompletionOptions?
    /// `textDocument/inlineCompletion` (LSP 3.18).
    public var inlineCompletionProvider: Bool?
    public var documentSymbolProvider: Bool?
    public var workspaceSymbolProvider: Bool?
    public var definitionProvider: Bool?
    public var declarationProvider: Bool?
    public var referencesProvider: Bool?
    public var documentHighlightProvider: Bool?
    public var callHierarchyProvider: Bool?
    public var documentLinkProvider: DocumentLinkOptions?
    public var renameProvider: RenameOptions?
    public var codeActionProvider: CodeActionOptions?
    public var executeCommandProvider: ExecuteCommandOptions?
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

public struct CompletionOptions: Codable, Hashable, Sendable {
    public var triggerCharacters: [String]?
    public var resolveProvider: Bool?
    public init(triggerCharacters: [String]? = nil, resolveProvider: Bool? = nil) {
        self.triggerCharacters = triggerCharacters
        self.resolveProvider = resolveProvider
    }
}

public struct DocumentLinkOptions: Codable, Hashable, Sendable {
    public var resolveProvider: Bool?
    public init(resolveProvider: Bool? = nil) { self.resolveProvider = resolveProvider }
}

public struct RenameOptions: Codable, Hashable, Sendable {
    public var prepareProvider: Bool?
    public init(prepareProvider: Bool? = nil) { self.prepareProvider = prepareProvider }
}

public struct CodeActionOptions: Codable, Hashable, Sendable {
    public var codeActionKinds: [String]?
    public var resolveProvider: Bool?
    public init(codeActionKinds: [String]? = nil, resolveProvider: Bool? = nil) {
        self.codeActionKinds = codeActionKinds
        self.resolveProvider = resolveProvider
    }
}

public struct ExecuteCommandOptions: Codable, Hashable, Sendable {
    public var commands: [String]
    public init(commands: [String]) { self.commands = commands }
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
    /// `workspace/willRenameFiles` and friends.
    public var fileOperations: FileOperationsServerCapabilities?
    public init(workspaceFolders: WorkspaceFoldersServerCapabilities? = nil,
                fileOperations: FileOperationsServerCapabilities? = nil) {
        self.workspaceFolders = workspaceFolders
        self.fileOperations = fileOperations
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
