import Base
import Kernels
import XCTest

final class MatVecTests: XCTestCase {
    /// matvec on 1, 2 and 3 threads gives, bit for bit, what a plain loop of per-row dots gives, for an odd
    /// row count (uneven shares) and every supported type.
    func testMatvecEqualsNaiveLoop() throws {
        var rng = SplitMix64(seed: 4)
        let pools = [ThreadPool(threads: 1), ThreadPool(threads: 2), ThreadPool(threads: 3)]
        for type in Kernels.supportedTypes {
            let rows = 37, cols = 512
            let weights = RandomRows.make(type, rows: rows, cols: cols, rng: &rng)
            defer { weights.deallocate() }
            let x = RandomRows.activations(cols, rng: &rng)
            let rowBytes = type.byteCount(for: cols)!
            let want = (0..<rows).map { r in
                x.withUnsafeBufferPointer { Kernels.dot(type: type, row: weights.baseAddress! + r * rowBytes, x: $0.baseAddress!, count: cols) }
            }
            for pool in [nil] + pools {
                var out = [Float](repeating: .nan, count: rows)
                x.withUnsafeBufferPointer {
                    Kernels.matvec(type: type, weights: weights.baseAddress!, rows: rows, cols: cols, x: $0.baseAddress!,
                                   out: &out, pool: pool)
                }
                XCTAssertEqual(out.map(\.bitPattern), want.map(\.bitPattern), "\(type) on \(pool?.threads ?? 0) threads")
            }
        }
    }

    /// Every task runs exactly once per call, over many back-to-back calls (where a late worker could run a
    /// task of a job it never saw published) and with workers that have gone to sleep between calls.
    func testPoolRunsEveryTaskOnceAndIsReusable() {
        for pool in [ThreadPool(threads: 3), ThreadPool(threads: 2, spinIterations: 0)] {
            for tasks in [0, 1, 2, 3, 7, 64, 1000] {
                let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(1, tasks))
                hits.initialize(repeating: 0)
                defer { hits.deallocate() }
                // Each task writes only its own slot, so the counts need no atomics.
                for _ in 0..<200 { pool.run(tasks: tasks) { hits[$0] += 1 } }
                XCTAssertEqual(Array(hits.prefix(tasks)), [Int](repeating: 200, count: tasks), "\(tasks) tasks")
            }
        }
    }

    func testConfiguredPoolSetsBLASThreads() {
        let pool = ThreadPool.configured(threads: 1)
        XCTAssertEqual(pool.threads, 1)
        XCTAssertEqual(BLAS.threads, 1)
    }
}
