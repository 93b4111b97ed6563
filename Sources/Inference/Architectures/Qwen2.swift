import Kernels

/// Qwen2 / Qwen2.5 (Qwen2 technical report, 2024), the architecture of Qwen2.5-Coder.
///
///     h = embed(token)                                    [dim]
///     for each layer:
///         h = h + Attention(RMSNorm(h))                   GQA with q/k/v biases, RoPE (NEOX), no QK-norm
///         h = h + SwiGLU(RMSNorm(h))                      [ff] hidden
///     logits = output · RMSNorm(h)                        [vocabulary]; output tied to the embedding if absent
///
/// It is Qwen3's dense decoder with one difference, in the attention's projections, so it is built as one.
enum Qwen2 {
    static func make(_ w: WeightsFile, vocabulary: Int, pool: Workers?) throws -> Architecture {
        try Qwen3(w, vocabulary: vocabulary, pool: pool, attention: .biases)
    }
}
