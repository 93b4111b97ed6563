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

    /// Rows from `first` on of KV head `head`, where they are, for `AttentionProducts`.
    func rows(from first: Int, head: Int, headDim: Int) -> AttentionProducts.Rows {
        AttentionProducts.Rows(base: base + (first * stride + head * headDim) * type.byteWidth,
                               isHalf: type == .f16, stride: stride)
    }
}

/// Scratch for one unit of `attend`'s work (a KV head, some of its query heads, some of the batch's
/// queries), sized by the tile, not the context: [group, tile] scores and two [tile, headDim] f32 copies of
/// f16 key and value rows, plus the running softmax state of each (query, head) pair of the unit.
final class AttentionLane {
    let scores: Buffer
    let keys: Buffer, values: Buffer
    /// The running maximum score and the running sum of exp(score − maximum), per (query, head).
    var runningMax: [Float] = []
    var runningSum: [Double] = []

    init(group: Int, headDim: Int) {
        scores = Buffer(group * AttentionScratch.tile)
        keys = Buffer(AttentionScratch.tile * headDim)
        values = Buffer(AttentionScratch.tile * headDim)
    }

    func reserve(states: Int) {
        if runningMax.count < states {
            runningMax = Array(repeating: 0, count: states)
            runningSum = Array(repeating: 0, count: states)
        }
    }
}

/// Scratch for `attend`: one lane per unit of work that may run at the same time. With a 32K context this
/// is what keeps attention's memory flat.
final class AttentionScratch: @unchecked Sendable {
    /// Key positions per tile. 256 keeps a tile's keys and values (2 · 256 · headDim floats, 256 KB at
    /// headDim 128) in L2 while the batch's queries run over them.
    static let tile = 256
    let group: Int
    let headDim: Int
    private var made: [AttentionLane] = []

    init(group: Int, headDim: Int) {
        self.group = group
        self.headDim = headDim
    }

    /// At least `count` lanes; made on first use and kept (attention is serialised per model).
    func lanes(_ count: Int) -> [AttentionLane] {
        while made.count < count { made.append(AttentionLane(group: group, headDim: headDim)) }
        return made
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
/// The work is cut into units that run in parallel on the pool: each KV head, and within it either its
/// query heads (decoding, when there are fewer KV heads than threads: Gemma 3 270M has one) or the batch's
/// queries (prefill). Each unit has its own lane of scratch and writes its own slice of the output.
///
/// Within a unit, tiles are the outer loop and the queries the inner one, so an f16 tile of a batch is
/// converted to f32 once, not once per query. The unit's query heads that share a KV head are stacked into
/// one small matrix:
///     S[group, n] = Q[group, headDim] · K[n, headDim]ᵀ · scale        (the keys of the tile it sees)
///     m' = max(m, rowmax S);  P = exp(S − m');  l = l · exp(m − m') + rowsum P
///     O[group, headDim] = O · exp(m − m') + P · V[n, headDim]
/// and finally O / l. Every exponent is of a non-positive number, so nothing overflows however long the
/// context. A query whose keys all lie in one tile normalises P before P·V, so short contexts compute
/// exactly what the untiled implementation did. A batch computes both products with BLAS on converted
/// tiles; a single query (decoding) with `AttentionProducts` straight from the cache rows, where
/// converting and calling BLAS for a 1-to-8-row product would cost more than the product.
/// With long contexts this is the second hot loop after the weight products.
func attend(_ a: AttentionArguments, pool: Workers?) {
    let group = a.heads / a.kvHeads
    precondition(a.scratch.group >= group && a.scratch.headDim == a.headDim, "attention scratch of the wrong shape")
    let threads = pool?.threads ?? 1
    let headSplits = a.count == 1 && threads > 1 ? min(group, (threads + a.kvHeads - 1) / a.kvHeads) : 1
    // Several chunks per thread: later queries see more keys, so equal chunks are unequal work.
    let querySplits = a.count > 1 && threads > 1 ? min(a.count, (4 * threads + a.kvHeads - 1) / a.kvHeads) : 1
    let units = AttentionUnits(arguments: a, lanes: a.scratch.lanes(a.kvHeads * headSplits * querySplits),
                               group: group, headSplits: headSplits, querySplits: querySplits)
    let count = a.kvHeads * headSplits * querySplits
    guard let pool, count > 1 else {
        for u in 0..<count { units.run(u) }
        return
    }
    // The loop's context is this struct on our stack, so a layer's attention allocates nothing.
    withUnsafePointer(to: units) {
        pool.pool.run(tasks: count, context: $0) { context, u in
            context.assumingMemoryBound(to: AttentionUnits.self).pointee.run(u)
        }
    }
}

/// How `attend` cuts its work: unit u is KV head u / perKV, query-head share (u % perKV) / querySplits and
/// query share u % querySplits.
struct AttentionUnits {
    let arguments: AttentionArguments
    let lanes: [AttentionLane]
    let group, headSplits, querySplits: Int

    func run(_ u: Int) {
        let perKV = headSplits * querySplits, count = arguments.count
        let kv = u / perKV, hs = (u % perKV) / querySplits, qs = u % querySplits
        attendUnit(arguments, kv: kv, heads: (group * hs / headSplits)..<(group * (hs + 1) / headSplits),
                   queries: (count * qs / querySplits)..<(count * (qs + 1) / querySplits), lane: lanes[u])
    }
}

/// One unit of `attend`: KV head `kv`, its query heads `heads` (indices within the group), queries `queries`.
private func attendUnit(_ a: AttentionArguments, kv: Int, heads: Range<Int>, queries: Range<Int>, lane: AttentionLane) {
    guard !heads.isEmpty, !queries.isEmpty else { return }
    let group = a.heads / a.kvHeads, gs = heads.count, d = a.headDim
    let tile = AttentionScratch.tile
    let qWidth = a.heads * d
    let last = a.position + queries.upperBound - 1
    func firstKey(_ p: Int) -> Int { a.window.map { max(0, p - $0 + 1) } ?? 0 }
    let lo = firstKey(a.position + queries.lowerBound)
    /// Whether query t's keys all lie in one tile (tiles start at lo, lo + tile, …).
    func inOneTile(_ t: Int) -> Bool { (firstKey(a.position + t) - lo) / tile == (a.position + t - lo) / tile }
    let states = queries.count * gs
    lane.reserve(states: states)
    for i in 0..<states { lane.runningMax[i] = -.infinity; lane.runningSum[i] = 0 }
    let s = lane.scores.pointer
    let direct = queries.count == 1
    let firstHead = kv * group + heads.lowerBound
    var tileStart = lo
    while tileStart <= last {
        let tileEnd = min(tileStart + tile, last + 1)
        var k: (rows: UnsafePointer<Float>, stride: Int)? = nil, v: (rows: UnsafePointer<Float>, stride: Int)? = nil
        if !direct {
            k = a.keys.f32(first: tileStart, count: tileEnd - tileStart, head: kv, headDim: d, tile: lane.keys.pointer)
            v = a.values.f32(first: tileStart, count: tileEnd - tileStart, head: kv, headDim: d, tile: lane.values.pointer)
        }
        for t in queries {
            let p = a.position + t, first = firstKey(p)
            let from = max(tileStart, first), to = min(tileEnd, p + 1)
            guard from < to else { continue }
            let n = to - from
            let fresh = from == first                     // the first keys this query sees
            let whole = fresh && to == p + 1
            let q = a.query + t * qWidth + firstHead * d      // [gs, headDim]
            let out = a.output + t * qWidth + firstHead * d   // [gs, headDim]: the running numerator
            if let k {
                BLAS.sgemm(m: gs, n: n, k: d, alpha: a.scale, a: q, lda: d,
                           b: k.rows + (from - tileStart) * k.stride, ldb: k.stride, transposeB: true, c: s, ldc: n)
            } else {
                AttentionProducts.scores(query: q, group: gs, dim: d, keys: a.keys.rows(from: from, head: kv, headDim: d),
                                         count: n, scale: a.scale, into: s)
            }
            for h in 0..<gs {
                let row = s + h * n, state = (t - queries.lowerBound) * gs + h
                var tileMax = -Float.infinity
                for j in 0..<n { tileMax = max(tileMax, row[j]) }
                let newMax = max(lane.runningMax[state], tileMax)
                var sum = 0.0
                for j in 0..<n { row[j] = expf(row[j] - newMax); sum += Double(row[j]) }
                if !fresh {                               // rescale what earlier tiles accumulated
                    let correction = expf(lane.runningMax[state] - newMax)
                    lane.runningSum[state] *= Double(correction)
                    if correction != 1 { for i in 0..<d { out[h * d + i] *= correction } }
                }
                lane.runningSum[state] += sum
                lane.runningMax[state] = newMax
                if whole {                                // one tile: normalise P itself, as a plain softmax
                    let inv = Float(1 / lane.runningSum[state])
                    for j in 0..<n { row[j] *= inv }
                }
            }
            if let v {
                BLAS.sgemm(m: gs, n: d, k: n, a: s, lda: n, b: v.rows + (from - tileStart) * v.stride,
                           ldb: v.stride, transposeB: false, beta: fresh ? 0 : 1, c: out, ldc: d)
            } else {
                AttentionProducts.values(weights: s, group: gs, count: n, values: a.values.rows(from: from, head: kv, headDim: d),
                                         dim: d, into: out, accumulate: !fresh)
            }
        }
        tileStart = tileEnd
    }
    for t in queries where !inOneTile(t) {
        let out = a.output + t * qWidth + firstHead * d
        for h in 0..<gs {
            let inv = Float(1 / lane.runningSum[(t - queries.lowerBound) * gs + h])
            for i in 0..<d { out[h * d + i] *= inv }
        }
    }
}
