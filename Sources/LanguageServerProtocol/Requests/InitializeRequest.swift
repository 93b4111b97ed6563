/// `initialize`: the first request; the client says what it supports and where the workspace is.
public struct InitializeRequest: RequestType, Hashable {
    public static let method = "initialize"
    public typealias Response = InitializeResult

    /// The client's process, polled so the server exits when its editor dies. `null` when the client has none.
    public var processId: Int?
    public var clientInfo: ClientInfo?
    /// Deprecated by LSP in favour of `rootUri`, but some clients still send only this.
    public var rootPath: String?
    /// Deprecated by LSP in favour of `workspaceFolders`; may end with `/` (ALE does).
    public var rootUri: DocumentURI?
    /// Quorum's settings; see `Settings` and README.md.
    public var initializationOptions: LSPAny?
    /// Required by LSP; an absent one is read as empty so minimal clients still start.
    public var capabilities: ClientCapabilities?
    public var trace: TraceValue?
    /// `null` or absent when no folder is open.
    public var workspaceFolders: [WorkspaceFolder]?

    public init(processId: Int? = nil, clientInfo: ClientInfo? = nil, rootPath: String? = nil,
                rootUri: DocumentURI? = nil, initializationOptions: LSPAny? = nil,
                capabilities: ClientCapabilities? = ClientCapabilities(), trace: TraceValue? = nil,
                workspaceFolders: [WorkspaceFolder]? = nil) {
        self.processId = processId
        self.clientInfo = clientInfo
        self.rootPath = rootPath
        self.rootUri = rootUri
        self.initializationOptions = initializationOptions
        self.capabilities = capabilities
        self.trace = trace
        self.workspaceFolders = workspaceFolders
    }

    public struct ClientInfo: Codable, Hashable, Sendable {
        public var name: String
        public var version: String?
        public init(name: String, version: String? = nil) {
            self.name = name
            self.version = version
        }
    }
}

/// The answer to `initialize`.
public struct InitializeResult: ResponseType, Hashable {
    public var capabilities: ServerCapabilities
    public var serverInfo: ServerInfo?

    public init(capabilities: ServerCapabilities, serverInfo: ServerInfo?) {
        self.capabilities = capabilities
        self.serverInfo = serverInfo
    }

    public struct ServerInfo: Codable, Hashable, Sendable {
        public var name: String
        public var version: String?
        public init(name: String, version: String?) {
            self.name = name
            self.version = version
        }
    }
}
