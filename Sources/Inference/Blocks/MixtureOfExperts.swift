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

    /// Scratch for one token.
    final class Scratch {
        let probs: Buffer, g: Buffer, u: Buffer, y: Buffer
        init(experts: Int, ff: Int, dim: Int) {
            probs = Buffer(experts); g = Buffer(ff); u = Buffer(ff); y = Buffer(dim)
        }
    }

    /// The experts chosen for `x` and their weights, best first (exposed for tests and tracing).
    func route(_ x: UnsafePointer<Float>, scratch: Scratch, pool: Workers?) -> [(expert: Int, weight: Float)] {
        router.apply(x, into: scratch.probs.pointer, pool: nil)
        let p = scratch.probs.pointer
        var maxLogit = -Float.infinity
        for e in 0..<experts { maxLogit = max(maxLogit, p[e]) }
        var sum = 0.0
        for e in 0..<experts { p[e] = expf(p[e] - maxLogit); sum += Double(p[e]) }
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

    /// out[dim] = Σ_{e ∈ top-k} w_e · down_e(silu(gate_e·x) ⊙ up_e·x).
    func callAsFunction(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, scratch: Scratch,
                        pool: Workers?) {
        let dim = router.cols
        for i in 0..<dim { out[i] = 0 }
        for (e, w) in route(x, scratch: scratch, pool: pool) {
            let g = scratch.g.pointer, u = scratch.u.pointer, y = scratch.y.pointer
            gate.slice(e, rows: ff).apply(x, into: g, pool: pool)
            up.slice(e, rows: ff).apply(x, into: u, pool: pool)
            for i in 0..<ff { g[i] = silu(g[i]) * u[i] }
            down.slice(e, rows: dim).apply(g, into: y, pool: pool)
            for i in 0..<dim { out[i] += w * y[i] }
        }
    }
}
