import Foundation
import Storage

/// A file or symbol with its personalised PageRank score.
public struct RankedNode: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable { case file, symbol }
    public var kind: Kind
    public var path: String
    /// For symbols: name, kind and one-based line.
    public var name: String?
    public var symbolKind: String?
    public var line: Int?
    public var score: Double
}

extension Index {
    /// Files and symbols most related to `path`, by personalised PageRank (random walks restart at `path`).
    ///
    /// The walk graph: file → imported file (weight 1) and back (0.5, dependents matter less than
    /// dependencies); file ↔ its symbols (1); calling symbol → symbols defined with the callee's name (1,
    /// split among same-named definitions) and back (0.5). `path` itself and its own symbols are left out
    /// of the result. Deterministic: fixed iterations, ties broken by id.
    public func rank(around path: String, limit: Int = 20, damping: Double = 0.85, iterations: Int = 40) throws -> [RankedNode] {
        let start = absolutePath(path)
        var ids: [String] = []
        var info: [RankedNode] = []
        var indexOf: [String: Int] = [:]
        var edges: [[(Int, Double)]] = []
        func add(_ id: String, _ node: RankedNode) -> Int {
            if let i = indexOf[id] { return i }
            indexOf[id] = ids.count; ids.append(id); info.append(node); edges.append([])
            return ids.count - 1
        }
        func link(_ a: Int, _ b: Int, _ w: Double) { edges[a].append((b, w)) }
        try store.env.read { txn in
            var byName: [String: [Int]] = [:]
            try store.files.scan(txn) { p, _ in
                let f = add(p, RankedNode(kind: .file, path: p, score: 0))
                for (i, s) in (try store.symbols.get(txn, p) ?? []).enumerated() {
                    let node = RankedNode(kind: .symbol, path: p, name: s.name, symbolKind: s.kind.rawValue, line: s.line, score: 0)
                    let n = add("\(p)#\(i)", node)
                    link(f, n, 1); link(n, f, 1)
                    byName[s.name, default: []].append(n)
                }
                return true
            }
            try store.deps.scan(txn) { key, _ in
                let parts = IndexStore.split(key)
                if parts.count == 2, let a = indexOf[IndexStore.string(parts[0])], let b = indexOf[IndexStore.string(parts[1])] {
                    link(a, b, 1); link(b, a, 0.5)
                }
                return true
            }
            try store.calls.scan(txn) { key, _ in
                let parts = IndexStore.split(key)
                guard parts.count == 3, let caller = indexOf["\(IndexStore.string(parts[0]))#\(IndexStore.string(parts[1]))"],
                      let targets = byName[IndexStore.string(parts[2])], !targets.isEmpty else { return true }
                for t in targets where t != caller { link(caller, t, 1 / Double(targets.count)); link(t, caller, 0.5 / Double(targets.count)) }
                return true
            }
        }
        guard let s = indexOf[start] else { return [] }
        let n = ids.count
        let outWeight = edges.map { $0.reduce(0) { $0 + $1.1 } }
        var score = [Double](repeating: 0, count: n)
        score[s] = 1
        for _ in 0..<iterations {
            var next = [Double](repeating: 0, count: n)
            var dangling = 0.0
            for i in 0..<n where score[i] > 0 {
                if outWeight[i] == 0 { dangling += score[i]; continue }
                let share = damping * score[i] / outWeight[i]
                for (j, w) in edges[i] { next[j] += share * w }
            }
            // Teleport (and the mass of dead ends) goes back to the start: that is what personalises the rank.
            next[s] += (1 - damping) * score.reduce(0, +) - (1 - damping) * dangling + dangling
            score = next
        }
        var ranked: [RankedNode] = []
        for i in 0..<n where i != s && score[i] > 0 && info[i].path != start {
            var node = info[i]
            node.score = score[i]
            ranked.append(node)
        }
        ranked.sort { $0.score != $1.score ? $0.score > $1.score : ($0.path, $0.line ?? 0) < ($1.path, $1.line ?? 0) }
        return Array(ranked.prefix(limit))
    }
}
