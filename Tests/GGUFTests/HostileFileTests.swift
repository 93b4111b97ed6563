import Base
import Foundation
import GGUF
import XCTest

/// Malformed files, one defect each, made by hand: every one must give its own typed error, never a crash.
final class HostileFileTests: XCTestCase {
    func error(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> GGUFError? {
        do {
            _ = try GGUFFile(bytes: bytes)
            XCTFail("parsed a malformed file", file: file, line: line)
            return nil
        } catch let error as GGUFError {
            XCTAssertFalse(error.description.isEmpty, file: file, line: line)
            return error
        } catch {
            XCTFail("not a GGUFError: \(error)", file: file, line: line)
            return nil
        }
    }

    func testHeaderDefects() {
        var b = GGUFBuilder.valid()
        b.bytes[0] = UInt8(ascii: "X")
        guard case .badMagic? = error(b.bytes) else { return XCTFail("bad magic") }

        for version: UInt32 in [0, 1, 4, 0xFFFF_FFFF] {
            var v = GGUFBuilder(); v.header(version: version, tensors: 0, keys: 0)
            XCTAssertEqual(error(v.bytes), .unsupportedVersion(version))
        }
        var swapped = GGUFBuilder(); swapped.header(version: UInt32(3).byteSwapped, tensors: 0, keys: 0)
        XCTAssertEqual(error(swapped.bytes), .bigEndian(version: 3))

        var tensors = GGUFBuilder(); tensors.header(tensors: .max, keys: 0)
        guard case let .countTooLarge(what, count, _, _)? = error(tensors.bytes) else { return XCTFail("tensor count") }
        XCTAssertEqual(what, "the tensor count"); XCTAssertEqual(count, .max)

        var keys = GGUFBuilder(); keys.header(tensors: 0, keys: 1 << 40)
        guard case .countTooLarge(what: "the metadata count", _, _, _)? = error(keys.bytes) else { return XCTFail("kv count") }
    }

    func testMetadataDefects() {
        // Trailing zeros keep the counts plausible, so the parser gets as far as the defect.
        let tail = [UInt8](repeating: 0, count: 32)
        var longKey = GGUFBuilder(); longKey.header(tensors: 0, keys: 1); longKey.u64(.max); longKey.bytes += tail
        guard case .stringTooLong(what: "metadata key #0", length: .max, _, _)? = error(longKey.bytes) else { return XCTFail("key length") }

        var longValue = GGUFBuilder(); longValue.header(tensors: 0, keys: 1); longValue.string("k"); longValue.u32(8); longValue.u64(1 << 50)
        guard case .stringTooLong(what: "the string value of k", _, _, _)? = error(longValue.bytes) else { return XCTFail("value length") }

        var longArray = GGUFBuilder(); longArray.header(tensors: 0, keys: 1); longArray.string("a"); longArray.u32(9)
        longArray.u32(6); longArray.u64(1 << 61)
        guard case .countTooLarge(what: "the length of array a", _, _, _)? = error(longArray.bytes) else { return XCTFail("array length") }

        var badType = GGUFBuilder(); badType.header(tensors: 0, keys: 1); badType.string("k"); badType.u32(13); badType.u32(0)
        XCTAssertEqual(error(badType.bytes), .unknownValueType(key: "k", typeID: 13, offset: 33))

        var badElement = GGUFBuilder(); badElement.header(tensors: 0, keys: 1); badElement.string("k"); badElement.u32(9)
        badElement.u32(77); badElement.u64(1)
        guard case .unknownValueType(key: "k", typeID: 77, _)? = error(badElement.bytes) else { return XCTFail("element type") }

        // 40 levels of arrays, each holding one array: without a depth limit this recursion is unbounded.
        var deep = GGUFBuilder(); deep.header(tensors: 0, keys: 1); deep.string("deep"); deep.u32(9)
        for _ in 0..<40 { deep.u32(9); deep.u64(1) }
        deep.u32(0); deep.u64(0)
        guard case .nestingTooDeep(key: "deep", _)? = error(deep.bytes) else { return XCTFail("nesting") }

        var dup = GGUFBuilder(); dup.header(tensors: 0, keys: 2); dup.keyU32("x", 1); dup.keyU32("x", 2)
        XCTAssertEqual(error(dup.bytes), .duplicateKey("x"))

        var truncatedValue = GGUFBuilder(); truncatedValue.header(tensors: 0, keys: 1); truncatedValue.string("k"); truncatedValue.u32(4); truncatedValue.u8(1)
        guard case .truncated(what: "the value of k", _, needed: 4, available: 1)? = error(truncatedValue.bytes) else { return XCTFail("short value") }
    }

    func testAlignmentDefects() {
        for bad: UInt32 in [0, 3, 48] {
            XCTAssertEqual(error(GGUFBuilder.valid(alignment: bad).bytes), .badAlignment(UInt64(bad)), "\(bad)")
        }
        var wrongType = GGUFBuilder(); wrongType.header(tensors: 0, keys: 1); wrongType.keyString("general.alignment", "32")
        XCTAssertEqual(error(wrongType.bytes), .wrongValueType(key: "general.alignment", expected: "uint32", found: "string"))
    }

    /// A file with one tensor info of the given fields and enough data after it for a sane tensor.
    func oneTensor(name: String = "t", dims: [UInt64], type: UInt32 = 0, offset: UInt64 = 0, second: String? = nil) -> [UInt8] {
        var b = GGUFBuilder(); b.header(tensors: second == nil ? 1 : 2, keys: 0)
        b.tensor(name, dims: dims, type: type, offset: offset)
        if let second { b.tensor(second, dims: [4], type: 0, offset: 32) }
        b.pad(to: 32); b.bytes += [UInt8](repeating: 0, count: 64)
        return b.bytes
    }

    func testTensorInfoDefects() {
        XCTAssertEqual(error(oneTensor(dims: [1, 1, 1, 1, 1])), .tooManyDimensions(tensor: "t", count: 5, offset: 33))
        XCTAssertEqual(error(oneTensor(dims: [1 << 62, 8])), .dimensionsOverflow(tensor: "t", dimensions: [1 << 62, 8]))
        XCTAssertEqual(error(oneTensor(dims: [.max])), .dimensionsOverflow(tensor: "t", dimensions: [.max]))
        guard case .unknownTensorType(tensor: "t", typeID: 99, _)? = error(oneTensor(dims: [4], type: 99)) else { return XCTFail("type") }
        guard case .unknownTensorType(tensor: "t", typeID: 4, _)? = error(oneTensor(dims: [32], type: 4)) else { return XCTFail("removed type 4") }
        XCTAssertEqual(error(oneTensor(dims: [33, 2], type: 8)), .rowNotBlockAligned(tensor: "t", rowLength: 33, type: "Q8_0", blockSize: 32))
        XCTAssertEqual(error(oneTensor(dims: [4], offset: 8)), .misalignedTensor(tensor: "t", offset: 8, alignment: 32))
        guard case .tensorOutOfBounds(tensor: "t", _, byteCount: 16, _)? = error(oneTensor(dims: [4], offset: 1024)) else { return XCTFail("past end") }
        guard case .tensorOutOfBounds(tensor: "t", _, _, _)? = error(oneTensor(dims: [4], offset: UInt64.max & ~31)) else { return XCTFail("huge offset") }
        // Data that starts inside the file but runs past its end.
        guard case .tensorOutOfBounds(tensor: "t", _, byteCount: 4096, _)? = error(oneTensor(dims: [1024])) else { return XCTFail("runs past end") }
        XCTAssertEqual(error(oneTensor(name: "t", dims: [4], second: "t")), .duplicateTensor("t"))
        var longName = GGUFBuilder(); longName.header(tensors: 1, keys: 0); longName.u64(1 << 40)
        longName.bytes += [UInt8](repeating: 0, count: 32)
        guard case .stringTooLong(what: "the name of tensor #0", _, _, _)? = error(longName.bytes) else { return XCTFail("name length") }
    }

    /// Every prefix of a valid file is rejected (the hand-made file in full, gguf-py's file up to the end of
    /// its tensor table and then every 97th byte of its data).
    func testEveryTruncationIsAnError() throws {
        let small = GGUFBuilder.valid().bytes
        for length in 0..<small.count { _ = error(Array(small.prefix(length))) }
        let big = try Fixtures.bytes(Fixtures.types)
        let dataStart = try GGUFFile(url: Fixtures.types).dataOffset
        for length in Array(0..<dataStart) + Array(stride(from: dataStart, to: big.count, by: 97)) {
            guard let e = error(Array(big.prefix(length))) else { continue }
            switch e {
            case .truncated, .stringTooLong, .countTooLarge, .tensorOutOfBounds: break
            default: XCTFail("prefix \(length): unexpected \(e)")
            }
        }
    }

    func testFilesThatCannotBeOpened() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-tests-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty.gguf")
        FileManager.default.createFile(atPath: empty.path, contents: Data())
        XCTAssertThrowsError(try GGUFFile(url: empty)) {
            guard case .truncated(what: "the magic", offset: 0, needed: 4, available: 0)? = $0 as? GGUFError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try GGUFFile(url: dir.appendingPathComponent("missing.gguf"))) {
            guard case let .cannotOpen(path, reason)? = $0 as? GGUFError else { return XCTFail("\($0)") }
            XCTAssertTrue(path.hasSuffix("missing.gguf")); XCTAssertTrue(reason.contains("No such file"), reason)
        }
        XCTAssertThrowsError(try GGUFFile(url: dir)) {
            XCTAssertEqual($0 as? GGUFError, .cannotOpen(path: dir.path, reason: "not a regular file"))
        }
    }
}
