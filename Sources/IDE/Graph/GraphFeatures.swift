import Foundation
import Workspace

/// The dependency-graph questions the editor asks (custom requests), answered with display ids:
/// workspace-relative paths for files, bare module names for externals.
public enum GraphFeatures {
    public struct Neighbour: Hashable, Sendable {
        public var id: String
        public var isExternal: Bool
        public var depth: Int
        /// The graph node id: the absolute path of a file, `ext:<name>` of an external module.
        public var nodeID: String
    }

    /// What `path` imports, up to `depth` steps (nil: all). Walks the store from `path` without loading the
    /// whole graph, as the editor asks it of one file at a time.
    public static func dependencies(index: Index, path: String, depth: Int? = 1) throws -> [Neighbour] {
        guard let id = try index.nodeID(for: path) else { return [] }
        return try index.dependencies(of: id, maxDepth: depth).map { neighbour($0, index) }
    }

    /// What imports `path` (a file or an external module name), up to `depth` steps (nil: all).
    public static func dependents(index: Index, path: String, depth: Int? = 1) throws -> [Neighbour] {
        guard let id = try index.nodeID(for: path) else { return [] }
        return try index.dependents(of: id, maxDepth: depth).map { neighbour($0, index) }
    }

    public static func cycles(index: Index) throws -> [[String]] {
        try index.graph().cycles().map { $0.map(index.displayID) }
    }

    /// The shortest import path from `a` to `b`, or nil.
    public static func path(index: Index, from a: String, to b: String) throws -> [String]? {
        let graph = try index.graph()
        guard let x = index.nodeID(for: a, in: graph), let y = index.nodeID(for: b, in: graph) else { return nil }
        return graph.path(from: x, to: y)?.map(index.displayID)
    }

    /// The files and symbols most related to `path` (personalised PageRank).
    public static func related(index: Index, path: String, limit: Int = 20) throws -> [RankedNode] {
        try index.rank(around: path, limit: limit)
    }

    private static func neighbour(_ r: DependencyGraph.Reached, _ index: Index) -> Neighbour {
        Neighbour(id: index.displayID(r.id), isExternal: NodeID.isExternal(r.id), depth: r.depth, nodeID: r.id)
    }
}
