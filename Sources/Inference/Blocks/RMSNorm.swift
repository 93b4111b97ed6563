/// Root-mean-square normalisation (Zhang & Sennrich 2019): x / sqrt(mean(x²) + ε) · weight.
struct RMSNorm: Sendable {
    /// [dim]
    let weight: [Float]
    let epsilon: Float

    var dim: Int { weight.count }

    /// out[dim] = norm(x[dim]); `out` may be `x`.
    func callAsFunction(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        // Sum of squares in Double, as llama.cpp does, so long rows do not lose precision.
        var sum = 0.0
        for i in 0..<dim { sum += Double(x[i] * x[i]) }
        let scale = 1 / (Float(sum / Double(dim)) + epsilon).squareRoot()
        for i in 0..<dim { out[i] = x[i] * scale * weight[i] }
    }

    /// Normalises `rows` consecutive vectors of `dim`: out[rows, dim] = norm(x[rows, dim]).
    func callAsFunction(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, rows: Int) {
        for r in 0..<rows { self(x + r * dim, into: out + r * dim) }
    }

    /// Normalises each of `heads` consecutive vectors of `dim` in place (QK-norm on [heads, headDim]).
    func perHead(_ x: UnsafeMutablePointer<Float>, heads: Int) {
        for h in 0..<heads { self(x + h * dim, into: x + h * dim) }
    }
}
