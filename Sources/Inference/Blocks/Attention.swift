import Foundation
import Kernels

/// The inputs of one query's scaled dot-product attention over a layer's cached keys and values.
struct AttentionArguments {
    /// [heads, headDim]: already normed, rotated and (for Gemma) pre-scaled.
    let query: UnsafePointer<Float>
    /// [capacity, kvHeads, headDim]: this layer's cache; rows 0...position are filled.
    let keys: UnsafePointer<Float>
    /// [capacity, kvHeads, headDim]
    let values: UnsafePointer<Float>
    /// The query's position; it attends keys up to and including it.
    let position: Int
    let heads: Int
    let kvHeads: Int
    let headDim: Int
    /// Multiplies q·k before the softmax (1/√headDim, or 1 when the query was pre-scaled).
    let scale: Float
    /// Sliding window: only keys with position − key < window are seen. Nil for global attention.
    let window: Int?
    /// [heads, headDim]
    let output: UnsafeMutablePointer<Float>
    /// [heads, capacity]: scratch for the scores.
    let scores: UnsafeMutablePointer<Float>
    let capacity: Int
}

/// softmax(q·Kᵀ · scale) · V for each head, with grouped-query attention: query head h reads KV head
/// h / (heads / kvHeads). Heads run in parallel on the pool.
func attend(_ a: AttentionArguments, pool: Workers?) {
    let group = a.heads / a.kvHeads
    let first = a.window.map { max(0, a.position - $0 + 1) } ?? 0
    let rowStride = a.kvHeads * a.headDim
    let work = { (h: Int) in
        let q = a.query + h * a.headDim
        let kvOffset = (h / group) * a.headDim
        let s = a.scores + h * a.capacity
        var maxScore = -Float.infinity
        for t in first...a.position {
            let k = a.keys + t * rowStride + kvOffset
            var dot: Float = 0
            for d in 0..<a.headDim { dot += q[d] * k[d] }
            s[t] = dot * a.scale
            maxScore = max(maxScore, s[t])
        }
        var sum = 0.0
        for t in first...a.position {
            s[t] = expf(s[t] - maxScore)
            sum += Double(s[t])
        }
        let inv = Float(1 / sum)
        let o = a.output + h * a.headDim
        for d in 0..<a.headDim { o[d] = 0 }
        for t in first...a.position {
            let w = s[t] * inv
            let v = a.values + t * rowStride + kvOffset
            for d in 0..<a.headDim { o[d] += w * v[d] }
        }
    }
    if let pool, pool.threads > 1, a.heads > 1, a.position >= 64 {
        pool.run(tasks: a.heads, work)
    } else {
        for h in 0..<a.heads { work(h) }
    }
}
