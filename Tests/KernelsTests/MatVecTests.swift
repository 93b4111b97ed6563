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

final class MatVecGroupTests: XCTestCase {
    /// A group mixing f32 and int8 products of several types and sizes (some too small to split) gives,
    /// bit for bit, what each product gives alone.
    func testGroupEqualsSeparateProducts() throws {
        var rng = SplitMix64(seed: 30)
        let pool = ThreadPool(threads: 2)
        let specs: [(GGMLType, Int, Int, Bool)] = [(.q8_0, 64, 512, true), (.q4_K, 37, 512, true), (.q6_K, 5, 256, false),
                                                   (.f32, 100, 64, false), (.q5_0, 3, 96, true), (.f16, 1, 32, false)]
        var buffers: [UnsafeMutableRawBufferPointer] = []
        defer { buffers.forEach { $0.deallocate() } }
        var products: [MatvecProduct] = []
        var wants: [[Float]] = []
        for (type, rows, cols, quantized) in specs {
            let w = RandomRows.make(type, rows: rows, cols: cols, rng: &rng)
            let x = RandomRows.activations(cols, rng: &rng)
            let xb = UnsafeMutableRawBufferPointer.allocate(byteCount: max(4 * cols, Kernels.activationByteCount(for: type, count: cols) ?? 0), alignment: 64)
            let out = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 * rows, alignment: 64)
            buffers += [w, xb, out]
            var want = [Float](repeating: 0, count: rows)
            x.withUnsafeBufferPointer { xs in
                if quantized {
                    Kernels.quantizeActivations(xs.baseAddress!, count: cols, for: type, into: xb.baseAddress!)
                    Kernels.matvec(type: type, weights: w.baseAddress!, rows: rows, cols: cols, xq: xb.baseAddress!, out: &want)
                } else {
                    xb.copyMemory(from: UnsafeRawBufferPointer(xs))
                    Kernels.matvec(type: type, weights: w.baseAddress!, rows: rows, cols: cols, x: xs.baseAddress!, out: &want)
                }
            }
            wants.append(want)
            products.append(MatvecProduct(type: type, weights: w.baseAddress!, rows: rows, cols: cols, x: xb.baseAddress!,
                                          quantized: quantized, out: out.baseAddress!.assumingMemoryBound(to: Float.self)))
        }
        for p in [nil, pool] {
            for product in products { product.out.update(repeating: .nan, count: product.rows) }
            products.withUnsafeBufferPointer { Kernels.matvec(group: $0, pool: p) }
            for (product, want) in zip(products, wants) {
                let got = Array(UnsafeBufferPointer(start: product.out, count: product.rows))
                XCTAssertEqual(got.map(\.bitPattern), want.map(\.bitPattern), "\(product.type) on \(p?.threads ?? 1) threads")
            }
        }
    }
}
