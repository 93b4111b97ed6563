/// The shape of a decoder-only transformer, read from `<arch>.*` metadata. One stated convention:
/// `dim` is the residual width (n_embd), `headDim` the per-head width, which may differ from dim / heads.
struct Hyperparameters: Sendable {
    let vocabulary: Int
    let dim: Int
    let layers: Int
    let heads: Int
    let kvHeads: Int
    let headDim: Int
    /// Dense FFN width (0 for MoE models).
    let ff: Int
    let epsilon: Float
    let ropeBase: Float
    let ropeScaling: RopeScaling
    /// Training context: the most positions a cache may hold.
    let context: Int

    init(_ w: WeightsFile, vocabulary: Int, denseFFN: Bool = true) throws {
        self.vocabulary = vocabulary
        dim = try w.int("embedding_length")
        layers = try w.int("block_count")
        heads = try w.int("attention.head_count")
        kvHeads = w.int("attention.head_count_kv", default: heads)
        headDim = w.int("attention.key_length", default: dim / max(heads, 1))
        ff = denseFFN ? try w.int("feed_forward_length") : 0
        epsilon = try w.float("attention.layer_norm_rms_epsilon")
        ropeBase = w.float("rope.freq_base", default: 10_000)
        context = try w.int("context_length")
        var s = RopeScaling()
        if let kind = w.string("rope.scaling.type").flatMap(RopeScaling.Kind.init(rawValue:)) { s.kind = kind }
        s.factor = w.float("rope.scaling.factor", default: 1)
        if s.factor <= 1 { s.kind = .none }
        s.originalContext = w.int("rope.scaling.original_context_length", default: context)
        s.betaFast = w.float("rope.scaling.yarn_beta_fast", default: 32)
        s.betaSlow = w.float("rope.scaling.yarn_beta_slow", default: 1)
        s.attentionFactor = w.float("rope.scaling.attn_factor", default: 1)
        ropeScaling = s
        guard heads > 0, kvHeads > 0, heads % kvHeads == 0, headDim % 2 == 0 else {
            throw ModelError.missingMetadata("\(w.architecture).attention.head_count_kv (must divide head_count)")
        }
    }
}
