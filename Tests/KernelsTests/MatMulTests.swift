import Base
import Kernels
import XCTest

final class MatMulTests: XCTestCase {
    /// The BLAS path (batch >= threshold, several slabs) gives what one matvec per vector gives, to f32
    /// rounding; the small-batch path gives it bit for bit.
    func testMatmulEqualsMatvecPerVector() throws {
        var rng = SplitMix64(seed: 21)
        let pool = ThreadPool(threads: 2)
        for type: GGMLType in [.f32, .f16, .q8_0, .q4_K, .q6_K] {
            let rows = 70, cols = 512, batch = 6
            let weights = RandomRows.make(type, rows: rows, cols: cols, rng: &rng)
            defer { weights.deallocate() }
            let x = RandomRows.activations(batch * cols, rng: &rng)
            var want = [Float](repeating: 0, count: batch * rows)
            for t in 0..<batch {
                x.withUnsafeBufferPointer { xs in
                    want.withUnsafeMutableBufferPointer {
                        Kernels.matvec(type: type, weights: weights.baseAddress!, rows: rows, cols: cols,
                                       x: xs.baseAddress! + t * cols, out: $0.baseAddress! + t * rows)
                    }
                }
            }
            var deq = [Float](repeating: 0, count: rows * cols)
            Kernels.dequantizeRows(type: type, src: weights.baseAddress!, rowBytes: type.byteCount(for: cols)!,
                                   rows: rows, cols: cols, into: &deq, pool: pool)
            for threshold in [1, 100] {
                var out = [Float](repeating: .nan, count: batch * rows)
                x.withUnsafeBufferPointer {
                    Kernels.matmul(type: type, weights: weights.baseAddress!, rows: rows, cols: cols, x: $0.baseAddress!,
                                   batch: batch, out: &out, pool: pool, blasThreshold: threshold)
                }
                for t in 0..<batch {
                    for r in 0..<rows {
                        var scale: Float = 0
                        for c in 0..<cols { scale += abs(deq[r * cols + c] * x[t * cols + c]) }
                        let (a, b) = (out[t * rows + r], want[t * rows + r])
                        if threshold == 100 { XCTAssertEqual(a.bitPattern, b.bitPattern, "\(type) [\(t), \(r)]") }
                        XCTAssertLessThanOrEqual(abs(a - b), 1e-5 * scale + 1e-6, "\(type) [\(t), \(r)] threshold \(threshold)")
                    }
                }
            }
        }
    }

    /// Wide rows make slabs of 128 rows, so 300 rows take three sgemm calls with a partial last slab.
    func testMatmulAcrossSeveralSlabs() throws {
        var rng = SplitMix64(seed: 22)
        let type = GGMLType.q4_K, rows = 300, cols = 8192, batch = 5
        let weights = RandomRows.make(type, rows: rows, cols: cols, rng: &rng)
        defer { weights.deallocate() }
        let x = RandomRows.activations(batch * cols, rng: &rng)
        var out = [Float](repeating: .nan, count: batch * rows)
        x.withUnsafeBufferPointer {
            Kernels.matmul(type: type, weights: weights.baseAddress!, rows: rows, cols: cols, x: $0.baseAddress!,
                           batch: batch, out: &out, pool: ThreadPool(threads: 2), blasThreshold: 1)
        }
        let rowBytes = type.byteCount(for: cols)!
        var deq = [Float](repeating: 0, count: cols)
        for r in 0..<rows {
            Kernels.dequantize(type: type, src: weights.baseAddress! + r * rowBytes, count: cols, into: &deq)
            for t in 0..<batch {
                var want = 0.0, scale = 0.0
                for c in 0..<cols { want += Double(deq[c]) * Double(x[t * cols + c]); scale += abs(Double(deq[c]) * Double(x[t * cols + c])) }
                XCTAssertLessThanOrEqual(abs(Double(out[t * rows + r]) - want), 1e-5 * scale + 1e-6, "[\(t), \(r)]")
            }
        }
    }
}
