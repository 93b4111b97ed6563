/// One change from a `didChange`: either a whole new text, or a range (in the client's encoding) and its replacement.
public struct DocumentChange: Sendable, Equatable {
    /// `nil` replaces the whole document.
    public var range: (start: TextPosition, end: TextPosition)?
    public var text: String

    public init(range: (start: TextPosition, end: TextPosition)?, text: String) {
        self.range = range
        self.text = text
    }

    public static func == (lhs: DocumentChange, rhs: DocumentChange) -> Bool {
        lhs.text == rhs.text && lhs.range?.start == rhs.range?.start && lhs.range?.end == rhs.range?.end
    }
}

/// The set of open documents, keyed by URI.
///
/// A value type: the server keeps one behind its lock and hands copies (snapshots) to requests,
/// so a request never sees a half-applied change and never blocks later changes.
public struct DocumentStore: Sendable {
    private var documents: [String: TextDocument] = [:]

    public init() {}

    /// Opens a document. Opening an already open URI is refused: the client's state and ours disagree.
    public mutating func open(uri: String, languageId: String, version: Int, text: String) throws {
        guard documents[uri] == nil else { throw DocumentError.alreadyOpen(uri: uri) }
        documents[uri] = TextDocument(uri: uri, languageId: languageId, version: version, text: text)
    }

    /// Applies `changes` in order and sets the new version.
    ///
    /// The changes are all-or-nothing: if one of them names a position outside the document, none is applied,
    /// so the document stays at its last good version instead of becoming a mix of both.
    public mutating func change(uri: String, version: Int, changes: [DocumentChange],
                                encoding: PositionEncoding) throws {
        guard var document = documents[uri] else { throw DocumentError.notOpen(uri: uri) }
        for change in changes {
            if let range = change.range {
                let bytes = try document.utf8Range(from: range.start, to: range.end, encoding: encoding)
                document.replace(utf8Range: bytes, with: change.text)
            } else {
                document.replaceAll(with: change.text)
            }
        }
        document.setVersion(version)
        documents[uri] = document
    }

    /// Closes a document; closing one that is not open is refused.
    public mutating func close(uri: String) throws {
        guard documents.removeValue(forKey: uri) != nil else { throw DocumentError.notOpen(uri: uri) }
    }

    /// The open document with this URI.
    public func document(_ uri: String) throws -> TextDocument {
        guard let document = documents[uri] else { throw DocumentError.notOpen(uri: uri) }
        return document
    }

    /// Whether `uri` is open.
    public func isOpen(_ uri: String) -> Bool { documents[uri] != nil }

    /// All open documents, sorted by URI so listings are stable.
    public var all: [TextDocument] { documents.values.sorted { $0.uri < $1.uri } }

    /// Number of open documents.
    public var count: Int { documents.count }
}
