import Base
import Foundation
import GGUF
import XCTest

/// Deterministic mutation fuzzing of the reader: flipped bytes and truncations of gguf-py's files must only
/// ever throw a GGUFError or parse into a file whose every tensor lies inside the bytes.
/// (For open-ended fuzzing, the same check can be driven by libFuzzer: a C entry point
/// LLVMFuzzerTestOneInput calling into `GGUFFile(bytes:)`, built with the toolchain's `clang -fsanitize=fuzzer`;
/// not wired into the package, as it needs a separate build.)
final class FuzzTests: XCTestCase {
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
    }

    func fuzz(_ url: URL, iterations: Int, seed: UInt64) throws -> (parsed: Int, rejected: Int) {
        let original = try Fixtures.bytes(url)
        // Mutations mostly hit the header, where every byte steers the parser; data bytes matter less.
        let headerEnd = try GGUFFile(url: url).dataOffset
        var rng = Rng(state: seed)
        var parsed = 0, rejected = 0
        for _ in 0..<iterations {
            var bytes = original
            for _ in 0..<(1 + rng.below(8)) {
                let at = rng.below(10) < 9 ? rng.below(headerEnd) : rng.below(bytes.count)
                switch rng.below(4) {
                case 0: bytes[at] ^= UInt8(1 << rng.below(8))
                case 1: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                // Extreme values are what length and count fields are most fragile to.
                case 2: bytes[at] = [0x00, 0xFF, 0x7F, 0x80][rng.below(4)]
                default: bytes[at] = bytes[rng.below(bytes.count)]
                }
            }
            if rng.below(4) == 0 { bytes.removeLast(rng.below(bytes.count)) }
            do {
                let file = try GGUFFile(bytes: bytes)
                var sum = 0
                for tensor in file.tensors {
                    let data = file.tensorData(tensor)
                    XCTAssertEqual(data.count, tensor.byteCount)
                    if let first = data.first, let last = data.last { sum &+= Int(first) &+ Int(last) }
                }
                _ = GGUFModelSummary(file)
                _ = file.metadata.map { "\($0.value)" }
                parsed += 1
                _ = sum
            } catch is GGUFError {
                rejected += 1
            }
        }
        return (parsed, rejected)
    }

    func testMutatedTypeFixture() throws {
        let result = try fuzz(Fixtures.types, iterations: 3000, seed: 42)
        // Both outcomes must occur, or the mutations are not exercising the reader.
        XCTAssertGreaterThan(result.parsed, 50)
        XCTAssertGreaterThan(result.rejected, 500)
    }

    func testMutatedTinyModel() throws {
        let result = try fuzz(Fixtures.tinyMoE, iterations: 1500, seed: 7)
        XCTAssertGreaterThan(result.rejected, 200)
    }
}
