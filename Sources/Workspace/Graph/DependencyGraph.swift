import Foundation

/// The import graph of the workspace in memory: a snapshot loaded from the index, with the algorithms
/// the CLI and the LSP custom requests share. Node ids are absolute file paths or `ext:<name>`.
public struct DependencyGraph: Sendable {
    public struct Node: Sendable, Hashable, Codable {
        public var id: String
        public var isExternal: Bool
        public var language: String
        public init(id: String, isExternal: Bool, language: String) {
            self.id = id; self.isExternal = isExternal; self.language = language
        }
    }

    public struct Edge: Sendable, Hashable, Codable {
        public var from: String
        public var to: String
        public init(from: String, to: String) { self.from = from; self.to = to }
    }

    /// Nodes sorted by id: files first (absolute paths sort before `ext:`), then externals.
    public let nodes: [Node]
    public let edges: [Edge]
    let out: [String: [String]]
    let incoming: [String: [String]]
    let nodeIndex: [String: Int]

    public init(nodes: [Node], edges: [Edge]) {
        self.nodes = nodes.sorted { $0.id < $1.id }
        self.edges = edges.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
        var out: [String: [String]] = [:], incoming: [String: [String]] = [:]
        for e in self.edges { out[e.from, default: []].append(e.to); incoming[e.to, default: []].append(e.from) }
        self.out = out
        self.incoming = incoming
        nodeIndex = Dictionary(self.nodes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func contains(_ id: String) -> Bool { nodeIndex[id] != nil }
    public func successors(_ id: String) -> [String] { out[id] ?? [] }
    public func predecessors(_ id: String) -> [String] { incoming[id] ?? [] }

    /// A node reached by a walk, with its distance from the start.
    public struct Reached: Sendable, Hashable, Codable {
        public var id: String
        public var depth: Int
    }

    /// What `id` imports: directly (`maxDepth` 1) or transitively up to `maxDepth` (nil: unlimited),
    /// breadth-first, each node once at its smallest depth.
    public func dependencies(of id: String, maxDepth: Int? = 1) -> [Reached] { walk(from: id, maxDepth: maxDepth, next: successors) }

    /// What imports `id`, the same way.
    public func dependents(of id: String, maxDepth: Int? = 1) -> [Reached] { walk(from: id, maxDepth: maxDepth, next: predecessors) }

    private func walk(from start: String, maxDepth: Int?, next: (String) -> [String]) -> [Reached] {
        var seen: Set<String> = [start]
        var frontier = [start]
        var result: [Reached] = []
        var depth = 0
        while !frontier.isEmpty {
            depth += 1
            if let maxDepth, depth > maxDepth { break }
            var nextFrontier: [String] = []
            for node in frontier {
                for n in next(node) where seen.insert(n).inserted {
                    result.append(Reached(id: n, depth: depth))
                    nextFrontier.append(n)
                }
            }
            frontier = nextFrontier
        }
        return result
    }

    /// The shortest import path from `a` to `b` (both included), or nil when `b` is not reachable.
    public func path(from a: String, to b: String) -> [String]? {
        guard contains(a), contains(b) else { return nil }
        if a == b { return [a] }
        var parent: [String: String] = [:]
        var queue = [a], head = 0
        var seen: Set<String> = [a]
        while head < queue.count {
            let node = queue[head]; head += 1
            for n in successors(node) where seen.insert(n).inserted {
                parent[n] = node
                if n == b {
                    var path = [b], cur = b
                    while let p = parent[cur] { path.append(p); cur = p }
                    return path.reversed()
                }
                queue.append(n)
            }
        }
        return nil
    }

    /// Import cycles: the strongly connected components with more than one file, or one file importing
    /// itself. Tarjan's algorithm, iterative so deep graphs cannot overflow the stack. Each cycle is sorted,
    /// and cycles are ordered by their first member.
    public func cycles() -> [[String]] {
        var index: [String: Int] = [:], low: [String: Int] = [:]
        var onStack = Set<String>(), stack: [String] = []
        var counter = 0
        var result: [[String]] = []
        for root in nodes.map(\.id) where index[root] == nil {
            // Each frame: node and position in its successor list.
            var frames: [(String, Int)] = [(root, 0)]
            index[root] = counter; low[root] = counter; counter += 1
            stack.append(root); onStack.insert(root)
            while let (node, i) = frames.last {
                let succ = successors(node)
                if i < succ.count {
                    let n = succ[i]
                    frames[frames.count - 1].1 = i + 1
                    if index[n] == nil {
                        index[n] = counter; low[n] = counter; counter += 1
                        stack.append(n); onStack.insert(n)
                        frames.append((n, 0))
                    } else if onStack.contains(n) {
                        low[node] = min(low[node] ?? 0, index[n] ?? 0)
                    }
                    continue
                }
                frames.removeLast()
                if let parent = frames.last?.0 { low[parent] = min(low[parent] ?? 0, low[node] ?? 0) }
                if low[node] == index[node] {
                    var component: [String] = []
                    while let top = stack.popLast() {
                        onStack.remove(top)
                        component.append(top)
                        if top == node { break }
                    }
                    if component.count > 1 || successors(node).contains(node) { result.append(component.sorted()) }
                }
            }
        }
        return result.sorted { $0[0] < $1[0] }
    }
}
