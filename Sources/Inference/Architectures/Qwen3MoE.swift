import Kernels

/// Qwen3-MoE (Qwen3 technical report, 2025), the architecture of Qwen3-Coder-30B-A3B.
///
///     h = embed(token)                                    [dim]
///     for each layer:
///         h = h + Attention(RMSNorm(h))                   GQA, QK-norm, RoPE (NEOX), no biases
///         h = h + MoE(RMSNorm(h))                         softmax router → top-k → renormalise → SwiGLU experts
///     logits = output · RMSNorm(h)                        [vocabulary]
final class Qwen3MoE: Architecture {
    let hyper: Hyperparameters
    private let embedding: Matrix          // [vocabulary, dim]
    private let outputNorm: RMSNorm        // [dim]
    private let output: Matrix             // [vocabulary, dim], tied to the embedding when absent
    private let layers: [Layer]
    private let rope: RoPE
    private let pool: Workers?
    private let scratch: Scratch

    struct Layer {
        let attentionNorm: RMSNorm         // [dim]
        let attention: SelfAttention
        let ffnNorm: RMSNorm               // [dim]
        let moe: MixtureOfExperts
    }

    final class Scratch {
        let h: Buffer, x: Buffer, y: Buffer      // [batch, dim] residual stream, normed input, sublayer output
        let attention: SelfAttention.Scratch
        let moe: MixtureOfExperts.Scratch
        let rotations: Rotations
        init(_ p: Hyperparameters, rope: RoPE, experts: Int, used: Int, ff: Int) {
            rotations = Rotations(rope, batch: maxBatch)
            h = Buffer(maxBatch * p.dim); x = Buffer(maxBatch * p.dim); y = Buffer(maxBatch * p.dim)
            attention = .init(batch: maxBatch, heads: p.heads, headDim: p.headDim)
            moe = .init(batch: maxBatch, experts: experts, used: used, ff: ff, dim: p.dim)
        }
    }

    init(_ w: WeightsFile, vocabulary: Int, pool: Workers?) throws {
        let p = try Hyperparameters(w, vocabulary: vocabulary, denseFFN: false)
        let experts = try w.int("expert_count"), used = try w.int("expert_used_count")
        let ff = try w.int("expert_feed_forward_length")
        guard experts > 0, (1...experts).contains(used), ff > 0 else {
            throw ModelError.missingMetadata("\(w.architecture).expert_used_count (must be 1...expert_count)")
        }
        // llama.cpp always renormalises the top-k weights for this architecture; honour the key when present.
        let normalize = w.bool("expert_weights_norm", default: true)
        hyper = p
        self.pool = pool
        rope = RoPE(dims: p.headDim, base: p.ropeBase, scaling: p.ropeScaling)
        embedding = try w.matrix("token_embd.weight", rows: vocabulary, cols: p.dim)
        outputNorm = RMSNorm(weight: try w.vector("output_norm.weight", count: p.dim), epsilon: p.epsilon)
        output = w.hasTensor("output.weight") ? try w.matrix("output.weight", rows: vocabulary, cols: p.dim) : embedding
        layers = try (0..<p.layers).map { [rope] i in
            let b = "blk.\(i)."
            return Layer(
                attentionNorm: try w.norm(b + "attn_norm.weight", p),
                attention: try w.qwenAttention(b, p, rope: rope, variant: .qkNorm),
                ffnNorm: try w.norm(b + "ffn_norm.weight", p),
                moe: MixtureOfExperts(
                    router: try w.matrix(b + "ffn_gate_inp.weight", rows: experts, cols: p.dim),
                    gate: try w.experts(b + "ffn_gate_exps.weight", count: experts, rows: ff, cols: p.dim),
                    up: try w.experts(b + "ffn_up_exps.weight", count: experts, rows: ff, cols: p.dim),
                    down: try w.experts(b + "ffn_down_exps.weight", count: experts, rows: p.dim, cols: ff),
                    experts: experts, used: used, ff: ff, normalizeWeights: normalize))
        }
        scratch = Scratch(p, rope: rope, experts: experts, used: used, ff: ff)
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
            layer.moe(s.x.pointer, into: s.y.pointer, count: n, scratch: s.moe, pool: pool)
            s.h.add(s.y, count: n * dim)
        }
    }

    func logits(row: Int, into out: UnsafeMutablePointer<Float>) {
        outputNorm(scratch.h.pointer + row * hyper.dim, into: scratch.x.pointer)
        output.apply(scratch.x.pointer, into: out, pool: pool)
    }
}
