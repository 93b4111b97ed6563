/// Loading the pieces the Qwen family shares, by their GGUF tensor names, so each architecture file only
/// says which variant it uses (Qwen2: QKV biases; Qwen3 and Qwen3-MoE: per-head QK-norm).
extension WeightsFile {
    enum QwenAttention { case biases, qkNorm }

    /// The pre-norm attention sublayer of block `b` ("blk.N.").
    func qwenAttention(_ b: String, _ p: Hyperparameters, rope: RoPE, variant: QwenAttention) throws -> SelfAttention {
        let qWidth = p.heads * p.headDim, kvWidth = p.kvHeads * p.headDim
        var attention = SelfAttention(
            q: try matrix(b + "attn_q.weight", rows: qWidth, cols: p.dim),         // [heads·headDim, dim]
            k: try matrix(b + "attn_k.weight", rows: kvWidth, cols: p.dim),        // [kvHeads·headDim, dim]
            v: try matrix(b + "attn_v.weight", rows: kvWidth, cols: p.dim),        // [kvHeads·headDim, dim]
            o: try matrix(b + "attn_output.weight", rows: p.dim, cols: qWidth),    // [dim, heads·headDim]
            heads: p.heads, kvHeads: p.kvHeads, headDim: p.headDim, rope: rope,
            scoreScale: 1 / Float(p.headDim).squareRoot())
        switch variant {
        case .biases:
            attention.qBias = try vector(b + "attn_q.bias", count: qWidth)
            attention.kBias = try vector(b + "attn_k.bias", count: kvWidth)
            attention.vBias = try vector(b + "attn_v.bias", count: kvWidth)
        case .qkNorm:
            attention.qNorm = RMSNorm(weight: try vector(b + "attn_q_norm.weight", count: p.headDim), epsilon: p.epsilon)
            attention.kNorm = RMSNorm(weight: try vector(b + "attn_k_norm.weight", count: p.headDim), epsilon: p.epsilon)
        }
        return attention
    }

    /// The dense SwiGLU feed-forward sublayer of block `b`: [ff, dim] gate and up, [dim, ff] down.
    func qwenFeedForward(_ b: String, _ p: Hyperparameters) throws -> GatedFFN {
        GatedFFN(gate: try matrix(b + "ffn_gate.weight", rows: p.ff, cols: p.dim),
                 up: try matrix(b + "ffn_up.weight", rows: p.ff, cols: p.dim),
                 down: try matrix(b + "ffn_down.weight", rows: p.dim, cols: p.ff),
                 activation: .silu)
    }

    /// A block's RMSNorm over the model width.
    func norm(_ name: String, _ p: Hyperparameters) throws -> RMSNorm {
        RMSNorm(weight: try vector(name, count: p.dim), epsilon: p.epsilon)
    }
}
