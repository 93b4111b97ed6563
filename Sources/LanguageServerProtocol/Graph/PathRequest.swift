/// `quorum/path`: the shortest import path from one file to another (or to an external module).
public struct PathRequest: RequestType, Hashable {
    public static let method = "quorum/path"
    public typealias Response = PathResponse
    public var from: String
    /// A file URI or an external module name.
    public var to: String
}

public struct PathResponse: ResponseType, Hashable {
    /// Node ids along the path, `from` first; empty when there is none.
    public var path: [String]
    public var uris: [String?]
    public init(path: [String], uris: [String?]) { self.path = path; self.uris = uris }
}
