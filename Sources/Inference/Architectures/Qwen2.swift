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
            let qWidth = p.heads * p.headDim, kvWidth = p.kvHeads * p.headDim
            return DenseLayer(
                attentionNorm: RMSNorm(weight: try w.vector(b + "attn_norm.weight", count: p.dim), epsilon: p.epsilon),
                attention: SelfAttention(
                    q: try w.matrix(b + "attn_q.weight", rows: qWidth, cols: p.dim),
                    k: try w.matrix(b + "attn_k.weight", rows: kvWidth, cols: p.dim),
                    v: try w.matrix(b + "attn_v.weight", rows: kvWidth, cols: p.dim),
                    o: try w.matrix(b + "attn_output.weight", rows: p.dim, cols: qWidth),
                    qBias: try w.vector(b + "attn_q.bias", count: qWidth),
                    kBias: try w.vector(b + "attn_k.bias", count: kvWidth),
                    vBias: try w.vector(b + "attn_v.bias", count: kvWidth),
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
