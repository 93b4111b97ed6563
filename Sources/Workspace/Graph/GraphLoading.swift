import Foundation
import Storage

extension Index {
    /// A snapshot of the whole import graph (one read transaction).
    public func graph() throws -> DependencyGraph {
        try store.env.read { txn in
            var nodes: [DependencyGraph.Node] = []
            try store.files.scan(txn) { path, record in
                nodes.append(.init(id: path, isExternal: false, language: record.language)); return true
            }
            try store.externals.scan(txn) { id, language in
                nodes.append(.init(id: id, isExternal: true, language: language)); return true
            }
            var edges: [DependencyGraph.Edge] = []
            try store.deps.scan(txn) { key, _ in
                let parts = IndexStore.split(key)
                if parts.count == 2 { edges.append(.init(from: IndexStore.string(parts[0]), to: IndexStore.string(parts[1]))) }
                return true
            }
            return DependencyGraph(nodes: nodes, edges: edges)
        }
    }

    /// A graph node id for a user-given file or module: a workspace-relative or absolute path, or an
    /// external module name (`numpy`); nil when the index has no such node.
    public func nodeID(for text: String, in graph: DependencyGraph) -> String? {
        if NodeID.isExternal(text), graph.contains(text) { return text }
        let abs = absolutePath(text)
        if graph.contains(abs) { return abs }
        if graph.contains(NodeID.external(text)) { return NodeID.external(text) }
        return nil
    }

    /// A graph node id for a user-given file or module, as `nodeID(for:in:)` finds it, asking the store instead
    /// of a loaded graph.
    public func nodeID(for text: String) throws -> String? {
        try store.env.read { txn in
            if NodeID.isExternal(text), try store.externals.contains(txn, text) { return text }
            let abs = absolutePath(text)
            if try store.files.contains(txn, abs) || store.externals.contains(txn, abs) { return abs }
            if try store.externals.contains(txn, NodeID.external(text)) { return NodeID.external(text) }
            return nil
        }
    }

    /// What `id` imports, as `DependencyGraph.dependencies(of:maxDepth:)` answers it, read from the `deps` table
    /// node by node: one file's neighbourhood costs what it reaches, not the loading of the whole graph.
    public func dependencies(of id: String, maxDepth: Int? = 1) throws -> [DependencyGraph.Reached] {
        try walk(from: id, maxDepth: maxDepth, table: store.deps)
    }

    /// What imports `id`, as `DependencyGraph.dependents(of:maxDepth:)` answers it, read from the `rdeps` table.
    public func dependents(of id: String, maxDepth: Int? = 1) throws -> [DependencyGraph.Reached] {
        try walk(from: id, maxDepth: maxDepth, table: store.rdeps)
    }

    /// Breadth-first, each node once at its smallest depth, neighbours in key order (the graph's edge order).
    private func walk(from start: String, maxDepth: Int?, table: Database<BytesCodec, UnitCodec>) throws -> [DependencyGraph.Reached] {
        try store.env.read { txn in
            var seen: Set<String> = [start]
            var frontier = [start]
            var result: [DependencyGraph.Reached] = []
            var depth = 0
            while !frontier.isEmpty {
                depth += 1
                if let maxDepth, depth > maxDepth { break }
                var nextFrontier: [String] = []
                for node in frontier {
                    let prefix = IndexStore.key(node) + [0]
                    try table.scan(txn, prefix: prefix) { key, _ in
                        let n = IndexStore.string(Array(key.dropFirst(prefix.count)))
                        if seen.insert(n).inserted {
                            result.append(DependencyGraph.Reached(id: n, depth: depth))
                            nextFrontier.append(n)
                        }
                        return true
                    }
                }
                frontier = nextFrontier
            }
            return result
        }
    }

    /// How a node id is shown to users: workspace-relative for files, the bare name for externals.
    public func displayID(_ id: String) -> String {
        NodeID.isExternal(id) ? NodeID.externalName(id) : relativePath(id)
    }
}
