/// One file change seen by the client's watcher.
public struct FileEvent: Codable, Hashable, Sendable {
    public var uri: DocumentURI
    /// 1 created, 2 changed, 3 deleted.
    public var type: Int
    public init(uri: DocumentURI, type: Int) {
        self.uri = uri
        self.type = type
    }
}

/// A glob the client should watch (registration option of `workspace/didChangeWatchedFiles`).
public struct FileSystemWatcher: Codable, Hashable, Sendable {
    public var globPattern: String
    /// Bit set: 1 create, 2 change, 4 delete; absent means all.
    public var kind: Int?
    public init(globPattern: String, kind: Int? = nil) {
        self.globPattern = globPattern
        self.kind = kind
    }
}

/// One dynamic registration.
public struct Registration: Codable, Hashable, Sendable {
    public var id: String
    public var method: String
    public var registerOptions: LSPAny?
    public init(id: String, method: String, registerOptions: LSPAny? = nil) {
        self.id = id
        self.method = method
        self.registerOptions = registerOptions
    }
}

/// One item of `workspace/configuration`.
public struct ConfigurationItem: Codable, Hashable, Sendable {
    public var scopeUri: DocumentURI?
    public var section: String?
    public init(scopeUri: DocumentURI? = nil, section: String? = nil) {
        self.scopeUri = scopeUri
        self.section = section
    }
}
