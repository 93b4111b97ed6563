import Base
import CKernels
import Kernels
import XCTest

/// The int8 activation path: quantizers, integer dots (portable and AVX2), and its matvec.
final class QuantizedDotTests: XCTestCase {
    let intTypes: [GGMLType] = [.q4_0, .q5_0, .q8_0, .q4_K, .q5_K, .q6_K]

    func quantize(_ x: [Float], for type: GGMLType) -> UnsafeMutableRawBufferPointer {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Kernels.activationByteCount(for: type, count: x.count)!, alignment: 64)
        x.withUnsafeBufferPointer { Kernels.quantizeActivations($0.baseAddress!, count: x.count, for: type, into: buffer.baseAddress!) }
        return buffer
    }

    func testActivationTypes() {
        XCTAssertEqual(Kernels.activationType(for: .q8_0), .q8_0)
        XCTAssertEqual(Kernels.activationType(for: .q5_0), .q8_0)
        XCTAssertEqual(Kernels.activationType(for: .q4_K), .q8_K)
        XCTAssertEqual(Kernels.activationType(for: .q6_K), .q8_K)
        XCTAssertNil(Kernels.activationType(for: .f32))
        XCTAssertNil(Kernels.activationType(for: .q4_1))
        XCTAssertEqual(Kernels.activationByteCount(for: .q4_K, count: 512), 584)
    }

    /// The Q8_0 scale is max|x|/127 rounded to f16 exactly as Swift's Float16 rounds (to nearest even), over
    /// magnitudes from half-subnormal to past the f16 range; each value is within half a step of the input.
    func testQ8_0QuantizerRoundsScaleLikeFloat16() {
        var rng = SplitMix64(seed: 11)
        for exponent in -30...20 {
            let magnitude = Float(sign: .plus, exponent: exponent, significand: 1)
            let x = (0..<(32 * 16)).map { _ in Float.random(in: -1...1, using: &rng) * magnitude * Float.random(in: 0.5...2, using: &rng) }
            let q = quantize(x, for: .q8_0)
            defer { q.deallocate() }
            for b in 0..<16 {
                let block = Array(x[(32 * b)..<(32 * b + 32)])
                let amax = block.map(abs).max()!
                let stored = q.load(fromByteOffset: 34 * b, as: UInt16.self)
                XCTAssertEqual(stored, Float16(amax / 127).bitPattern, "2^\(exponent) block \(b)")
                let d = Float(Float16(bitPattern: stored))
                guard d.isFinite, d > 0 else { continue }
                let exactD = amax / 127
                for j in 0..<32 {
                    let qj = Float(Int8(bitPattern: q[34 * b + 2 + j]))
                    XCTAssertEqual(qj, (block[j] * (1 / exactD)).rounded(), "2^\(exponent) [\(b),\(j)]")
                }
            }
        }
    }

    func testQ8_KQuantizerKeepsRangeAndBlockSums() {
        var rng = SplitMix64(seed: 12)
        let x = RandomRows.activations(1024, rng: &rng).map { $0 * 3 }
        let q = quantize(x, for: .q4_K)
        defer { q.deallocate() }
        for b in 0..<4 {
            let base = 292 * b
            let d = q.load(fromByteOffset: base, as: Float.self)
            XCTAssertEqual(d, x[(256 * b)..<(256 * b + 256)].map(abs).max()! / 127)
            let qs = (0..<256).map { Int(Int8(bitPattern: q[base + 4 + $0])) }
            XCTAssertTrue(qs.allSatisfy { abs($0) <= 127 })
            for g in 0..<16 {
                XCTAssertEqual(Int(q.load(fromByteOffset: base + 260 + 2 * g, as: Int16.self)), qs[(16 * g)..<(16 * g + 16)].reduce(0, +))
            }
            for j in 0..<256 { XCTAssertLessThanOrEqual(abs(Float(qs[j]) * d - x[256 * b + j]), d / 2 * 1.0001) }
        }
    }

    /// Portable int8 dots equal the f32 dot of the dequantized weights with the dequantized activations
    /// (both sides then compute the same products); AVX2 equals portable; and both are near the f32 path.
    func testIntegerDotsAgreeWithDequantizedMathAndAcrossImplementations() throws {
        var rng = SplitMix64(seed: 13)
        for type in intTypes {
            let actType = try XCTUnwrap(Kernels.activationType(for: type))
            let portable = try XCTUnwrap(Kernels.quantizedDotKernel(type, implementation: .portable))
            // Every SIMD level this CPU has (AVX-512 VNNI and AVX2 on such a CPU), each against the portable one.
            let simd = KernelImplementation.available.compactMap { level in
                Kernels.quantizedDotKernel(type, implementation: level).map { (level, $0) }
            }
            for cols in [256, 512, 4096] {
                let rows = RandomRows.make(type, rows: 3, cols: cols, rng: &rng)
                defer { rows.deallocate() }
                let x = RandomRows.activations(cols, rng: &rng)
                let xq = quantize(x, for: type)
                defer { xq.deallocate() }
                var xdeq = [Float](repeating: 0, count: cols), wdeq = [Float](repeating: 0, count: cols)
                Kernels.dequantize(type: actType, src: xq.baseAddress!, count: cols, into: &xdeq)
                let rowBytes = type.byteCount(for: cols)!
                for r in 0..<3 {
                    let row = UnsafeRawPointer(rows.baseAddress! + r * rowBytes)
                    Kernels.dequantize(type: type, src: row, count: cols, into: &wdeq)
                    var want = 0.0, scale = 0.0
                    for c in 0..<cols { want += Double(wdeq[c]) * Double(xdeq[c]); scale += abs(Double(wdeq[c]) * Double(x[c])) }
                    let p = portable(row: row, xq: xq.baseAddress!, count: cols)
                    XCTAssertLessThanOrEqual(abs(Double(p) - want), 1e-5 * scale + 1e-6, "\(type) cols \(cols) portable \(p) vs \(want)")
                    for (level, kernel) in simd {
                        let a = kernel(row: row, xq: xq.baseAddress!, count: cols)
                        XCTAssertLessThanOrEqual(abs(Double(a) - Double(p)), 1e-5 * scale + 1e-6, "\(type) cols \(cols) \(level) \(a) vs \(p)")
                    }
                    let f32 = x.withUnsafeBufferPointer { Kernels.dot(type: type, row: row, x: $0.baseAddress!, count: cols) }
                    XCTAssertLessThanOrEqual(abs(Double(p) - Double(f32)), 1e-2 * scale, "\(type) int8 path far from f32 path")
                }
            }
        }
        if Kernels.dotKernel(.q8_0, implementation: simdImplementation) != nil {
            XCTAssertTrue(intTypes.allSatisfy { Kernels.quantizedDotKernel($0, implementation: simdImplementation) != nil })
        }
    }

    func testQuantizedMatvecEqualsPerRowDots() throws {
        var rng = SplitMix64(seed: 14)
        let pool = ThreadPool(threads: 2)
        for type in intTypes {
            let rows = 29, cols = 512
            let weights = RandomRows.make(type, rows: rows, cols: cols, rng: &rng)
            defer { weights.deallocate() }
            let xq = quantize(RandomRows.activations(cols, rng: &rng), for: type)
            defer { xq.deallocate() }
            let kernel = try XCTUnwrap(Kernels.quantizedDotKernel(type))
            let rowBytes = type.byteCount(for: cols)!
            let want = (0..<rows).map { kernel(row: weights.baseAddress! + $0 * rowBytes, xq: xq.baseAddress!, count: cols) }
            for p in [nil, pool] {
                var out = [Float](repeating: .nan, count: rows)
                Kernels.matvec(type: type, weights: weights.baseAddress!, rows: rows, cols: cols, xq: xq.baseAddress!, out: &out, pool: p)
                XCTAssertEqual(out.map(\.bitPattern), want.map(\.bitPattern), "\(type)")
            }
        }
    }

    /// A diverged model's NaN or infinite activations quantize to zeros or finite junk, never to undefined
    /// conversions (under UBSan these would trap); the dot then stays a number or NaN, without crashing.
    func testNonFiniteActivationsQuantizeSafely() {
        var x = [Float](repeating: 1, count: 256)
        x[3] = .nan; x[40] = .infinity; x[41] = -.infinity
        for type: GGMLType in [.q8_0, .q4_K] {
            let q = quantize(x, for: type)
            defer { q.deallocate() }
            let base = type == .q8_0 ? 2 : 4
            XCTAssertEqual(Int8(bitPattern: q[base + 3]), 0, "\(type)")
        }
    }

    /// The AVX2 quantizers write the portable quantizers' bytes exactly: random magnitudes, exact halves
    /// (round half away from zero), values that round past ±127, zeros, infinities and NaN.
    func testSIMDQuantizersEqualPortable() {
        var rng = SplitMix64(seed: 23)
        var x: [Float] = []
        for exponent in stride(from: -20, through: 20, by: 4) {
            let m = Float(sign: .plus, exponent: exponent, significand: 1)
            x += (0..<256).map { _ in Float.random(in: -1...1, using: &rng) * m }
        }
        // Blocks whose largest value is 127, so the others are exact halves .5 after scaling.
        x += (0..<256).map { i in i % 32 == 0 ? 127 : Float(i % 64) - 31.5 }
        x += [Float](repeating: 0, count: 256)
        var special = (0..<256).map { _ in Float.random(in: -3...3, using: &rng) }
        special[3] = .nan; special[40] = .infinity; special[77] = -.infinity; special[100] = .nan
        x += special
        for type in [GGMLType.q8_0, .q4_K] {
            let bytes = Kernels.activationByteCount(for: type, count: x.count)!
            var results: [[UInt8]] = []
            for impl in [KernelImplementation.portable, .best] {
                var out = [UInt8](repeating: 0xAA, count: bytes)
                x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBytes {
                    Kernels.quantizeActivations(xp.baseAddress!, count: x.count, for: type, into: $0.baseAddress!, implementation: impl)
                } }
                results.append(out)
            }
            XCTAssertTrue(results[0] == results[1], "\(type): SIMD and portable activation bytes differ")
        }
    }
}
