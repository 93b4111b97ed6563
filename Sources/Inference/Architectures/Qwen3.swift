import Kernels

/// Qwen3 dense (Qwen3 technical report, 2025).
///
///     h = embed(token)                                    [dim]
///     for each layer:
///         h = h + Attention(RMSNorm(h))                   GQA, QK-norm, RoPE (NEOX), no biases
///         h = h + SwiGLU(RMSNorm(h))                      [ff] hidden
///     logits = output · RMSNorm(h)                        [vocabulary]; output tied to the embedding if absent
final class Qwen3: Architecture {
    let hyper: Hyperparameters
    private let embedding: Matrix          // [vocabulary, dim]
    private let outputNorm: RMSNorm        // [dim]
    private let output: Matrix             // [vocabulary, dim]
    private let layers: [DenseLayer]
    private let rope: RoPE
    private let pool: Workers?
    private let scratch: DenseScratch

    /// - Parameter attention: QK-norm for Qwen3; q/k/v biases for Qwen2 (see Qwen2.swift).
    init(_ w: WeightsFile, vocabulary: Int, pool: Workers?, attention variant: WeightsFile.QwenAttention = .qkNorm) throws {
        let p = try Hyperparameters(w, vocabulary: vocabulary)
        hyper = p
        self.pool = pool
        rope = RoPE(dims: p.headDim, base: p.ropeBase, scaling: p.ropeScaling)
        embedding = try w.matrix("token_embd.weight", rows: vocabulary, cols: p.dim)
        outputNorm = RMSNorm(weight: try w.vector("output_norm.weight", count: p.dim), epsilon: p.epsilon)
        output = w.hasTensor("output.weight") ? try w.matrix("output.weight", rows: vocabulary, cols: p.dim) : embedding
        layers = try (0..<p.layers).map { [rope] i in
            let b = "blk.\(i)."
            return DenseLayer(
                attentionNorm: try w.norm(b + "attn_norm.weight", p),
                attention: try w.qwenAttention(b, p, rope: rope, variant: variant),
                ffnNorm: try w.norm(b + "ffn_norm.weight", p),
                ffn: try w.qwenFeedForward(b, p))
        }
        scratch = DenseScratch(p, rope: rope)
    }

    func forward(_ tokens: ArraySlice<TokenID>, start: Int, cache: KVCache) {
        let s = scratch, n = tokens.count, dim = hyper.dim
        for (t, token) in tokens.enumerated() { embedding.row(Int(token), into: s.h.pointer + t * dim) }
        s.rotations.fill(start: start, count: n)
        for (i, layer) in layers.enumerated() {
            layer.attentionNorm(s.h.pointer, into: s.x.pointer, rows: n)
            layer.attention(s.x.pointer, into: s.y.pointer, count: n, start: start, rotations: s.rotations,
                            cache: cache, layer: i, scratch: s.attention, pool: pool)
            s.h.add(s.y, count: n * dim)
            layer.ffnNorm(s.h.pointer, into: s.x.pointer, rows: n)
            layer.ffn(s.x.pointer, into: s.y.pointer, count: n, g: s.g.pointer, u: s.u.pointer, pool: pool)
            s.h.add(s.y, count: n * dim)
        }
    }

    func logits(row: Int, into out: UnsafeMutablePointer<Float>) {
        outputNorm(scratch.h.pointer + row * hyper.dim, into: scratch.x.pointer)
        output.apply(scratch.x.pointer, into: out, pool: pool)
    }
}

/// A pre-norm decoder block with a dense gated FFN (Qwen2, Qwen3).
struct DenseLayer {
    let attentionNorm: RMSNorm             // [dim]
    let attention: SelfAttention
    let ffnNorm: RMSNorm                   // [dim]
    let ffn: GatedFFN
}

/// Activations of one batch in a dense decoder.
final class DenseScratch {
    let h: Buffer, x: Buffer, y: Buffer    // [batch, dim] residual stream, normed input, sublayer output
    let g: Buffer, u: Buffer               // [batch, ff] gate and up projections
    let attention: SelfAttention.Scratch
    let rotations: Rotations
    init(_ p: Hyperparameters, rope: RoPE) {
        rotations = Rotations(rope, batch: maxBatch)
        h = Buffer(maxBatch * p.dim); x = Buffer(maxBatch * p.dim); y = Buffer(maxBatch * p.dim)
        g = Buffer(maxBatch * p.ff); u = Buffer(maxBatch * p.ff)
        attention = .init(batch: maxBatch, heads: p.heads, headDim: p.headDim)
    }
}
