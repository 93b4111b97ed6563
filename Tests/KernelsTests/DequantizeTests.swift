import Base
import CKernels
import Kernels
import XCTest

/// Our dequantization must give exactly gguf-py's numbers: it is the definition every other kernel is
/// checked against.
final class DequantizeTests: XCTestCase {
    func testEveryFixtureTypeMatchesGGUFPyExactly() throws {
        let fixture = try TypeFixture.load()
        XCTAssertEqual(fixture.manifest.tensors.count, 11, "one tensor per type")
        for entry in fixture.manifest.tensors {
            let type = try fixture.type(of: entry)
            XCTAssertTrue(Kernels.supports(type), "\(type)")
            XCTAssertEqual(type.byteCount(for: entry.count), entry.byte_count, "\(type) byte size")
            var out = [Float](repeating: .nan, count: entry.count)
            fixture.withBytes(entry) { Kernels.dequantize(type: type, src: $0, count: entry.count, into: &out) }
            var mismatches = 0
            for i in 0..<entry.count where out[i].bitPattern != fixture.expected[entry.offset + i].bitPattern {
                if mismatches < 3 {
                    XCTFail("\(type)[\(i)]: ours \(out[i]) vs gguf-py \(fixture.expected[entry.offset + i])")
                }
                mismatches += 1
            }
            XCTAssertEqual(mismatches, 0, "\(type): \(mismatches) values differ from gguf-py")
        }
    }

    /// SIMD dequantization is bit-identical to the portable code (not just close): BLAS slabs and any
    /// reference comparison then see the same numbers whichever CPU ran them.
    func testSIMDDequantizationIsBitIdenticalToPortable() throws {
        var rng = SplitMix64(seed: 5)
        var checked: [GGMLType] = []
        for type in Kernels.supportedTypes {
            guard qk_dequant_kernel_impl(type.rawValue, UInt32(QK_IMPL_AVX2)) != nil else { continue }
            let cols = 1024, rows = RandomRows.make(type, rows: 4, cols: 1024, rng: &rng)
            defer { rows.deallocate() }
            var a = [Float](repeating: 0, count: 4 * cols), b = [Float](repeating: 1, count: 4 * cols)
            Kernels.dequantize(type: type, src: rows.baseAddress!, count: 4 * cols, into: &a, implementation: .portable)
            Kernels.dequantize(type: type, src: rows.baseAddress!, count: 4 * cols, into: &b, implementation: simdImplementation)
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "\(type)")
            checked.append(type)
        }
        if Kernels.dotKernel(.q8_0, implementation: simdImplementation) != nil {
            XCTAssertEqual(Set(checked), [.f16, .bf16, .q4_0, .q5_0, .q8_0, .q4_K, .q5_K, .q6_K])
        }
    }

    /// Every one of the 65,536 half-precision bit patterns converts exactly as Swift's Float16 does.
    func testHalfConversionIsExactForAllPatterns() {
        let halves = (0...UInt16.max).map { $0 }
        var out = [Float](repeating: 0, count: halves.count)
        halves.withUnsafeBytes { Kernels.dequantize(type: .f16, src: $0.baseAddress!, count: halves.count, into: &out) }
        for (i, h) in halves.enumerated() {
            let want = Float(Float16(bitPattern: h))
            if want.isNaN {
                XCTAssertTrue(out[i].isNaN, "0x\(String(h, radix: 16))")
            } else if out[i].bitPattern != want.bitPattern {
                XCTFail("half 0x\(String(h, radix: 16)): \(out[i]) vs \(want)")
                return
            }
        }
    }

    func testQ8KDequantizesAsScaleTimesQuant() {
        var block = qk_block_q8_K()
        block.d = 0.25
        withUnsafeMutableBytes(of: &block.qs) { qs in for i in 0..<256 { qs[i] = UInt8(bitPattern: Int8(truncatingIfNeeded: i - 128)) } }
        var out = [Float](repeating: 0, count: 256)
        withUnsafeBytes(of: &block) { Kernels.dequantize(type: .q8_K, src: $0.baseAddress!, count: 256, into: &out) }
        for i in 0..<256 { XCTAssertEqual(out[i], 0.25 * Float(i - 128)) }
    }

    /// The Swift table and the C structs agree on every block size, so byte offsets computed in Swift land on
    /// block boundaries in C.
    func testTypeTableMatchesCBlockStructs() {
        XCTAssertEqual(GGMLType.q4_0.typeSize, MemoryLayout<qk_block_q4_0>.size)
        XCTAssertEqual(GGMLType.q4_1.typeSize, MemoryLayout<qk_block_q4_1>.size)
        XCTAssertEqual(GGMLType.q5_0.typeSize, MemoryLayout<qk_block_q5_0>.size)
        XCTAssertEqual(GGMLType.q5_1.typeSize, MemoryLayout<qk_block_q5_1>.size)
        XCTAssertEqual(GGMLType.q8_0.typeSize, MemoryLayout<qk_block_q8_0>.size)
        XCTAssertEqual(GGMLType.q4_K.typeSize, MemoryLayout<qk_block_q4_K>.size)
        XCTAssertEqual(GGMLType.q5_K.typeSize, MemoryLayout<qk_block_q5_K>.size)
        XCTAssertEqual(GGMLType.q6_K.typeSize, MemoryLayout<qk_block_q6_K>.size)
        XCTAssertEqual(GGMLType.q8_K.typeSize, MemoryLayout<qk_block_q8_K>.size)
        XCTAssertEqual(GGMLType.q4_K.byteCount(for: 512), 288)
        XCTAssertNil(GGMLType.q4_K.byteCount(for: 100), "not a whole block")
        XCTAssertEqual(GGMLType(name: "q6_k"), .q6_K)
        for type in Kernels.supportedTypes { XCTAssertTrue(Kernels.supports(type), "\(type)") }
        XCTAssertFalse(Kernels.supports(.iq2_xxs))
    }
}
