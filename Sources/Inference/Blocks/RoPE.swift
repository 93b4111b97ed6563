import Foundation

/// How a model stretches RoPE beyond its training context (`<arch>.rope.scaling.*` metadata).
struct RopeScaling: Sendable {
    enum Kind: String, Sendable { case none, linear, yarn }
    var kind: Kind = .none
    /// Context multiplier (`rope.scaling.factor`); frequencies are divided by it.
    var factor: Float = 1
    /// `rope.scaling.original_context_length`: the training context YaRN's ramp is measured against.
    var originalContext: Int = 0
    var betaFast: Float = 32
    var betaSlow: Float = 1
    /// Extra attention temperature (`rope.scaling.attn_factor`), 1 when absent.
    var attentionFactor: Float = 1
}

/// Rotary position embedding (Su et al. 2021) in the NEOX layout used by Qwen and Gemma: dimension i is
/// rotated together with dimension i + d/2 (not with its neighbour), by angle position · base^(−2i/d).
/// With YaRN (Peng et al. 2023), low frequencies are interpolated, high ones kept, with a linear ramp
/// between, and the result is scaled by 1 + 0.1·ln(factor).
struct RoPE: Sendable {
    let dims: Int
    let base: Float
    let scaling: RopeScaling
    private let freqScale: Float
    private let extFactor: Float
    private let rampLow: Float
    private let rampHigh: Float

    init(dims: Int, base: Float, scaling: RopeScaling = RopeScaling()) {
        self.dims = dims
        self.base = base
        self.scaling = scaling
        freqScale = scaling.kind == .none ? 1 : 1 / scaling.factor
        extFactor = scaling.kind == .yarn ? 1 : 0
        if scaling.kind == .yarn, scaling.originalContext > 0 {
            // The dimensions whose wavelength spans betaFast / betaSlow rotations over the original context.
            func corr(_ rotations: Float) -> Float {
                Float(dims) * logf(Float(scaling.originalContext) / (rotations * 2 * Float.pi)) / (2 * logf(base))
            }
            rampLow = max(0, floorf(corr(scaling.betaFast)))
            rampHigh = min(Float(dims - 1), ceilf(corr(scaling.betaSlow)))
        } else {
            rampLow = 0
            rampHigh = 0
        }
    }

    /// cos and sin per rotated pair at `position`: [dims/2] each, written into `c` and `s`.
    func angles(position: Int, cos c: UnsafeMutablePointer<Float>, sin s: UnsafeMutablePointer<Float>) {
        let half = dims / 2
        // The angle is built by repeated multiplication in f32, as llama.cpp builds its cache, so positions
        // far from 0 round the same way on both sides.
        let thetaScale = powf(base, -2 / Float(dims))
        var theta = Float(position)
        for i in 0..<half {
            let extrapolated = theta
            var angle = freqScale * extrapolated
            var mscale = scaling.attentionFactor
            if extFactor != 0 {
                let y = (Float(i) - rampLow) / max(0.001, rampHigh - rampLow)
                let mix = (1 - min(1, max(0, y))) * extFactor
                angle = angle * (1 - mix) + extrapolated * mix
                mscale *= 1 + 0.1 * logf(1 / freqScale)
            }
            c[i] = cosf(angle) * mscale
            s[i] = sinf(angle) * mscale
            theta *= thetaScale
        }
    }

    /// Rotates `heads` vectors of `headDim` (≥ dims) in place: x [heads, headDim], by one position's
    /// cosines and sines [dims/2].
    func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, headDim: Int, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>) {
        let half = dims / 2
        for h in 0..<heads {
            let v = x + h * headDim
            for i in 0..<half {
                let a = v[i], b = v[i + half]
                v[i] = a * cos[i] - b * sin[i]
                v[i + half] = a * sin[i] + b * cos[i]
            }
        }
    }
}

/// The rotations of a batch's consecutive positions, [batch, dims/2] cosines and sines, computed once per
/// forward pass into storage made with the model, so a decoding step allocates nothing for them.
final class Rotations: @unchecked Sendable {
    let rope: RoPE
    private let c: Buffer, s: Buffer
    private var half: Int { rope.dims / 2 }

    init(_ rope: RoPE, batch: Int) {
        self.rope = rope
        c = Buffer(batch * (rope.dims / 2)); s = Buffer(batch * (rope.dims / 2))
    }

    /// Computes positions start ..< start + count.
    func fill(start: Int, count: Int) {
        precondition(count * half <= c.count, "more positions than the batch the rotations were made for")
        for t in 0..<count { rope.angles(position: start + t, cos: c.pointer + t * half, sin: s.pointer + t * half) }
    }

    /// Rotates x [heads, headDim] by the rotation of the batch's token t.
    func apply(_ x: UnsafeMutablePointer<Float>, token t: Int, heads: Int, headDim: Int) {
        rope.apply(x, heads: heads, headDim: headDim, cos: c.pointer + t * half, sin: s.pointer + t * half)
    }
}
