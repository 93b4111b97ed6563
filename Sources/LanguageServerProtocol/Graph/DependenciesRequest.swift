/// `quorum/dependencies`: the files and external modules a file imports, directly or transitively.
public struct DependenciesRequest: RequestType, Hashable {
    public static let method = "quorum/dependencies"
    public typealias Response = GraphNeighbours
    public var uri: String
    /// All levels when true; `depth` limits them (default: 1 when not transitive).
    public var transitive: Bool?
    public var depth: Int?
}

/// `quorum/dependents`: the files that import a file, directly or transitively.
public struct DependentsRequest: RequestType, Hashable {
    public static let method = "quorum/dependents"
    public typealias Response = GraphNeighbours
    public var uri: String
    public var transitive: Bool?
    public var depth: Int?
}

public struct GraphNeighbours: ResponseType, Hashable {
    public struct Entry: Codable, Hashable, Sendable {
        /// Workspace-relative path, or the external module's name.
        public var id: String
        /// The file's URI; nil for external modules.
        public var uri: String?
        public var external: Bool
        public var depth: Int
        public init(id: String, uri: String?, external: Bool, depth: Int) {
            self.id = id
            self.uri = uri
            self.external = external
            self.depth = depth
        }
    }
    public var files: [Entry]
    public init(files: [Entry]) { self.files = files }
}
