import Kernels

/// The cores the forward pass may use: the kernels' thread pool, shared by every product of one model.
struct Workers: @unchecked Sendable {
    let pool: ThreadPool
    var threads: Int { pool.threads }

    init(threads: Int) { pool = ThreadPool.configured(threads: threads) }

    /// Runs body(0..<tasks) across the threads; returns when all are done.
    func run(tasks: Int, _ body: (Int) -> Void) { pool.run(tasks: tasks, body) }
}

extension Matrix {
    /// out[rows] = W · x[cols]. The decode hot loop: every weight is read once per token.
    ///
    /// Quantized weights take llama.cpp's int8 path: the activations are quantized once (Q8_0 blocks of 32
    /// for the legacy types, Q8_K blocks of 256 for the K-quants) and multiplied as integers. That is both
    /// faster and what the peer computes, so logits agree to summation order (see notes/engine-parity.md).
    func apply(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, pool: Workers?) {
        if let bytes = Kernels.activationByteCount(for: type, count: cols) {
            let xq = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 4), alignment: 16)
            defer { xq.deallocate() }
            Kernels.quantizeActivations(x, count: cols, for: type, into: xq)
            Kernels.matvec(type: type, weights: data, rows: rows, cols: cols, xq: xq, out: out, pool: pool?.pool)
            return
        }
        // F16 weights: llama.cpp multiplies f16 by f16, so round the activations to f16 first.
        if type == .f16 {
            let rounded = UnsafeMutablePointer<Float>.allocate(capacity: cols)
            defer { rounded.deallocate() }
            for i in 0..<cols { rounded[i] = roundToHalf(x[i]) }
            Kernels.matvec(type: type, weights: data, rows: rows, cols: cols, x: rounded, out: out, pool: pool?.pool)
            return
        }
        Kernels.matvec(type: type, weights: data, rows: rows, cols: cols, x: x, out: out, pool: pool?.pool)
    }
}
