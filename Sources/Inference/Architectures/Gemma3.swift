import Kernels

/// Gemma 3 (Gemma 3 technical report, 2025), text decoder.
///
///     h = embed(token) · √dim                             [dim]
///     for each layer:
///         h = h + PostNorm(Attention(PreNorm(h)))         GQA, QK-norm, RoPE (NEOX), q scaled by 1/√headDim;
///                                                         five sliding-window layers (base 10⁴) per global one (base 10⁶)
///         h = h + PostNorm(GeGLU(PreNorm(h)))             tanh-approximated GELU
///     logits = embedding · RMSNorm(h)                     [vocabulary]; output tied to the embedding
///
/// The norm weights in GGUF files already include Gemma's "1 +": they are used as they are.
final class Gemma3: Architecture {
    let hyper: Hyperparameters
    private let embedding: Matrix          // [vocabulary, dim]
    private let outputNorm: RMSNorm        // [dim]
    private let output: Matrix             // [vocabulary, dim]
    private let layers: [Layer]
    private let localRope: RoPE
    private let globalRope: RoPE
    private let pool: Workers?
    private let scratch: DenseScratch          // its rotations are the global layers'
    private let localRotations: Rotations

    struct Layer {
        let attentionNorm: RMSNorm         // [dim]
        let attention: SelfAttention
        let attentionPostNorm: RMSNorm     // [dim]
        let ffnNorm: RMSNorm               // [dim]
        let ffn: GatedFFN
        let ffnPostNorm: RMSNorm           // [dim]
        let isLocal: Bool
    }

    init(_ w: WeightsFile, vocabulary: Int, pool: Workers?) throws {
        let p = try Hyperparameters(w, vocabulary: vocabulary)
        hyper = p
        self.pool = pool
        let window = try w.int("attention.sliding_window")
        guard window > 0 else { throw ModelError.missingMetadata("\(w.architecture).attention.sliding_window (must be > 0)") }
        // Every `pattern`-th layer is global; the file may say so, Gemma 3 itself always uses 6.
        let pattern = w.int("attention.sliding_window_pattern", default: 6)
        // Local layers keep the short-context base and never scale; global layers carry the file's RoPE.
        localRope = RoPE(dims: p.headDim, base: w.float("rope.freq_base_swa", default: 10_000))
        globalRope = RoPE(dims: p.headDim, base: p.ropeBase, scaling: p.ropeScaling)
        embedding = try w.matrix("token_embd.weight", rows: vocabulary, cols: p.dim)
        outputNorm = RMSNorm(weight: try w.vector("output_norm.weight", count: p.dim), epsilon: p.epsilon)
        output = w.hasTensor("output.weight") ? try w.matrix("output.weight", rows: vocabulary, cols: p.dim) : embedding
        let queryScale = 1 / Float(w.int("attention.query_pre_attn_scalar", default: p.headDim)).squareRoot()
        layers = try (0..<p.layers).map { [localRope, globalRope] i in
            let b = "blk.\(i)."
            let isLocal = pattern <= 1 || (i + 1) % pattern != 0
            func norm(_ name: String, _ n: Int = p.dim) throws -> RMSNorm {
                RMSNorm(weight: try w.vector(b + name, count: n), epsilon: p.epsilon)
            }
            return Layer(
                attentionNorm: try norm("attn_norm.weight"),
                attention: SelfAttention(
                    q: try w.matrix(b + "attn_q.weight", rows: p.heads * p.headDim, cols: p.dim),
                    k: try w.matrix(b + "attn_k.weight", rows: p.kvHeads * p.headDim, cols: p.dim),
                    v: try w.matrix(b + "attn_v.weight", rows: p.kvHeads * p.headDim, cols: p.dim),
                    o: try w.matrix(b + "attn_output.weight", rows: p.dim, cols: p.heads * p.headDim),
                    qNorm: try norm("attn_q_norm.weight", p.headDim),
                    kNorm: try norm("attn_k_norm.weight", p.headDim),
                    heads: p.heads, kvHeads: p.kvHeads, headDim: p.headDim,
                    rope: isLocal ? localRope : globalRope,
                    queryScale: queryScale, scoreScale: 1, window: isLocal ? window : nil),
                attentionPostNorm: try norm("post_attention_norm.weight"),
                ffnNorm: try norm("ffn_norm.weight"),
                ffn: GatedFFN(gate: try w.matrix(b + "ffn_gate.weight", rows: p.ff, cols: p.dim),
                              up: try w.matrix(b + "ffn_up.weight", rows: p.ff, cols: p.dim),
                              down: try w.matrix(b + "ffn_down.weight", rows: p.dim, cols: p.ff),
                              activation: .gelu),
                ffnPostNorm: try norm("post_ffw_norm.weight"),
                isLocal: isLocal)
        }
        scratch = DenseScratch(p, rope: globalRope)
        localRotations = Rotations(localRope, batch: maxBatch)
    }

    func forward(_ tokens: ArraySlice<TokenID>, start: Int, cache: KVCache) {
        let s = scratch, n = tokens.count, dim = hyper.dim
        let scale = Float(dim).squareRoot()
        for (t, token) in tokens.enumerated() { embedding.row(Int(token), into: s.h.pointer + t * dim) }
        for i in 0..<(n * dim) { s.h[i] *= scale }
        localRotations.fill(start: start, count: n)
        s.rotations.fill(start: start, count: n)
        for (i, layer) in layers.enumerated() {
            layer.attentionNorm(s.h.pointer, into: s.x.pointer, rows: n)
            layer.attention(s.x.pointer, into: s.y.pointer, count: n, start: start,
                            rotations: layer.isLocal ? localRotations : s.rotations,
                            cache: cache, layer: i, scratch: s.attention, pool: pool)
            layer.attentionPostNorm(s.y.pointer, into: s.y.pointer, rows: n)
            s.h.add(s.y, count: n * dim)
            layer.ffnNorm(s.h.pointer, into: s.x.pointer, rows: n)
            layer.ffn(s.x.pointer, into: s.y.pointer, count: n, g: s.g.pointer, u: s.u.pointer, pool: pool)
            layer.ffnPostNorm(s.y.pointer, into: s.y.pointer, rows: n)
            s.h.add(s.y, count: n * dim)
        }
    }

    func logits(row: Int, into out: UnsafeMutablePointer<Float>) {
        outputNorm(scratch.h.pointer + row * hyper.dim, into: scratch.x.pointer)
        output.apply(scratch.x.pointer, into: out, pool: pool)
    }
}
