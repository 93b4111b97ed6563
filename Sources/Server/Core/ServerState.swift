import IDE
import LanguageServerProtocol

/// Where the server is in the LSP lifecycle.
public enum Lifecycle: String, Sendable {
    /// Waiting for `initialize`; requests get -32002.
    case uninitialized
    /// Between `initialize` and `shutdown`.
    case running
    /// After `shutdown`; requests get -32600 and only `exit` matters.
    case shutDown
}

/// A workspace root with the file-system path derived from its URI (`nil` for non-`file:` URIs).
public struct WorkspaceRoot: Hashable, Sendable {
    public var uri: String
    public var name: String
    /// Absolute path without a trailing slash (except `/` itself).
    public var path: String?
}

/// Everything the server knows that requests read. A value: copying it is the snapshot a request gets.
public struct ServerState: Sendable {
    public internal(set) var lifecycle = Lifecycle.uninitialized
    public internal(set) var encoding = PositionEncoding.utf16
    public internal(set) var clientCapabilities = ClientCapabilities()
    public internal(set) var documents = DocumentStore()
    public internal(set) var roots: [WorkspaceRoot] = []
    public internal(set) var settings = Settings.defaults
    public internal(set) var trace = TraceValue.off
    public internal(set) var watchedFileEvents = 0
    public internal(set) var registrations: [String] = []
    /// Ids of requests running when the snapshot was taken.
    public internal(set) var requestsInFlight: [RequestID] = []

    /// Settings as the client sent them, per source; the effective `settings` are recomputed from these.
    var initializationOptions: LSPAny?
    var workspaceConfiguration: LSPAny?
    /// Setting problems already shown, so each is shown once per session.
    var reportedSettingProblems: Set<String> = []
    /// Set by `shutdown`; decides the exit status.
    var shutdownReceived = false
}

/// What a request handler gets besides its params: the state as of its arrival, and its id.
public struct RequestContext: Sendable {
    /// The request's id, for logs and progress.
    public let id: RequestID
    /// The server's state when the request arrived.
    public let state: ServerState
}

/// A document request's view of its document, with conversions between LSP positions (in the negotiated
/// encoding) and the UTF-8 offsets IDE features use.
public struct DocumentSnapshot: Sendable {
    public let document: TextDocument
    public let encoding: PositionEncoding

    public var uri: String { document.uri }
}
