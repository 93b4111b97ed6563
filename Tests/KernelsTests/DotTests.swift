import Base
import Kernels
import XCTest

/// Every SIMD dot agrees with the portable reference, and the reference agrees with a double-precision dot
/// of gguf-py's dequantized values.
final class DotTests: XCTestCase {
    /// Tolerance for f32 sums of n products in different orders: relative to Σ|w·x|, which bounds the
    /// rounding error of any summation order (about n·ε of it; we allow 1e-5 for n up to a few thousand).
    func assertClose(_ a: Float, _ b: Double, scale: Double, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThanOrEqual(abs(Double(a) - b), 1e-5 * scale + 1e-6, "\(message): \(a) vs \(b)", file: file, line: line)
    }

    func testPortableDotMatchesGGUFPyValues() throws {
        let fixture = try TypeFixture.load()
        var rng = SplitMix64(seed: 1)
        let cols = fixture.manifest.cols
        let x = RandomRows.activations(cols, rng: &rng)
        for entry in fixture.manifest.tensors {
            let type = try fixture.type(of: entry)
            let kernel = try XCTUnwrap(Kernels.dotKernel(type, implementation: .portable))
            let rowBytes = try XCTUnwrap(type.byteCount(for: cols))
            fixture.withBytes(entry) { base in
                for r in 0..<fixture.manifest.rows {
                    let got = x.withUnsafeBufferPointer { kernel(row: base + r * rowBytes, x: $0.baseAddress!, count: cols) }
                    var want = 0.0, scale = 0.0
                    for c in 0..<cols {
                        let w = Double(fixture.expected[entry.offset + r * cols + c])
                        want += w * Double(x[c]); scale += abs(w * Double(x[c]))
                    }
                    assertClose(got, want, scale: scale, "\(type) row \(r)")
                }
            }
        }
    }

    func testSIMDDotsMatchPortableOnFixtureAndRandomRows() throws {
        try XCTSkipUnless(Kernels.dotKernel(.q8_0, implementation: simdImplementation) != nil, "this CPU has no SIMD kernels (AVX2+FMA+F16C or NEON)")
        var rng = SplitMix64(seed: 2)
        var checked: Set<GGMLType> = []
        for type in Kernels.supportedTypes {
            guard let fast = Kernels.dotKernel(type, implementation: simdImplementation) else { continue }
            let slow = try XCTUnwrap(Kernels.dotKernel(type, implementation: .portable))
            // Several row lengths: one block, a few blocks, and a long row; float types also odd lengths (tails).
            var lengths = [256, 1024, 4096]
            if type.blockSize == 1 { lengths += [1, 7, 33, 1000] }
            for cols in lengths {
                let rows = RandomRows.make(type, rows: 3, cols: cols, rng: &rng)
                defer { rows.deallocate() }
                let x = RandomRows.activations(cols, rng: &rng)
                let rowBytes = type.byteCount(for: cols)!
                var deq = [Float](repeating: 0, count: cols)
                for r in 0..<3 {
                    let row = UnsafeRawPointer(rows.baseAddress! + r * rowBytes)
                    Kernels.dequantize(type: type, src: row, count: cols, into: &deq)
                    let scale = zip(deq, x).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
                    let a = x.withUnsafeBufferPointer { fast(row: row, x: $0.baseAddress!, count: cols) }
                    let b = x.withUnsafeBufferPointer { slow(row: row, x: $0.baseAddress!, count: cols) }
                    XCTAssertTrue(a.isFinite, "\(type) avx2 gave \(a)")
                    assertClose(a, Double(b), scale: scale, "\(type) cols \(cols) row \(r) avx2 vs portable")
                }
            }
            checked.insert(type)
        }
        // The brief's minimum set of SIMD kernels must exist, or this test would pass vacuously.
        XCTAssertTrue(checked.isSuperset(of: [.f32, .f16, .q8_0, .q5_0, .q4_K, .q6_K]), "\(checked)")
    }

    func testBestKernelIsUsedByDot() throws {
        var rng = SplitMix64(seed: 3)
        let rows = RandomRows.make(.q4_K, rows: 1, cols: 512, rng: &rng)
        defer { rows.deallocate() }
        let x = RandomRows.activations(512, rng: &rng)
        let best = try XCTUnwrap(Kernels.dotKernel(.q4_K))
        let viaDot = x.withUnsafeBufferPointer { Kernels.dot(type: .q4_K, row: rows.baseAddress!, x: $0.baseAddress!, count: 512) }
        let viaKernel = x.withUnsafeBufferPointer { best(row: rows.baseAddress!, x: $0.baseAddress!, count: 512) }
        XCTAssertEqual(viaDot.bitPattern, viaKernel.bitPattern)
    }
}
