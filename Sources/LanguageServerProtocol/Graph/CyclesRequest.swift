/// `quorum/cycles`: import cycles (strongly connected components of more than one file, or self-imports).
public struct CyclesRequest: RequestType, Hashable {
    public static let method = "quorum/cycles"
    public typealias Response = CyclesResponse
}

public struct CyclesResponse: ResponseType, Hashable {
    public struct Cycle: Codable, Hashable, Sendable {
        /// Workspace-relative paths.
        public var ids: [String]
        /// The files' URIs.
        public var files: [String]
        public init(ids: [String], files: [String]) { self.ids = ids; self.files = files }
    }
    public var cycles: [Cycle]
    public init(cycles: [Cycle]) { self.cycles = cycles }
}
