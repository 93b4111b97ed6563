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

/// softmax(q·Kᵀ · scale) · V with grouped-query attention: the `heads / kvHeads` query heads that share a
/// KV head are stacked into one small matrix, so both products are one BLAS call per KV head:
///     scores[group, T] = Q[group, headDim] · K[T, headDim]ᵀ      (K rows kvHeads·headDim apart in the cache)
///     out[group, headDim] = P[group, T] · V[T, headDim]
/// With long contexts this is the second hot loop after the weight products.
func attend(_ a: AttentionArguments, pool: Workers?) {
    let group = a.heads / a.kvHeads
    let first = a.window.map { max(0, a.position - $0 + 1) } ?? 0
    let span = a.position - first + 1
    let rowStride = a.kvHeads * a.headDim
    for kv in 0..<a.kvHeads {
        let q = a.query + kv * group * a.headDim          // [group, headDim]
        let k = a.keys + first * rowStride + kv * a.headDim
        let v = a.values + first * rowStride + kv * a.headDim
        let s = a.scores + kv * group * span              // [group, span]
        BLAS.sgemm(m: group, n: span, k: a.headDim, alpha: a.scale, a: q, lda: a.headDim,
                   b: k, ldb: rowStride, transposeB: true, c: s, ldc: span)
        for h in 0..<group {
            let row = s + h * span
            var maxScore = -Float.infinity
            for t in 0..<span { maxScore = max(maxScore, row[t]) }
            var sum = 0.0
            for t in 0..<span { row[t] = expf(row[t] - maxScore); sum += Double(row[t]) }
            let inv = Float(1 / sum)
            for t in 0..<span { row[t] *= inv }
        }
        BLAS.sgemm(m: group, n: a.headDim, k: span, a: s, lda: span, b: v, ldb: rowStride, transposeB: false,
                   c: a.output + kv * group * a.headDim, ldc: a.headDim)
    }
}
