/// `quorum/status`: the server's state as it sees it — lifecycle, encoding, folders, open documents and versions,
/// effective settings, requests in flight. Editors can show it; tests use it to assert document sync.
public struct StatusRequest: RequestType, Hashable {
    public static let method = "quorum/status"
    public typealias Response = StatusResponse
    public init() {}
}

/// The answer to `quorum/status`.
public struct StatusResponse: ResponseType, Hashable {
    public var serverName: String
    public var serverVersion: String
    /// `initialized`, `shuttingDown`, … (see the server's lifecycle).
    public var state: String
    public var positionEncoding: PositionEncodingKind
    public var trace: TraceValue
    public var workspaceFolders: [WorkspaceFolderStatus]
    public var documents: [DocumentStatus]
    /// The settings in effect after defaults, initializationOptions and workspace configuration.
    public var settings: LSPAny
    /// Ids of requests still running, this one excluded.
    public var requestsInFlight: [RequestID]
    /// Number of file events received through `workspace/didChangeWatchedFiles`.
    public var watchedFileEvents: Int
    /// Methods registered dynamically with the client.
    public var registrations: [String]
    /// True while the initial scan of the workspace runs.
    public var indexing: Bool = false
    /// Files in the index after the last scan.
    public var indexedFiles: Int?
    /// The completion backend ("qwen3moe from model.gguf", a server URL), nil when none is ready.
    public var completionBackend: String?
    /// True while a model is loading.
    public var modelLoading: Bool = false

    public init(serverName: String, serverVersion: String, state: String, positionEncoding: PositionEncodingKind,
                trace: TraceValue, workspaceFolders: [WorkspaceFolderStatus], documents: [DocumentStatus],
                settings: LSPAny, requestsInFlight: [RequestID], watchedFileEvents: Int, registrations: [String]) {
        self.serverName = serverName
        self.serverVersion = serverVersion
        self.state = state
        self.positionEncoding = positionEncoding
        self.trace = trace
        self.workspaceFolders = workspaceFolders
        self.documents = documents
        self.settings = settings
        self.requestsInFlight = requestsInFlight
        self.watchedFileEvents = watchedFileEvents
        self.registrations = registrations
    }

    /// One workspace root, with the file-system path the server derived from its URI.
    public struct WorkspaceFolderStatus: Codable, Hashable, Sendable {
        public var uri: DocumentURI
        public var name: String
        public var path: String?
        public init(uri: DocumentURI, name: String, path: String?) {
            self.uri = uri
            self.name = name
            self.path = path
        }
    }

    /// One open document.
    public struct DocumentStatus: Codable, Hashable, Sendable {
        public var uri: DocumentURI
        public var languageId: String
        public var version: Int
        public var lineCount: Int
        public var utf8Length: Int
        public init(uri: DocumentURI, languageId: String, version: Int, lineCount: Int, utf8Length: Int) {
            self.uri = uri
            self.languageId = languageId
            self.version = version
            self.lineCount = lineCount
            self.utf8Length = utf8Length
        }
    }
}
