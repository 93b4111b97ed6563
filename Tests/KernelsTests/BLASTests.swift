import XCTest
@testable import Kernels

/// OpenBLAS's sgemm, through our wrapper, against a naive triple loop.
final class BLASTests: XCTestCase {
    func naive(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeB: Bool) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s: Double = 0
                for p in 0..<k { s += Double(a[i * k + p]) * Double(transposeB ? b[j * k + p] : b[p * n + j]) }
                c[i * n + j] = Float(s)
            }
        }
        return c
    }

    func testSgemmMatchesNaiveProduct() {
        var rng = SystemRandomNumberGenerator()
        for (m, n, k) in [(1, 1, 1), (3, 5, 7), (17, 33, 65), (64, 96, 128)] {
            for transposeB in [false, true] {
                let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &rng) }
                let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &rng) }
                var c = [Float](repeating: .nan, count: m * n)
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        c.withUnsafeMutableBufferPointer { pc in
                            BLAS.sgemm(m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!,
                                       ldb: transposeB ? k : n, transposeB: transposeB, c: pc.baseAddress!, ldc: n)
                        }
                    }
                }
                let expected = naive(a, b, m: m, n: n, k: k, transposeB: transposeB)
                for i in 0..<(m * n) {
                    XCTAssertEqual(c[i], expected[i], accuracy: 1e-4 * Float(k), "m=\(m) n=\(n) k=\(k) at \(i)")
                }
            }
        }
    }

    /// The engine must run on the real OpenBLAS here (`make setup` installs it); the fallback exists for machines
    /// without it.
    func testOpenBLASIsLoaded() {
        XCTAssertEqual(BLAS.backend, "openblas")
    }

    func testPortableFallbackMatchesNaiveProduct() {
        var rng = SystemRandomNumberGenerator()
        for (m, n, k) in [(1, 1, 1), (3, 5, 7), (17, 33, 65)] {
            for transposeB in [false, true] {
                let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &rng) }
                let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &rng) }
                let c0 = (0..<(m * n)).map { _ in Float.random(in: -1...1, using: &rng) }
                for beta: Float in [0, 0.5] {
                    var c = beta == 0 ? [Float](repeating: .nan, count: m * n) : c0
                    BLAS.portableSgemm(m: m, n: n, k: k, alpha: 2, a: a, lda: k, b: b, ldb: transposeB ? k : n,
                                       transposeB: transposeB, beta: beta, c: &c, ldc: n)
                    let product = naive(a, b, m: m, n: n, k: k, transposeB: transposeB)
                    for i in 0..<(m * n) {
                        XCTAssertEqual(c[i], 2 * product[i] + beta * c0[i], accuracy: 1e-4 * Float(k), "m=\(m) n=\(n) k=\(k) at \(i)")
                    }
                }
            }
        }
    }

    func testThreadCountIsSettable() {
        BLAS.setThreads(1)
        XCTAssertEqual(BLAS.threads, 1)
        BLAS.setThreads(2)
        XCTAssertEqual(BLAS.threads, 2)
    }
}
