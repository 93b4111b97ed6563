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
        let probabilities: Buffer            // [experts] one token's softmax, consumed by the top-k search
        let chosen: UnsafeMutablePointer<Int> // [batch, used] each token's experts, best first
        let weights: Buffer                  // [batch, used] their weights
        init(batch: Int, experts: Int, used: Int, ff: Int, dim: Int) {
            logits = Buffer(batch * experts); x = Buffer(batch * dim)
            g = Buffer(batch * ff); u = Buffer(batch * ff); y = Buffer(batch * dim)
            outputs = Buffer(batch * used * dim)
            probabilities = Buffer(experts)
            chosen = .allocate(capacity: batch * used)
            chosen.initialize(repeating: 0, count: batch * used)
            weights = Buffer(batch * used)
        }
        deinit { chosen.deallocate() }
    }

    /// Chooses token t's experts from its router logits [experts]: writes the top `used` (best first) to
    /// `chosen[t·used…]` and their weights to `weights[t·used…]`, in scratch, so routing allocates nothing.
    func route(_ logits: UnsafePointer<Float>, token t: Int, scratch s: Scratch) {
        let p = s.probabilities.pointer
        var maxLogit = -Float.infinity
        for e in 0..<experts { maxLogit = max(maxLogit, logits[e]) }
        var sum = 0.0
        for e in 0..<experts { p[e] = expf(logits[e] - maxLogit); sum += Double(p[e]) }
        for e in 0..<experts { p[e] = Float(Double(p[e]) / sum) }
        // Top-k by repeated maximum (k ≤ 8 of ≤ 128 experts: cheaper than sorting); the strict comparison
        // in ascending order gives ties to the lower expert index. A taken expert is marked with −1.
        let chosen = s.chosen + t * used, weights = s.weights.pointer + t * used
        var total: Float = 0
        for slot in 0..<used {
            var best = 0, bestP = -Float.infinity
            for e in 0..<experts where p[e] > bestP { best = e; bestP = p[e] }
            chosen[slot] = best
            weights[slot] = bestP
            total += bestP
            p[best] = -1
        }
        if normalizeWeights { for slot in 0..<used { weights[slot] /= total } }
    }

    /// out[n, dim] = Σ_{e ∈ top-k} w_e · down_e(silu(gate_e·x) ⊙ up_e·x) for each of n tokens.
    ///
    /// Tokens are grouped by expert so that each expert's weights are read once per batch; each token's
    /// expert outputs are then summed in routing order, so the result does not depend on the batching.
    func callAsFunction(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count n: Int,
                        scratch s: Scratch, pool: Workers?) {
        router.apply(x, into: s.logits.pointer, count: n, pool: pool)
        for t in 0..<n { route(s.logits.pointer + t * experts, token: t, scratch: s) }
        if n == 1 { return decode(x, into: out, scratch: s, pool: pool) }
        // (token, slot) pairs per expert.
        var assigned = [[(token: Int, slot: Int)]](repeating: [], count: experts)
        for t in 0..<n { for slot in 0..<used { assigned[s.chosen[t * used + slot]].append((t, slot)) } }
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
        for t in 0..<n { mix(into: out + t * dim, token: t, scratch: s) }
    }

    /// out[dim] = Σ_slot weight · output, in routing order.
    private func mix(into o: UnsafeMutablePointer<Float>, token t: Int, scratch s: Scratch) {
        for i in 0..<dim { o[i] = 0 }
        for slot in 0..<used {
            let w = s.weights[t * used + slot], y = s.outputs.pointer + (t * used + slot) * dim
            for i in 0..<dim { o[i] += w * y[i] }
        }
    }

    /// One token (decoding): every selected expert's gate and up products in one parallel loop, then every
    /// down product in another, instead of 3 · used separate pool wake-ups.
    private func decode(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, scratch s: Scratch, pool: Workers?) {
        let g = s.g.pointer, u = s.u.pointer, y = s.outputs.pointer    // [used, ff] ×2, [used, dim]
        applyGroup(pool) { group in
            for slot in 0..<used {
                group.add(gate.slice(s.chosen[slot], rows: ff), x, g + slot * ff)
                group.add(up.slice(s.chosen[slot], rows: ff), x, u + slot * ff)
            }
        }
        activate(.silu, g, times: u, count: used * ff)
        applyGroup(pool) { group in
            for slot in 0..<used { group.add(down.slice(s.chosen[slot], rows: dim), g + slot * ff, y + slot * dim) }
        }
        mix(into: out, token: 0, scratch: s)
    }
}
