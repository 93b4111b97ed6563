import Base
import Foundation
import Kernels
import XCTest

/// The type fixture written by scripts/gguf_make_fixtures.py: raw tensor bytes sliced from types.gguf at the
/// offsets gguf-py's reader reported, and the values gguf-py's dequantizer gives for them.
/// Read without the GGUF module, which Kernels (and so its tests) must not depend on.
struct TypeFixture {
    struct Entry: Decodable {
        let name: String
        let type: String
        let type_id: UInt32
        let shape: [Int]
        let offset: Int
        let count: Int
        let file_offset: Int
        let byte_count: Int
    }
    struct Manifest: Decodable { let tensors: [Entry]; let rows: Int; let cols: Int }

    let manifest: Manifest
    let gguf: [UInt8]
    let expected: [Float]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("GGUFTests/Fixtures")

    static func load() throws -> TypeFixture {
        let manifest = try JSONDecoder().decode(Manifest.self,
                                                from: Data(contentsOf: directory.appendingPathComponent("types.json")))
        let gguf = try [UInt8](Data(contentsOf: directory.appendingPathComponent("types.gguf")))
        let raw = try Data(contentsOf: directory.appendingPathComponent("types.dequant.f32"))
        let expected = raw.withUnsafeBytes { buffer in
            (0..<(buffer.count / 4)).map { Float(bitPattern: UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        return TypeFixture(manifest: manifest, gguf: gguf, expected: expected)
    }

    func type(of entry: Entry) throws -> GGMLType {
        try XCTUnwrap(GGMLType(rawValue: entry.type_id), "fixture type \(entry.type)")
    }

    /// Calls `body` with the tensor's bytes, copied to a 64-byte-aligned buffer as they would be in a mapping.
    func withBytes<R>(_ entry: Entry, _ body: (UnsafeRawPointer) throws -> R) rethrows -> R {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: entry.byte_count, alignment: 64)
        defer { buffer.deallocate() }
        gguf.withUnsafeBytes { src in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[entry.file_offset..<(entry.file_offset + entry.byte_count)]))
        }
        return try body(UnsafeRawPointer(buffer.baseAddress!))
    }
}


/// Random rows of a type: random bytes with the scale fields replaced by small positive halves (random bytes
/// there would be NaN or Inf as often as a real scale), and Gaussian-ish values for the float types.
enum RandomRows {
    static func make(_ type: GGMLType, rows: Int, cols: Int, rng: inout SplitMix64) -> UnsafeMutableRawBufferPointer {
        let rowBytes = type.byteCount(for: cols)!
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: rowBytes * rows, alignment: 64)
        for i in 0..<buffer.count { buffer[i] = UInt8.random(in: 0...255, using: &rng) }
        let blocks = rows * cols / type.blockSize
        func half(_ f: Float) -> UInt16 { Float16(f).bitPattern }
        func scale() -> Float { Float.random(in: 0.001...0.05, using: &rng) }
        func put16(_ value: UInt16, at offset: Int) { buffer.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt16.self) }
        switch type {
        case .f32:
            for i in 0..<(rows * cols) { buffer.storeBytes(of: Float.random(in: -1...1, using: &rng), toByteOffset: 4 * i, as: Float.self) }
        case .f16:
            for i in 0..<(rows * cols) { put16(half(Float.random(in: -1...1, using: &rng)), at: 2 * i) }
        case .bf16:
            for i in 0..<(rows * cols) { put16(UInt16(Float.random(in: -1...1, using: &rng).bitPattern >> 16), at: 2 * i) }
        case .q8_K:
            for b in 0..<blocks { buffer.storeBytes(of: scale(), toByteOffset: b * type.typeSize, as: Float.self) }
        default:
            // Offsets of the f16 scale fields inside each block (see qk_blocks.h).
            let fields: [Int]
            switch type {
            case .q4_0, .q5_0, .q8_0: fields = [0]
            case .q4_1, .q5_1, .q4_K, .q5_K: fields = [0, 2]
            case .q6_K: fields = [208]
            default: fields = []
            }
            for b in 0..<blocks { for f in fields { put16(half(scale()), at: b * type.typeSize + f) } }
        }
        return buffer
    }

    static func activations(_ count: Int, rng: inout SplitMix64) -> [Float] {
        (0..<count).map { _ in Float.random(in: -1...1, using: &rng) }
    }
}

/// The SIMD implementation the tests compare with the portable one: the best this CPU has (AVX-512, whose
/// non-dot kernels are the AVX2 ones, or AVX2 on x86-64; NEON on arm64). Where the CPU has none, `.avx2` finds
/// no kernels and those tests skip.
let simdImplementation: KernelImplementation = KernelImplementation.simd ?? .avx2
