import Foundation
import Kernels

/// A routed mixture of SwiGLU experts (Shazeer et al. 2017; Qwen3-MoE): a linear router scores every
/// expert, softmax turns scores into probabilities, the top `used` experts run, and their outputs are
/// summed weighted by their probabilities (renormalised to sum to 1 when `normalizeWeights`).
/// Only the selected experts are computed: that is the point of the architecture.
struct MixtureOfExperts: Sendable {
    /// [experts, dim]
    let router: Matrix
    /// [experts · ff, dim]: expert e owns rows e·ff ..< (e+1)·ff.
    let gate: Matrix
    /// [experts · ff, dim]
    let up: Matrix
    /// [experts · dim, ff]: expert e owns rows e·dim ..< (e+1)·dim.
    let down: Matrix
    let experts: Int
    let used: Int
    let ff: Int
    let normalizeWeights: Bool

    var dim: Int { router.cols }

    /// Scratch for a batch of up to `batch` tokens.
    final class Scratch {
        let logits: Buffer    // [batch, experts]
        let x: Buffer         // [batch, dim] the tokens routed to one expert, gathered
        let g: Buffer, u: Buffer   // [batch, ff]
        let y: Buffer         // [batch, dim]
        let outputs: Buffer   // [batch, used, dim] each token's expert outputs, in routing order
        init(batch: Int, experts: Int, used: Int, ff: Int, dim: Int) {
            logits = Buffer(batch * experts); x = Buffer(batch * dim)
            g = Buffer(batch * ff); u = Buffer(batch * ff); y = Buffer(batch * dim)
            outputs = Buffer(batch * used * dim)
        }
    }

    /// The experts chosen for one token from its router logits [experts], best first, with their weights.
    func route(_ logits: UnsafePointer<Float>) -> [(expert: Int, weight: Float)] {
        var p = [Float](repeating: 0, count: experts)
        var maxLogit = -Float.infinity
        for e in 0..<experts { maxLogit = max(maxLogit, logits[e]) }
        var sum = 0.0
        for e in 0..<experts { p[e] = expf(logits[e] - maxLogit); sum += Double(p[e]) }
        for e in 0..<experts { p[e] = Float(Double(p[e]) / sum) }
        // Top-k by probability; ties go to the lower expert index.
        let order = (0..<experts).sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }
        var chosen = order.prefix(used).map { (expert: $0, weight: p[$0]) }
        if normalizeWeights {
            let total = chosen.reduce(Float(0)) { $0 + $1.weight }
            chosen = chosen.map { ($0.expert, $0.weight / total) }
        }
        return chosen
    }

    /// out[n, dim] = Σ_{e ∈ top-k} w_e · down_e(silu(gate_e·x) ⊙ up_e·x) for each of n tokens.
    ///
    /// Tokens are grouped by expert so that each expert's weights are read once per batch; each token's
    /// expert outputs are then summed in routing order, so the result does not depend on the batching.
    func callAsFunction(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count n: Int,
                        scratch s: Scratch, pool: Workers?) {
        router.apply(x, into: s.logits.pointer, count: n, pool: pool)
        let routes = (0..<n).map { route(s.logits.pointer + $0 * experts) }
        if n == 1 { return decode(x, into: out, route: routes[0], scratch: s, pool: pool) }
        // (token, slot) pairs per expert.
        var assigned = [[(token: Int, slot: Int)]](repeating: [], count: experts)
        for (t, r) in routes.enumerated() { for (slot, choice) in r.enumerated() { assigned[choice.expert].append((t, slot)) } }
        for e in 0..<experts where !assigned[e].isEmpty {
            let group = assigned[e]
            for (i, a) in group.enumerated() { (s.x.pointer + i * dim).update(from: x + a.token * dim, count: dim) }
            gate.slice(e, rows: ff).apply(s.x.pointer, into: s.g.pointer, count: group.count, pool: pool)
            up.slice(e, rows: ff).apply(s.x.pointer, into: s.u.pointer, count: group.count, pool: pool)
            activate(.silu, s.g.pointer, times: s.u.pointer, count: group.count * ff)
            down.slice(e, rows: dim).apply(s.g.pointer, into: s.y.pointer, count: group.count, pool: pool)
            for (i, a) in group.enumerated() {
                (s.outputs.pointer + (a.token * used + a.slot) * dim).update(from: s.y.pointer + i * dim, count: dim)
            }
        }
        for t in 0..<n {
            let o = out + t * dim
            for i in 0..<dim { o[i] = 0 }
            for (slot, choice) in routes[t].enumerated() {
                let y = s.outputs.pointer + (t * used + slot) * dim
                for i in 0..<dim { o[i] += choice.weight * y[i] }
            }
        }
    }

    /// One token (decoding): every selected expert's gate and up products in one parallel loop, then every
    /// down product in another, instead of 3 · used separate pool wake-ups.
    private func decode(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                        route: [(expert: Int, weight: Float)], scratch s: Scratch, pool: Workers?) {
        let g = s.g.pointer, u = s.u.pointer, y = s.outputs.pointer    // [used, ff] ×2, [used, dim]
        var first: [(matrix: Matrix, x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>)] = []
        for (slot, choice) in route.enumerated() {
            first.append((gate.slice(choice.expert, rows: ff), x, g + slot * ff))
            first.append((up.slice(choice.expert, rows: ff), x, u + slot * ff))
        }
        applyGroup(first, pool: pool)
        activate(.silu, g, times: u, count: route.count * ff)
        applyGroup(route.enumerated().map { slot, choice in
            (down.slice(choice.expert, rows: dim), UnsafePointer(g + slot * ff), y + slot * dim)
        }, pool: pool)
        for i in 0..<dim { out[i] = 0 }
        for (slot, choice) in route.enumerated() {
            for i in 0..<dim { out[i] += choice.weight * y[slot * dim + i] }
        }
    }
}
