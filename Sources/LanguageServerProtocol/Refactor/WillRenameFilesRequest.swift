/// One file or folder move of `workspace/willRenameFiles`.
public struct FileRenameEntry: Codable, Hashable, Sendable {
    public var oldUri: String
    public var newUri: String
    public init(oldUri: String, newUri: String) { self.oldUri = oldUri; self.newUri = newUri }
}

/// `workspace/willRenameFiles`: the edits keeping imports right when files or folders move.
public struct WillRenameFilesRequest: RequestType, Hashable {
    public static let method = "workspace/willRenameFiles"
    public typealias Response = WorkspaceEdit
    public var files: [FileRenameEntry]
}

/// `workspace.fileOperations` server capability.
public struct FileOperationsServerCapabilities: Codable, Hashable, Sendable {
    public struct Registration: Codable, Hashable, Sendable {
        public struct Filter: Codable, Hashable, Sendable {
            public struct Pattern: Codable, Hashable, Sendable {
                public var glob: String
                public init(glob: String) { self.glob = glob }
            }
            public var scheme: String?
            public var pattern: Pattern
            public init(scheme: String?, pattern: Pattern) { self.scheme = scheme; self.pattern = pattern }
        }
        public var filters: [Filter]
        public init(filters: [Filter]) { self.filters = filters }
    }
    public var willRename: Registration?
    public init(willRename: Registration? = nil) { self.willRename = willRename }
}
