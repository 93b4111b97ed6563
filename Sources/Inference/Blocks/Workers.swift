import Dispatch
import Kernels

/// Splits the forward pass's loops across cores with libdispatch.
///
/// Used instead of `Kernels.ThreadPool`, whose `run` currently traps ("closure escaped") when a worker
/// still holds the loop body as the call returns; once that is fixed this can forward to the pool.
struct Workers: Sendable {
    let threads: Int

    /// Runs body(0..<tasks) across the threads; returns when all are done.
    func run(tasks: Int, _ body: (Int) -> Void) {
        if threads <= 1 || tasks <= 1 {
            for t in 0..<tasks { body(t) }
        } else {
            DispatchQueue.concurrentPerform(iterations: tasks, execute: body)
        }
    }
}

extension Matrix {
    /// out[rows] = W · x[cols], rows split into one contiguous share per thread when the matrix is big
    /// enough for the split to pay for itself.
    func apply(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, pool: Workers?) {
        // Round the activations as llama.cpp's quantized product sees them (see ActivationRounding).
        let rounded = UnsafeMutablePointer<Float>.allocate(capacity: cols)
        defer { rounded.deallocate() }
        let x = ActivationRounding.round(for: type, x, count: cols, into: rounded) ? UnsafePointer(rounded) : x
        guard let pool, pool.threads > 1, rows * cols >= 32_768 else {
            Kernels.matvec(type: type, weights: data, rows: rows, cols: cols, x: x, out: out, pool: nil)
            return
        }
        let shares = pool.threads
        pool.run(tasks: shares) { share in
            let begin = rows * share / shares, end = rows * (share + 1) / shares
            Kernels.matvec(type: type, weights: data + begin * rowBytes, rows: end - begin, cols: cols,
                           x: x, out: out + begin, pool: nil)
        }
    }
}
