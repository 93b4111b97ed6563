import Base
import Foundation
import Kernels
import XCTest

/// Single-thread dot throughput, SIMD against portable, printed as weight GB/s (the decode loop is bound by
/// reading weights). The assertion is deliberately loose, since the machine is shared: it only catches a
/// dispatch that silently fell back to the portable code.
final class ThroughputTests: XCTestCase {
    /// Weight bytes per second through `kernel` over a matrix that fits in L2 (so memory speed does not hide
    /// the kernel's own cost), best of 5 runs.
    func gigabytesPerSecond(_ type: GGMLType, _ kernel: DotKernel, rows: UnsafeMutableRawBufferPointer,
                            rowCount: Int, cols: Int, x: [Float]) -> Double {
        let rowBytes = type.byteCount(for: cols)!
        var best = Double.infinity
        var sink: Float = 0
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<8 {
                for r in 0..<rowCount {
                    sink += x.withUnsafeBufferPointer { kernel(row: rows.baseAddress! + r * rowBytes, x: $0.baseAddress!, count: cols) }
                }
            }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        XCTAssertTrue(sink.isFinite)
        return Double(8 * rowCount * rowBytes) / best / 1e9
    }

    func testSIMDDotIsFasterThanPortable() throws {
        try XCTSkipUnless(Kernels.dotKernel(.q8_0, implementation: simdImplementation) != nil, "this CPU has no SIMD kernels (AVX2+FMA+F16C or NEON)")
        var rng = SplitMix64(seed: 9)
        let cols = 2048, rowCount = 64
        let x = RandomRows.activations(cols, rng: &rng)
        var report: [String] = []
        for type: GGMLType in [.f32, .f16, .q8_0, .q5_0, .q4_K, .q5_K, .q6_K] {
            let rows = RandomRows.make(type, rows: rowCount, cols: cols, rng: &rng)
            defer { rows.deallocate() }
            let fast = gigabytesPerSecond(type, try XCTUnwrap(Kernels.dotKernel(type, implementation: simdImplementation)), rows: rows, rowCount: rowCount, cols: cols, x: x)
            let slow = gigabytesPerSecond(type, try XCTUnwrap(Kernels.dotKernel(type, implementation: .portable)), rows: rows, rowCount: rowCount, cols: cols, x: x)
            report.append("\(type.name): avx2 \(String(format: "%.2f", fast)) GB/s, portable \(String(format: "%.2f", slow)) GB/s, \(String(format: "%.1f", fast / slow))x")
            if type != .f32 { XCTAssertGreaterThan(fast, slow * 1.2, "\(type): AVX2 kernel not faster than portable") }
        }
        print("dot throughput (1 thread, 64 x 2048 in cache):\n  " + report.joined(separator: "\n  "))
    }

    /// The int8 path against the f32 path, both AVX2 (activation quantization excluded: it is paid once per vector).
    func testInt8PathThroughput() throws {
        try XCTSkipUnless(Kernels.quantizedDotKernel(.q4_K, implementation: simdImplementation) != nil, "this CPU has no SIMD kernels (AVX2+FMA+F16C or NEON)")
        var rng = SplitMix64(seed: 10)
        let cols = 2048, rowCount = 64
        let x = RandomRows.activations(cols, rng: &rng)
        var report: [String] = []
        for type: GGMLType in [.q8_0, .q5_0, .q4_K, .q5_K, .q6_K] {
            let rows = RandomRows.make(type, rows: rowCount, cols: cols, rng: &rng)
            defer { rows.deallocate() }
            let xq = UnsafeMutableRawBufferPointer.allocate(byteCount: Kernels.activationByteCount(for: type, count: cols)!, alignment: 64)
            defer { xq.deallocate() }
            var out = [Float](repeating: 0, count: rowCount)
            var best = Double.infinity
            x.withUnsafeBufferPointer { Kernels.quantizeActivations($0.baseAddress!, count: cols, for: type, into: xq.baseAddress!) }
            for _ in 0..<5 {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<8 {
                    Kernels.matvec(type: type, weights: rows.baseAddress!, rows: rowCount, cols: cols, xq: xq.baseAddress!, out: &out)
                }
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            let int8 = Double(8 * rows.count) / best / 1e9
            let f32 = gigabytesPerSecond(type, try XCTUnwrap(Kernels.dotKernel(type, implementation: simdImplementation)), rows: rows, rowCount: rowCount, cols: cols, x: x)
            report.append("\(type.name): int8 \(String(format: "%.2f", int8)) GB/s, f32 \(String(format: "%.2f", f32)) GB/s")
            XCTAssertTrue(out.allSatisfy(\.isFinite))
        }
        print("int8 vs f32 activations (1 thread, AVX2, 64 x 2048 in cache):\n  " + report.joined(separator: "\n  "))
    }
}
