/// Names a document.
public struct TextDocumentIdentifier: Codable, Hashable, Sendable {
    public var uri: DocumentURI
    public init(uri: DocumentURI) { self.uri = uri }
}

/// Names a document at a version.
public struct VersionedTextDocumentIdentifier: Codable, Hashable, Sendable {
    public var uri: DocumentURI
    public var version: Int
    public init(uri: DocumentURI, version: Int) {
        self.uri = uri
        self.version = version
    }
}

/// A document as opened by the client, with its full text.
public struct TextDocumentItem: Codable, Hashable, Sendable {
    public var uri: DocumentURI
    public var languageId: String
    public var version: Int
    public var text: String
    public init(uri: DocumentURI, languageId: String, version: Int, text: String) {
        self.uri = uri
        self.languageId = languageId
        self.version = version
        self.text = text
    }
}

/// One edit of a `didChange`: with a range it is incremental, without one it replaces the whole text.
public struct TextDocumentContentChangeEvent: Codable, Hashable, Sendable {
    public var range: LSPRange?
    /// Deprecated by LSP; read for logging only, never trusted (its unit is ambiguous).
    public var rangeLength: Int?
    public var text: String
    public init(range: LSPRange? = nil, rangeLength: Int? = nil, text: String) {
        self.range = range
        self.rangeLength = rangeLength
        self.text = text
    }
}

/// How documents are synced: `none` 0, `full` 1, `incremental` 2.
public enum TextDocumentSyncKind: Int, Codable, Hashable, Sendable {
    case none = 0
    case full = 1
    case incremental = 2
}
