import Kernels

/// The attention sublayer of a decoder block for a batch of consecutive tokens: project to q, k, v (with
/// optional biases and per-head QK-norm), rotate q and k, append k and v to the layer's cache, attend
/// causally, project back.
struct SelfAttention: Sendable {
    /// [heads · headDim, dim]
    let q: Matrix
    /// [kvHeads · headDim, dim]
    let k: Matrix
    /// [kvHeads · headDim, dim]
    let v: Matrix
    /// [dim, heads · headDim]
    let o: Matrix
    /// Qwen2's biases: [heads · headDim], [kvHeads · headDim] ×2.
    var qBias: [Float]? = nil
    var kBias: [Float]? = nil
    var vBias: [Float]? = nil
    /// Qwen3's and Gemma 3's QK-norm: RMSNorm over each head, [headDim].
    var qNorm: RMSNorm? = nil
    var kNorm: RMSNorm? = nil
    let heads: Int
    let kvHeads: Int
    let headDim: Int
    let rope: RoPE
    /// Multiplies q after rotation (Gemma's query_pre_attn_scalar); 1 elsewhere.
    var queryScale: Float = 1
    /// Multiplies q·k (1/√headDim unless the query was pre-scaled).
    let scoreScale: Float
    /// Sliding-window size for local layers, nil for global ones.
    var window: Int? = nil

    /// Per-batch scratch shared by all layers.
    final class Scratch {
        let q: Buffer, attn: Buffer   // [batch, heads · headDim]
        private(set) var scores: Buffer
        init(batch: Int, heads: Int, headDim: Int) {
            q = Buffer(batch * heads * headDim); attn = Buffer(batch * heads * headDim); scores = Buffer(0)
        }
        /// [heads, capacity]
        func scores(heads: Int, capacity: Int) -> Buffer {
            if scores.count < heads * capacity { scores = Buffer(heads * capacity) }
            return scores
        }
    }

    /// out[n, dim] = attention of x[n, dim] (already normed) for tokens at positions start ..< start + n,
    /// writing their keys and values to the cache first. `angles[t]` are token t's rotations.
    func callAsFunction(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count n: Int,
                        start: Int, angles: [(cos: [Float], sin: [Float])], cache: KVCache, layer: Int,
                        scratch: Scratch, pool: Workers?) {
        let qWidth = heads * headDim, kvWidth = kvHeads * headDim
        let qs = scratch.q.pointer
        let (keys, values) = cache.rows(layer: layer, position: start)   // [n, kvWidth] each, in place
        if n == 1 {                                                         // decoding: one pool wake-up
            applyGroup([(q, x, qs), (k, x, keys), (v, x, values)], pool: pool)
        } else {
            q.apply(x, into: qs, count: n, pool: pool)                      // [n, qWidth]
            k.apply(x, into: keys, count: n, outStride: cache.width, pool: pool)
            v.apply(x, into: values, count: n, outStride: cache.width, pool: pool)
        }
        for t in 0..<n {
            let qv = qs + t * qWidth, kv = keys + t * cache.width, vv = values + t * cache.width
            if let qBias { for i in 0..<qWidth { qv[i] += qBias[i] } }
            if let kBias { for i in 0..<kvWidth { kv[i] += kBias[i] } }
            if let vBias { for i in 0..<kvWidth { vv[i] += vBias[i] } }
            qNorm?.perHead(qv, heads: heads)
            kNorm?.perHead(kv, heads: kvHeads)
            rope.apply(qv, heads: heads, headDim: headDim, angles: angles[t])
            rope.apply(kv, heads: kvHeads, headDim: headDim, angles: angles[t])
            if queryScale != 1 { for i in 0..<qWidth { qv[i] *= queryScale } }
        }
        let layerKeys = cache.keys[layer].pointer, layerValues = cache.values[layer].pointer
        let scores = scratch.scores(heads: heads, capacity: cache.capacity).pointer
        for t in 0..<n {
            attend(AttentionArguments(query: qs + t * qWidth, keys: layerKeys, values: layerValues,
                                      position: start + t, heads: heads, kvHeads: kvHeads, headDim: headDim,
                                      scale: scoreScale, window: window, output: scratch.attn.pointer + t * qWidth,
                                      scores: scores, capacity: cache.capacity), pool: pool)
        }
        o.apply(scratch.attn.pointer, into: out, count: n, pool: pool)     // [n, dim]
    }
}
