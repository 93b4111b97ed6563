import Kernels

/// Qwen2 / Qwen2.5 (Qwen2 technical report, 2024), the architecture of Qwen2.5-Coder.
///
///     h = embed(token)                                    [dim]
///     for each layer:
///         h = h + Attention(RMSNorm(h))                   GQA with q/k/v biases, RoPE (NEOX), no QK-norm
///         h = h + SwiGLU(RMSNorm(h))                      [ff] hidden
///     logits = output · RMSNorm(h)                        [vocabulary]; output tied to the embedding if absent
final class Qwen2: Architecture {
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
                attentionNorm: try w.norm(b + "attn_norm.weight", p),
                attention: try w.qwenAttention(b, p, rope: rope, variant: .biases),
                ffnNorm: try w.norm(b + "ffn_norm.weight", p),
                ffn: try w.qwenFeedForward(b, p))
        }
        scratch = DenseScratch(p)
    }

    func forward(_ tokens: ArraySlice<TokenID>, start: Int, cache: KVCache) {
        let s = scratch, n = tokens.count, dim = hyper.dim
        for (t, token) in tokens.enumerated() { embedding.row(Int(token), into: s.h.pointer + t * dim) }
        let angles = (0..<n).map { rope.angles(position: start + $0) }
        for (i, layer) in layers.enumerated() {
            layer.attentionNorm(s.h.pointer, into: s.x.pointer, rows: n)
            layer.attention(s.x.pointer, into: s.y.pointer, count: n, start: start, angles: angles,
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
