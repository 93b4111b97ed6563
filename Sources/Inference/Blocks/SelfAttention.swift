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
        /// [batch, kvHeads · headDim] each (sized for heads, which is at least kvHeads): the new keys and
        /// values in f32, rotated here before the cache stores them in its own type.
        let k: Buffer, v: Buffer
        private var attention: AttentionScratch?
        init(batch: Int, heads: Int, headDim: Int) {
            q = Buffer(batch * heads * headDim); attn = Buffer(batch * heads * headDim)
            k = Buffer(batch * heads * headDim); v = Buffer(batch * heads * headDim)
        }
        /// Tile scratch for `group` query heads per KV head.
        func attention(group: Int, headDim: Int) -> AttentionScratch {
            if let a = attention, a.group >= group, a.headDim == headDim { return a }
            let a = AttentionScratch(group: group, headDim: headDim)
            attention = a
            return a
        }
    }

    /// out[n, dim] = attention of x[n, dim] (already normed) for tokens at positions start ..< start + n,
    /// writing their keys and values to the cache first. `rotations` hold the batch's positions.
    func callAsFunction(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count n: Int,
                        start: Int, rotations: Rotations, cache: KVCache, layer: Int,
                        scratch: Scratch, pool: Workers?) {
        let qWidth = heads * headDim, kvWidth = kvHeads * headDim
        precondition(cache.width == kvWidth, "the cache's rows are \(cache.width) wide, this layer's \(kvWidth)")
        let qs = scratch.q.pointer, keys = scratch.k.pointer, values = scratch.v.pointer   // [n, width] each
        if n == 1 {                                                         // decoding: one pool wake-up
            applyGroup(pool) { $0.add(q, x, qs); $0.add(k, x, keys); $0.add(v, x, values) }
        } else {
            q.apply(x, into: qs, count: n, pool: pool)                      // [n, qWidth]
            k.apply(x, into: keys, count: n, pool: pool)                    // [n, kvWidth]
            v.apply(x, into: values, count: n, pool: pool)
        }
        for t in 0..<n {
            let qv = qs + t * qWidth, kv = keys + t * kvWidth, vv = values + t * kvWidth
            if let qBias { for i in 0..<qWidth { qv[i] += qBias[i] } }
            if let kBias { for i in 0..<kvWidth { kv[i] += kBias[i] } }
            if let vBias { for i in 0..<kvWidth { vv[i] += vBias[i] } }
            qNorm?.perHead(qv, heads: heads)
            kNorm?.perHead(kv, heads: kvHeads)
            rotations.apply(qv, token: t, heads: heads, headDim: headDim)
            rotations.apply(kv, token: t, heads: kvHeads, headDim: headDim)
            if queryScale != 1 { for i in 0..<qWidth { qv[i] *= queryScale } }
        }
        // Rounded to the cache's type once, here; attention reads them back a tile at a time.
        cache.write(layer: layer, position: start, keys: keys, values: values, count: n)
        let layerKeys = cache.keyRows(layer: layer), layerValues = cache.valueRows(layer: layer)
        let tiles = scratch.attention(group: heads / kvHeads, headDim: headDim)
        attend(AttentionArguments(query: qs, keys: layerKeys, values: layerValues, position: start, heads: heads,
                                  kvHeads: kvHeads, headDim: headDim, scale: scoreScale, window: window,
                                  output: scratch.attn.pointer, scratch: tiles, count: n), pool: pool)
        o.apply(scratch.attn.pointer, into: out, count: n, pool: pool)     // [n, dim]
    }
}
