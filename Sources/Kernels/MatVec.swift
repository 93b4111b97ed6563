import Base
import CKernels

extension Kernels {
    /// out[r] = Σ_c W[r, c] · x[c] for a row-major matrix of `rows` rows of `cols` values of `type`, as GGUF
    /// stores weights (one row per output feature, rows `type.byteCount(for: cols)` bytes apart).
    ///
    /// This is the decode hot loop: each generated token runs it once per weight matrix, and it is bound by
    /// reading the weights once. Rows are split into contiguous ranges that the pool's threads claim as they come free.
    /// - Parameters:
    ///   - weights: `[rows, cols]` in `type`'s blocks, e.g. straight from `GGUFFile.tensorData`.
    ///   - x: `[cols]` activations.
    ///   - out: `[rows]` results.
    ///   - pool: threads to split rows across; nil runs on the calling thread.
    public static func matvec(type: GGMLType, weights: UnsafeRawPointer, rows: Int, cols: Int,
                              x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, pool: ThreadPool? = nil) {
        guard let kernel = bestDot[Int(type.rawValue)] else {
            preconditionFailure("Kernels.matvec: no kernel for \(type); check Kernels.supports first")
        }
        guard let rowBytes = type.byteCount(for: cols) else {
            preconditionFailure("Kernels.matvec: \(cols) columns is not a multiple of \(type)'s block")
        }
        let chunks = rowChunks(rows: rows, pool: pool)
        guard let pool, chunks > 1 else {
            qk_matvec_rows(kernel, weights, rowBytes, x, Int64(cols), out, 0, Int64(rows))
            return
        }
        withUnsafePointer(to: RowRanges(dot: kernel, qdot: nil, weights: weights, rowBytes: rowBytes, x: UnsafeRawPointer(x),
                                        cols: cols, out: out, rows: rows, chunks: chunks)) {
            pool.run(tasks: chunks, context: $0) { context, chunk in
                context.assumingMemoryBound(to: RowRanges.self).pointee.run(chunk: chunk)
            }
        }
    }

    /// How many row ranges to cut a product into: about 4 per thread, so a thread that starts late or runs
    /// slow leaves its share to the others, but at least 8 rows each, so claiming stays cheap next to the work.
    static func rowChunks(rows: Int, pool: ThreadPool?) -> Int {
        guard let pool, pool.threads > 1 else { return 1 }
        return max(1, min(rows / 8, 4 * pool.threads))
    }
}

/// One matrix-vector product cut into `chunks` row ranges: the context of its parallel loop (kept on the
/// caller's stack, so a product allocates nothing).
struct RowRanges {
    /// The kernel: `dot` for f32 activations, or `qdot` for quantized ones.
    let dot: qk_dot_fn?
    let qdot: qk_qdot_fn?
    let weights: UnsafeRawPointer
    let rowBytes: Int
    /// f32 activations, or quantized ones with `qdot`.
    let x: UnsafeRawPointer
    let cols: Int
    let out: UnsafeMutablePointer<Float>
    let rows: Int
    let chunks: Int

    func run(chunk: Int) {
        let begin = Int64(rows * chunk / chunks), end = Int64(rows * (chunk + 1) / chunks)
        if let qdot {
            qk_matvec_rows_q(qdot, weights, rowBytes, x, Int64(cols), out, begin, end)
        } else if let dot {
            qk_matvec_rows(dot, weights, rowBytes, x.assumingMemoryBound(to: Float.self), Int64(cols), out, begin, end)
        }
    }
}
