import CKernels

/// The two products of one query's attention, read straight from KV cache rows (f32, or f16 bit patterns):
/// decoding calls these per KV head and tile instead of converting rows and calling BLAS with a tiny matrix.
public enum AttentionProducts {
    /// Where a cache's rows are and how they are stored.
    public struct Rows {
        public var base: UnsafeRawPointer
        public var isHalf: Bool
        /// Values between consecutive rows.
        public var stride: Int
        public init(base: UnsafeRawPointer, isHalf: Bool, stride: Int) {
            self.base = base
            self.isHalf = isHalf
            self.stride = stride
        }
    }

    /// scores[h, j] = scale · q[h] · key_j for `group` query heads of `dim` values and `n` key rows.
    public static func scores(query q: UnsafePointer<Float>, group: Int, dim: Int, keys: Rows, count n: Int,
                              scale: Float, into scores: UnsafeMutablePointer<Float>,
                              implementation: KernelImplementation = .best) {
        qk_attn_scores(q, Int64(group), Int64(dim), keys.base, keys.isHalf ? 1 : 0, Int64(keys.stride), Int64(n),
                       scale, scores, implementation.code)
    }

    /// out[h] = (accumulate ? out[h] : 0) + Σ_j p[h, j] · value_j for `group` heads of `dim` values.
    public static func values(weights p: UnsafePointer<Float>, group: Int, count n: Int, values: Rows, dim: Int,
                              into out: UnsafeMutablePointer<Float>, accumulate: Bool,
                              implementation: KernelImplementation = .best) {
        qk_attn_values(p, Int64(group), Int64(n), values.base, values.isHalf ? 1 : 0, Int64(values.stride), Int64(dim),
                       out, accumulate ? 1 : 0, implementation.code)
    }
}
