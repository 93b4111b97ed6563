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

    init(_ w: WeightsFile, vocabulary: Int, pool: Workers?) throws {
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
                attentionNorm: RMSNorm(weight: try w.vector(b + "attn_norm.weight", count: p.dim), epsilon: p.epsilon),
                attention: SelfAttention(
                    q: try w.matrix(b + "attn_q.weight", rows: p.heads * p.headDim, cols: p.dim),
                    k: try w.matrix(b + "attn_k.weight", rows: p.kvHeads * p.headDim, cols: p.dim),
                    v: try w.matrix(b + "attn_v.weight", rows: p.kvHeads * p.headDim, cols: p.dim),
                    o: try w.matrix(b + "attn_output.weight", rows: p.dim, cols: p.heads * p.headDim),
                    qNorm: RMSNorm(weight: try w.vector(b + "attn_q_norm.weight", count: p.headDim), epsilon: p.epsilon),
                    kNorm: RMSNorm(weight: try w.vector(b + "attn_k_norm.weight", count: p.headDim), epsilon: p.epsilon),
                    heads: p.heads, kvHeads: p.kvHeads, headDim: p.headDim, rope: rope,
                    scoreScale: 1 / Float(p.headDim).squareRoot()),
                ffnNorm: RMSNorm(weight: try w.vector(b + "ffn_norm.weight", count: p.dim), epsilon: p.epsilon),
                ffn: GatedFFN(gate: try w.matrix(b + "ffn_gate.weight", rows: p.ff, cols: p.dim),
                              up: try w.matrix(b + "ffn_up.weight", rows: p.ff, cols: p.dim),
                              down: try w.matrix(b + "ffn_down.weight", rows: p.dim, cols: p.ff),
                              activation: .silu))
        }
        scratch = DenseScratch(p)
    }

    func forward(token: TokenID, position: Int, cache: KVCache, logits: UnsafeMutablePointer<Float>?) {
        let s = scratch
        embedding.row(Int(token), into: s.h.pointer)
        let angles = rope.angles(position: position)
        for (i, layer) in layers.enumerated() {
            layer.attentionNorm(s.h.pointer, into: s.x.pointer)
            layer.attention(s.x.pointer, into: s.y.pointer, position: position, angles: angles,
                            cache: cache, layer: i, scratch: s.attention, pool: pool)
            s.h.add(s.y)
            layer.ffnNorm(s.h.pointer, into: s.x.pointer)
            layer.ffn(s.x.pointer, into: s.y.pointer, g: s.g.pointer, u: s.u.pointer, pool: pool)
            s.h.add(s.y)
        }
        guard let logits else { return }
        outputNorm(s.h.pointer, into: s.x.pointer)
        output.apply(s.x.pointer, into: logits, pool: pool)
    }
}

/// A pre-norm decoder block with a dense gated FFN (Qwen2, Qwen3).
struct DenseLayer {
    let attentionNorm: RMSNorm             // [dim]
    let attention: SelfAttention
    let ffnNorm: RMSNorm                   // [dim]
    let ffn: GatedFFN
}

/// Per-token activations of a dense decoder.
final class DenseScratch {
    let h: Buffer, x: Buffer, y: Buffer    // [dim] residual stream, normed input, sublayer output
    let g: Buffer, u: Buffer               // [ff] gate and up projections
    let attention: SelfAttention.Scratch
    init(_ p: Hyperparameters) {
        h = Buffer(p.dim); x = Buffer(p.dim); y = Buffer(p.dim)
        g = Buffer(p.ff); u = Buffer(p.ff)
        attention = .init(heads: p.heads, headDim: p.headDim)
    }
}
