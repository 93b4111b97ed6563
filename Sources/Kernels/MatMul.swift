import Base
import CKernels

extension Kernels {
    /// out[t, r] = Σ_c W[r, c] · x[t, c] for a batch of activation vectors: the prefill product.
    ///
    /// Below `blasThreshold` vectors this is one `matvec` per vector (reading the weights once per vector is
    /// cheap next to BLAS's set-up). From there on, weights are dequantized to f32 a slab of rows at a time
    /// (in parallel on `pool`) and multiplied with OpenBLAS's sgemm, which reuses each weight across the
    /// whole batch from cache. The slab bounds the scratch memory (allocated per call: prefill calls are few
    /// and each does millions of multiply-adds, so the allocation does not show).
    /// - Parameters:
    ///   - weights: `[rows, cols]` in `type`'s blocks.
    ///   - x: `[batch, cols]` activations, row-major.
    ///   - out: `[batch, rows]` results, row-major.
    public static func matmul(type: GGMLType, weights: UnsafeRawPointer, rows: Int, cols: Int,
                              x: UnsafePointer<Float>, batch: Int, out: UnsafeMutablePointer<Float>,
                              pool: ThreadPool? = nil, blasThreshold: Int = 4) {
        guard let rowBytes = type.byteCount(for: cols), supports(type) else {
            preconditionFailure("Kernels.matmul: no kernel for \(type) rows of \(cols) values")
        }
        if batch < blasThreshold {
            // Each matvec writes a contiguous [rows] slice of out.
            for t in 0..<batch {
                matvec(type: type, weights: weights, rows: rows, cols: cols, x: x + t * cols, out: out + t * rows, pool: pool)
            }
            return
        }
        // About 4 MiB of f32 per slab, and whole rows; for f32 weights no copy is needed at all.
        let slabRows = max(1, min(rows, (1 << 20) / max(1, cols)))
        let scratch = type == .f32 ? nil : UnsafeMutablePointer<Float>.allocate(capacity: slabRows * cols)
        defer { scratch?.deallocate() }
        var first = 0
        while first < rows {
            let count = min(slabRows, rows - first)
            let slabStart = weights + first * rowBytes
            let slab: UnsafePointer<Float>
            if let scratch {
                dequantizeRows(type: type, src: slabStart, rowBytes: rowBytes, rows: count, cols: cols,
                               into: scratch, pool: pool)
                slab = UnsafePointer(scratch)
            } else {
                slab = slabStart.assumingMemoryBound(to: Float.self)
            }
            // out[:, first ..< first+count] = x · slabᵀ; ldc = rows because out rows are `rows` wide.
            BLAS.sgemm(m: batch, n: count, k: cols, a: x, lda: cols, b: slab, ldb: cols, transposeB: true,
                       c: out + first, ldc: rows)
            first += count
        }
    }

    /// Dequantizes `rows` rows, `rowBytes` apart, into a dense `[rows, cols]` f32 buffer, split over `pool`.
    public static func dequantizeRows(type: GGMLType, src: UnsafeRawPointer, rowBytes: Int, rows: Int, cols: Int,
                                      into: UnsafeMutablePointer<Float>, pool: ThreadPool? = nil) {
        guard let kernel = bestDequant[Int(type.rawValue)] else {
            preconditionFailure("Kernels.dequantizeRows: no kernel for \(type); check Kernels.supports first")
        }
        let chunks = rowChunks(rows: rows, pool: pool)
        let body = { (chunk: Int) in
            let begin = rows * chunk / chunks, end = rows * (chunk + 1) / chunks
            for r in begin..<end { kernel(src + r * rowBytes, into + r * cols, Int64(cols)) }
        }
        if let pool, chunks > 1 { pool.run(tasks: chunks, body) } else { body(0) }
    }
}
