import Foundation
import Kernels

/// One layer's cached keys (or values) as attention reads them: [capacity, kvHeads, headDim] values of
/// `type`, positions `stride` values apart.
struct KVRows {
    let base: UnsafeRawPointer
    let type: KVElementType
    /// Values between consecutive positions (kvHeads · headDim).
    let stride: Int

    /// Rows first ..< first + count of KV head `head` as f32: for an f32 cache a pointer into the cache
    /// (rows `stride` apart), for an f16 cache the rows converted into `tile` (rows `headDim` apart).
    func f32(first: Int, count: Int, head: Int, headDim: Int,
             tile: UnsafeMutablePointer<Float>) -> (rows: UnsafePointer<Float>, stride: Int) {
        let offset = first * stride + head * headDim
        switch type {
        case .f32:
            return (base.assumingMemoryBound(to: Float.self) + offset, stride)
        case .f16:
            Half.toFloat(rows: count, count: headDim, from: base.assumingMemoryBound(to: UInt16.self) + offset,
                         sourceStride: stride, into: tile, destinationStride: headDim)
            return (UnsafePointer(tile), headDim)
        }
    }
}

/// Scratch for `attend`, sized by the tile, not the context: [group, tile] scores and two [tile, headDim]
/// f32 copies of f16 key and value rows. With a 32K context this is what keeps attention's memory flat.
final class AttentionScratch {
    /// Key positions per tile. 256 keeps a tile's keys and values (2 · 256 · headDim floats, 256 KB at
    /// headDim 128) in L2 while the two products run.
    static let tile = 256
    let group: Int
    let headDim: Int
    /// [group, tile]
    let scores: Buffer
    /// [tile, headDim] each: converted f16 rows.
    let keys: Buffer, values: Buffer
    /// [group]: the running maximum score and the running sum of exp(score − maximum) per query head.
    let runningMax: Buffer
    var runningSum: [Double]

    init(group: Int, headDim: Int) {
        self.group = group
        self.headDim = headDim
        scores = Buffer(group * Self.tile)
        keys = Buffer(Self.tile * headDim)
        values = Buffer(Self.tile * headDim)
        runningMax = Buffer(group)
        runningSum = Array(repeating: 0, count: group)
    }
}

/// The inputs of one query's scaled dot-product attention over a layer's cached keys and values.
struct AttentionArguments {
    /// [heads, headDim]: already normed, rotated and (for Gemma) pre-scaled.
    let query: UnsafePointer<Float>
    /// [capacity, kvHeads, headDim]: this layer's cache; rows 0...position are filled.
    let keys: KVRows
    /// [capacity, kvHeads, headDim]
    let values: KVRows
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
    /// Sized for heads / kvHeads query heads of headDim.
    let scratch: AttentionScratch
}

/// softmax(q·Kᵀ · scale) · V with grouped-query attention, over tiles of `AttentionScratch.tile` keys with an
/// online (running-maximum) softmax, so scratch memory does not grow with the context.
///
/// The `heads / kvHeads` query heads that share a KV head are stacked into one small matrix, so per tile both
/// products are one BLAS call per KV head:
///     S[group, tile] = Q[group, headDim] · K[tile, headDim]ᵀ · scale
///     m' = max(m, rowmax S);  P = exp(S − m');  l = l · exp(m − m') + rowsum P
///     O[group, headDim] = O · exp(m − m') + P · V[tile, headDim]
/// and finally O / l. Every exponent is of a non-positive number, so nothing overflows however long the
/// context. When the span fits in one tile, P is normalised before P·V, so short contexts compute exactly
/// what the untiled implementation did.
/// With long contexts this is the second hot loop after the weight products.
func attend(_ a: AttentionArguments, pool: Workers?) {
    let group = a.heads / a.kvHeads
    precondition(a.scratch.group >= group && a.scratch.headDim == a.headDim, "attention scratch of the wrong shape")
    let first = a.window.map { max(0, a.position - $0 + 1) } ?? 0
    let tile = AttentionScratch.tile
    let m = a.scratch.runningMax.pointer
    for kv in 0..<a.kvHeads {
        let q = a.query + kv * group * a.headDim              // [group, headDim]
        let out = a.output + kv * group * a.headDim           // [group, headDim]: the running numerator
        for h in 0..<group { m[h] = -.infinity; a.scratch.runningSum[h] = 0 }
        var start = first
        while start <= a.position {
            let n = min(tile, a.position - start + 1)
            let whole = start == first && n == a.position - first + 1   // the span fits in one tile
            let s = a.scratch.scores.pointer                  // [group, n]
            let k = a.keys.f32(first: start, count: n, head: kv, headDim: a.headDim, tile: a.scratch.keys.pointer)
            BLAS.sgemm(m: group, n: n, k: a.headDim, alpha: a.scale, a: q, lda: a.headDim,
                       b: k.rows, ldb: k.stride, transposeB: true, c: s, ldc: n)
            for h in 0..<group {
                let row = s + h * n
                var tileMax = -Float.infinity
                for t in 0..<n { tileMax = max(tileMax, row[t]) }
                let newMax = max(m[h], tileMax)
                var sum = 0.0
                for t in 0..<n { row[t] = expf(row[t] - newMax); sum += Double(row[t]) }
                if start > first {                            // rescale what earlier tiles accumulated
                    let correction = expf(m[h] - newMax)
                    a.scratch.runningSum[h] *= Double(correction)
                    if correction != 1 { for i in 0..<a.headDim { out[h * a.headDim + i] *= correction } }
                }
                a.scratch.runningSum[h] += sum
                m[h] = newMax
                if whole {                                    // one tile: normalise P itself, as a plain softmax
                    let inv = Float(1 / a.scratch.runningSum[h])
                    for t in 0..<n { row[t] *= inv }
                }
            }
            let v = a.values.f32(first: start, count: n, head: kv, headDim: a.headDim, tile: a.scratch.values.pointer)
            BLAS.sgemm(m: group, n: a.headDim, k: n, a: s, lda: n, b: v.rows, ldb: v.stride, transposeB: false,
                       beta: start > first ? 1 : 0, c: out, ldc: a.headDim)
            start += n
        }
        if a.position - first + 1 <= tile { continue }       // already normalised
        for h in 0..<group {
            let inv = Float(1 / a.scratch.runningSum[h])
            for i in 0..<a.headDim { out[h * a.headDim + i] *= inv }
        }
    }
}
