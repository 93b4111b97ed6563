import Foundation
import Kernels

/// A gated feed-forward network (Shazeer 2020): down(act(gate·x) ⊙ up·x).
/// Qwen uses SiLU (SwiGLU); Gemma uses tanh-approximated GELU (GeGLU).
struct GatedFFN: Sendable {
    enum Activation: Sendable { case silu, gelu }
    /// [ff, dim]
    let gate: Matrix
    /// [ff, dim]
    let up: Matrix
    /// [dim, ff]
    let down: Matrix
    let activation: Activation

    /// out[n, dim] = FFN(x[n, dim]); `g` and `u` are [n, ff] scratch.
    func callAsFunction(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count n: Int,
                        g: UnsafeMutablePointer<Float>, u: UnsafeMutablePointer<Float>, pool: Workers?) {
        if n == 1 {
            applyGroup(pool) { $0.add(gate, x, g); $0.add(up, x, u) }
        } else {
            gate.apply(x, into: g, count: n, pool: pool)
            up.apply(x, into: u, count: n, pool: pool)
        }
        activate(activation, g, times: u, count: n * gate.rows)
        down.apply(g, into: out, count: n, pool: pool)
    }
}

/// g[i] = act(g[i]) · u[i].
func activate(_ activation: GatedFFN.Activation, _ g: UnsafeMutablePointer<Float>, times u: UnsafePointer<Float>, count: Int) {
    switch activation {
    case .silu: for i in 0..<count { g[i] = silu(g[i]) * u[i] }
    case .gelu: for i in 0..<count { g[i] = geluTable(g[i]) * u[i] }
    }
}

/// x · σ(x).
@inline(__always) func silu(_ x: Float) -> Float { x / (1 + expf(-x)) }

/// GELU with the tanh approximation: ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
@inline(__always) func gelu(_ x: Float) -> Float {
    let c: Float = 0.797_884_56  // √(2/π)
    return 0.5 * x * (1 + tanhf(c * x * (1 + 0.044_715 * x * x)))
}

/// GELU as llama.cpp's CPU backend computes it: the input rounded to f16, looked up in a table of f16
/// results, saturating outside ±10. Matching it keeps Gemma's logits within the noise floor of the peer,
/// and the table is also several times faster than tanh.
@inline(__always) func geluTable(_ x: Float) -> Float {
    if x <= -10 { return 0 }
    if x >= 10 { return x }
    return geluHalfTable[Int(halfBits(x))]
}

/// GELU of every f16 value, rounded to f16: [65536], indexed by the f16 bit pattern.
let geluHalfTable: [Float] = (0..<65536).map { roundToHalf(gelu(halfToFloat(UInt16($0)))) }

/// The f16 bit pattern nearest to x (ties to even); overflow gives infinity.
@inline(__always) func halfBits(_ x: Float) -> UInt16 {
    let b = x.bitPattern
    let sign = UInt16((b >> 16) & 0x8000)
    let exponent = Int((b >> 23) & 0xFF)
    let mantissa = b & 0x7F_FFFF
    if exponent == 0xFF { return sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0) }
    let e = exponent - 127 + 15
    if e >= 31 { return sign | 0x7C00 }
    if e <= 0 {
        // Subnormal (or zero) in f16: shift the full significand right, rounding to even.
        if e < -10 { return sign }
        let significand = mantissa | 0x80_0000
        let shift = UInt32(14 - e)
        var half = significand >> shift
        let rest = significand & ((1 << shift) - 1), halfway = UInt32(1) << (shift - 1)
        if rest > halfway || (rest == halfway && half & 1 == 1) { half += 1 }
        return sign | UInt16(half)
    }
    var half = UInt32(e) << 10 | mantissa >> 13
    let rest = mantissa & 0x1FFF
    if rest > 0x1000 || (rest == 0x1000 && half & 1 == 1) { half += 1 }  // a carry rolls into the exponent
    return sign | UInt16(half)
}

/// The value of an f16 bit pattern.
@inline(__always) func halfToFloat(_ h: UInt16) -> Float {
    let sign: Float = h & 0x8000 != 0 ? -1 : 1
    let e = Int((h >> 10) & 0x1F), m = Float(h & 0x3FF)
    if e == 0 { return sign * m * 5.960_464_5e-08 }                // subnormal: m · 2^-24
    if e == 31 { return m == 0 ? sign * .infinity : .nan }
    return sign * (1 + m / 1024) * Float(sign: .plus, exponent: e - 15, significand: 1)
}

/// Rounds an f32 to the nearest f16 value (ties to even), returned as f32; covers the normal and
/// subnormal f16 range, which is all GELU's table sees.
@inline(__always) func roundToHalf(_ x: Float) -> Float {
    let a = abs(x)
    if a < 6.103_515_6e-05 {  // f16 subnormals: a fixed step of 2^-24
        let step: Float = 5.960_464_5e-08
        return (x / step).rounded(.toNearestOrEven) * step
    }
    if a >= 65520 { return x.sign == .minus ? -.infinity : .infinity }
    // Keep 10 explicit mantissa bits: clear the low 13 bits of the f32 mantissa with rounding to even.
    let bits = x.bitPattern
    let lsb = (bits >> 13) & 1
    let rounded = (bits &+ 0x0FFF &+ lsb) & ~UInt32(0x1FFF)
    return Float(bitPattern: rounded)
}
