import Kernels

/// The attention sublayer of a decoder block for one token: project to q, k, v (with optional biases and
/// per-head QK-norm), rotate q and k, append k and v to the layer's cache, attend, project back.
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

    /// Per-token scratch shared by all layers.
    final class Scratch {
        let q: Buffer, attn: Buffer
        private(set) var scores: Buffer
        init(heads: Int, headDim: Int) {
            q = Buffer(heads * headDim); attn = Buffer(heads * headDim); scores = Buffer(0)
        }
        /// [heads, capacity]
        func scores(heads: Int, capacity: Int) -> Buffer {
            if scores.count < heads * capacity { scores = Buffer(heads * capacity) }
            return scores
        }
    }

    /// out[dim] = attention of x[dim] (already normed) at `position`, writing this token's k, v to the cache.
    func callAsFunction(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, position: Int,
                        angles: (cos: [Float], sin: [Float]), cache: KVCache, layer: Int,
                        scratch: Scratch, pool: Workers?) {
        let qv = scratch.q.pointer
        let (kRow, vRow) = cache.rows(layer: layer, position: position)
        q.apply(x, into: qv, pool: pool)                      // [heads · headDim]
        k.apply(x, into: kRow, pool: pool)                    // [kvHeads · headDim]
        v.apply(x, into: vRow, pool: pool)                    // [kvHeads · headDim]
        if let qBias { for i in 0..<qBias.count { qv[i] += qBias[i] } }
        if let kBias { for i in 0..<kBias.count { kRow[i] += kBias[i] } }
        if let vBias { for i in 0..<vBias.count { vRow[i] += vBias[i] } }
        qNorm?.perHead(qv, heads: heads)
        kNorm?.perHead(kRow, heads: kvHeads)
        rope.apply(qv, heads: heads, headDim: headDim, angles: angles)
        rope.apply(kRow, heads: kvHeads, headDim: headDim, angles: angles)
        if queryScale != 1 { for i in 0..<(heads * headDim) { qv[i] *= queryScale } }
        let layerKeys = cache.keys[layer].pointer, layerValues = cache.values[layer].pointer
        attend(AttentionArguments(query: qv, keys: layerKeys, values: layerValues, position: position,
                                  heads: heads, kvHeads: kvHeads, headDim: headDim, scale: scoreScale,
                                  window: window, output: scratch.attn.pointer,
                                  scores: scratch.scores(heads: heads, capacity: cache.capacity).pointer,
                                  capacity: cache.capacity), pool: pool)
        o.apply(scratch.attn.pointer, into: out, pool: pool)  // [dim]
    }
}
