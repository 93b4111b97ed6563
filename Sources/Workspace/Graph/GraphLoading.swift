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

    /// How a node id is shown to users: workspace-relative for files, the bare name for externals.
    public func displayID(_ id: String) -> String {
        NodeID.isExternal(id) ? NodeID.externalName(id) : relativePath(id)
    }
}
