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
/// f32 copies of f16 key and value rows, plus the running softmax state of each query head of the batch.
/// With a 32K context this is what keeps attention's memory flat.
final class AttentionScratch {
    /// Key positions per tile. 256 keeps a tile's keys and values (2 · 256 · headDim floats, 256 KB at
    /// headDim 128) in L2 while the batch's queries run over them.
    static let tile = 256
    let group: Int
    let headDim: Int
    /// [group, tile]
    let scores: Buffer
    /// [tile, headDim] each: converted f16 rows.
    let keys: Buffer, values: Buffer
    /// [queries, group]: the running maximum score and the running sum of exp(score − maximum).
    var runningMax: [Float] = []
    var runningSum: [Double] = []

    init(group: Int, headDim: Int) {
        self.group = group
        self.headDim = headDim
        scores = Buffer(group * Self.tile)
        keys = Buffer(Self.tile * headDim)
        values = Buffer(Self.tile * headDim)
    }

    func reserve(queries: Int) {
        if runningMax.count < queries * group {
            runningMax = Array(repeating: 0, count: queries * group)
            runningSum = Array(repeating: 0, count: queries * group)
        }
    }
}

/// The inputs of scaled dot-product attention for `count` consecutive queries over a layer's cached keys
/// and values.
struct AttentionArguments {
    /// [count, heads, headDim]: already normed, rotated and (for Gemma) pre-scaled.
    let query: UnsafePointer<Float>
    /// [capacity, kvHeads, headDim]: this layer's cache; rows 0..<position + count are filled.
    let keys: KVRows
    /// [capacity, kvHeads, headDim]
    let values: KVRows
    /// The first query's position; query t attends keys up to and including position + t.
    let position: Int
    let heads: Int
    let kvHeads: Int
    let headDim: Int
    /// Multiplies q·k before the softmax (1/√headDim, or 1 when the query was pre-scaled).
    let scale: Float
    /// Sliding window: only keys with position − key < window are seen. Nil for global attention.
    let window: Int?
    /// [count, heads, headDim]
    let output: UnsafeMutablePointer<Float>
    /// Sized for heads / kvHeads query heads of headDim.
    let scratch: AttentionScratch
    /// Queries in the batch (1 when decoding).
    var count: Int = 1
}

/// softmax(q·Kᵀ · scale) · V with grouped-query attention, over tiles of `AttentionScratch.tile` keys with an
/// online (running-maximum) softmax, so scratch memory does not grow with the context.
///
/// Tiles are the outer loop and the batch's queries the inner one, so an f16 tile is converted to f32 once
/// per batch, not once per query. The `heads / kvHeads` query heads that share a KV head are stacked into one
/// small matrix, so per query and tile both products are one BLAS call per KV head:
///     S[group, n] = Q[group, headDim] · K[n, headDim]ᵀ · scale        (the keys of the tile it sees)
///     m' = max(m, rowmax S);  P = exp(S − m');  l = l · exp(m − m') + rowsum P
///     O[group, headDim] = O · exp(m − m') + P · V[n, headDim]
/// and finally O / l. Every exponent is of a non-positive number, so nothing overflows however long the
/// context. A query whose keys all lie in one tile normalises P before P·V, so short contexts compute
/// exactly what the untiled implementation did.
/// With long contexts this is the second hot loop after the weight products.
func attend(_ a: AttentionArguments, pool: Workers?) {
    let group = a.heads / a.kvHeads
    precondition(a.scratch.group >= group && a.scratch.headDim == a.headDim, "attention scratch of the wrong shape")
    let tile = AttentionScratch.tile
    let qWidth = a.heads * a.headDim
    let last = a.position + a.count - 1
    func firstKey(_ p: Int) -> Int { a.window.map { max(0, p - $0 + 1) } ?? 0 }
    let lo = firstKey(a.position)
    /// Whether query t's keys all lie in one tile (tiles start at lo, lo + tile, …).
    func inOneTile(_ t: Int) -> Bool { (firstKey(a.position + t) - lo) / tile == (a.position + t - lo) / tile }
    a.scratch.reserve(queries: a.count)
    let s = a.scratch.scores.pointer
    for kv in 0..<a.kvHeads {
        for i in 0..<(a.count * group) { a.scratch.runningMax[i] = -.infinity; a.scratch.runningSum[i] = 0 }
        var tileStart = lo
        while tileStart <= last {
            let tileEnd = min(tileStart + tile, last + 1)
            let k = a.keys.f32(first: tileStart, count: tileEnd - tileStart, head: kv, headDim: a.headDim, tile: a.scratch.keys.pointer)
            let v = a.values.f32(first: tileStart, count: tileEnd - tileStart, head: kv, headDim: a.headDim, tile: a.scratch.values.pointer)
            for t in 0..<a.count {
                let p = a.position + t, first = firstKey(p)
                let from = max(tileStart, first), to = min(tileEnd, p + 1)
                guard from < to else { continue }
                let n = to - from
                let fresh = from == first                     // the first keys this query sees
                let whole = fresh && to == p + 1
                let q = a.query + t * qWidth + kv * group * a.headDim     // [group, headDim]
                let out = a.output + t * qWidth + kv * group * a.headDim  // [group, headDim]: the running numerator
                BLAS.sgemm(m: group, n: n, k: a.headDim, alpha: a.scale, a: q, lda: a.headDim,
                           b: k.rows + (from - tileStart) * k.stride, ldb: k.stride, transposeB: true, c: s, ldc: n)
                for h in 0..<group {
                    let row = s + h * n, state = t * group + h
                    var tileMax = -Float.infinity
                    for j in 0..<n { tileMax = max(tileMax, row[j]) }
                    let newMax = max(a.scratch.runningMax[state], tileMax)
                    var sum = 0.0
                    for j in 0..<n { row[j] = expf(row[j] - newMax); sum += Double(row[j]) }
                    if !fresh {                               // rescale what earlier tiles accumulated
                        let correction = expf(a.scratch.runningMax[state] - newMax)
                        a.scratch.runningSum[state] *= Double(correction)
                        if correction != 1 { for i in 0..<a.headDim { out[h * a.headDim + i] *= correction } }
                    }
                    a.scratch.runningSum[state] += sum
                    a.scratch.runningMax[state] = newMax
                    if whole {                                // one tile: normalise P itself, as a plain softmax
                        let inv = Float(1 / a.scratch.runningSum[state])
                        for j in 0..<n { row[j] *= inv }
                    }
                }
                BLAS.sgemm(m: group, n: a.headDim, k: n, a: s, lda: n, b: v.rows + (from - tileStart) * v.stride,
                           ldb: v.stride, transposeB: false, beta: fresh ? 0 : 1, c: out, ldc: a.headDim)
            }
            tileStart = tileEnd
        }
        for t in 0..<a.count where !inOneTile(t) {
            let out = a.output + t * qWidth + kv * group * a.headDim
            for h in 0..<group {
                let inv = Float(1 / a.scratch.runningSum[t * group + h])
                for i in 0..<a.headDim { out[h * a.headDim + i] *= inv }
            }
        }
    }
}
