import Base

/// Rounds activations the way llama.cpp's CPU backend does before a quantized matrix product.
///
/// llama.cpp does not multiply quantized weights by f32 activations: it first quantizes the activations
/// to the weight type's partner format (8-bit blocks of 32 for Q4_0…Q8_0, 8-bit blocks of 256 for the
/// K-quants, f16 for F16) and multiplies integers. Our kernels take f32 activations, so we round the
/// activations to exactly the values llama.cpp's quantized copy stands for. Without this, Q8_0 MoE models
/// pick different experts on close router calls and logits drift by whole units (see notes/engine-parity.md).
enum ActivationRounding {
    /// Writes the rounded copy of x[count] into `out` for products with `type` weights; false when the
    /// type multiplies plain f32 (nothing to do, use x as is).
    static func round(for type: GGMLType, _ x: UnsafePointer<Float>, count: Int,
                      into out: UnsafeMutablePointer<Float>) -> Bool {
        switch type {
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0:
            blocks8(x, count: count, block: 32, into: out)
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K:
            blocksK(x, count: count, into: out)
        case .f16:
            for i in 0..<count { out[i] = roundToHalf(x[i]) }
        default:
            return false
        }
        return true
    }

    /// Q8_0: per block, scale d = max|x| / 127 (stored as f16), q = round-half-even(x · 127 / max|x|).
    private static func blocks8(_ x: UnsafePointer<Float>, count: Int, block: Int, into out: UnsafeMutablePointer<Float>) {
        var start = 0
        while start < count {
            let end = min(start + block, count)
            var amax: Float = 0
            for i in start..<end { amax = max(amax, abs(x[i])) }
            let d = roundToHalf(amax / 127)
            let id: Float = amax != 0 ? 127 / amax : 0
            for i in start..<end { out[i] = (x[i] * id).rounded(.toNearestOrEven) * d }
            start = end
        }
    }

    /// Q8_K: per block of 256, the signed value of largest magnitude maps to −127; scale kept in f32.
    private static func blocksK(_ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
        var start = 0
        while start < count {
            let end = min(start + 256, count)
            var amax: Float = 0, signedMax: Float = 0
            for i in start..<end where abs(x[i]) > amax { amax = abs(x[i]); signedMax = x[i] }
            if amax == 0 {
                for i in start..<end { out[i] = 0 }
            } else {
                let iscale = -127 / signedMax
                let d = 1 / iscale
                for i in start..<end { out[i] = min(127, (iscale * x[i]).rounded(.toNearestOrEven)) * d }
            }
            start = end
        }
    }
}
