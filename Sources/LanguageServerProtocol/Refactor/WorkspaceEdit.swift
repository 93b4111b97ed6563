/// A document named by URI at the version the edit was computed for; `version` is `null` for a file the
/// editor does not have open (LSP's `OptionalVersionedTextDocumentIdentifier`).
public struct OptionalVersionedTextDocumentIdentifier: Codable, Hashable, Sendable {
    public var uri: DocumentURI
    public var version: Int?
    public init(uri: DocumentURI, version: Int?) { self.uri = uri; self.version = version }

    // `version` is always written, as `null` when absent: the specification requires the member.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(uri, forKey: .uri)
        if let version { try c.encode(version, forKey: .version) } else { try c.encodeNil(forKey: .version) }
    }
}

/// Edits of one document at one version.
public struct TextDocumentEdit: Codable, Hashable, Sendable {
    public var textDocument: OptionalVersionedTextDocumentIdentifier
    public var edits: [TextEdit]
    public init(textDocument: OptionalVersionedTextDocumentIdentifier, edits: [TextEdit]) {
        self.textDocument = textDocument
        self.edits = edits
    }
}

/// A resource operation moving a file or folder.
public struct RenameFile: Codable, Hashable, Sendable {
    public var kind = "rename"
    public var oldUri: DocumentURI
    public var newUri: DocumentURI
    public init(oldUri: DocumentURI, newUri: DocumentURI) { self.oldUri = oldUri; self.newUri = newUri }
}

/// A resource operation creating a file (a new test file).
public struct CreateFile: Codable, Hashable, Sendable {
    public struct Options: Codable, Hashable, Sendable {
        public var ignoreIfExists: Bool?
        public init(ignoreIfExists: Bool?) { self.ignoreIfExists = ignoreIfExists }
    }
    public var kind = "create"
    public var uri: DocumentURI
    public var options: Options?
    public init(uri: DocumentURI, options: Options? = nil) { self.uri = uri; self.options = options }
}

/// One entry of `documentChanges`: a text edit or a resource operation.
public enum DocumentChangeOperation: Codable, Hashable, Sendable {
    case edit(TextDocumentEdit)
    case rename(RenameFile)
    case create(CreateFile)

    public init(from decoder: Decoder) throws {
        if let rename = try? RenameFile(from: decoder), rename.kind == "rename" { self = .rename(rename); return }
        if let create = try? CreateFile(from: decoder), create.kind == "create" { self = .create(create); return }
        self = .edit(try TextDocumentEdit(from: decoder))
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .edit(let e): try e.encode(to: encoder)
        case .rename(let r): try r.encode(to: encoder)
        case .create(let c): try c.encode(to: encoder)
        }
    }
}

/// Changes to many files: always sent as `documentChanges`, so versions and renames travel with the edits.
public struct WorkspaceEdit: ResponseType, Hashable {
    public var documentChanges: [DocumentChangeOperation]
    public init(documentChanges: [DocumentChangeOperation]) { self.documentChanges = documentChanges }
}
