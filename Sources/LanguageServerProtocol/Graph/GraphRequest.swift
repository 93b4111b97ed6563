/// `quorum/graph`: the whole import graph, in the shape `quorum graph --format json` prints.
public struct GraphRequest: RequestType, Hashable {
    public static let method = "quorum/graph"
    public typealias Response = LSPAny
}

/// `quorum/rank`: files and symbols ranked by personalised PageRank around a file (what completion context uses).
public struct RankRequest: RequestType, Hashable {
    public static let method = "quorum/rank"
    public typealias Response = LSPAny
    public var uri: String
    public var limit: Int?
}
