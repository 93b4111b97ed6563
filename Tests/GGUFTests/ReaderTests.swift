import Base
import Foundation
import GGUF
import XCTest

/// Reading well-formed files written by gguf-py: every value type, the tensor table, data in place.
final class ReaderTests: XCTestCase {
    func testReadsEveryMetadataValueType() throws {
        let file = try GGUFFile(url: Fixtures.types)
        XCTAssertEqual(file.version, 3)
        XCTAssertEqual(file.architecture, "fixture")
        let m = file.metadata
        XCTAssertEqual(m["test.u8"], .uint8(200))
        XCTAssertEqual(m["test.i8"], .int8(-100))
        XCTAssertEqual(m["test.u16"], .uint16(60000))
        XCTAssertEqual(m["test.i16"], .int16(-30000))
        XCTAssertEqual(m["test.u32"], .uint32(4_000_000_000))
        XCTAssertEqual(m["test.i32"], .int32(-2_000_000_000))
        XCTAssertEqual(m["test.u64"], .uint64(1 << 63 + 5))
        XCTAssertEqual(m["test.i64"], .int64(-(1 << 62)))
        XCTAssertEqual(m["test.f32"], .float32(1.5))
        XCTAssertEqual(m["test.f64"], .float64(-2.25))
        XCTAssertEqual(m["test.bool"], .bool(true))
        XCTAssertEqual(m.string("test.string"), "héllo ✓")
        XCTAssertEqual(m.strings("test.strings"), ["a", "bc", ""])
        XCTAssertEqual(m.floats("test.floats"), [0.5, -1.0, 3.25])
        XCTAssertEqual(m.ints("test.ints"), [1, -2, 3])
        let nested = try XCTUnwrap(m.array("test.nested"))
        XCTAssertEqual(nested.elementType, .array)
        XCTAssertEqual(nested.values.map { $0.arrayValue?.values.compactMap(\.intValue) }, [[1, 2], [3], [4, 5, 6]])
        // Typed accessors convert between integer widths but never across kinds.
        XCTAssertEqual(m.int("test.u16"), 60000)
        XCTAssertNil(m.int("test.u64"), "above Int.max")
        XCTAssertNil(m.int("test.string"))
        XCTAssertEqual(m.float("test.i8"), -100)
        // File order is kept.
        XCTAssertEqual(Array(m.keys.prefix(3)), ["general.architecture", "general.name", "test.u8"])
        XCTAssertEqual(m[2].key, "test.u8")
    }

    func testRequiredKeysNameTheKey() throws {
        let m = try GGUFFile(url: Fixtures.types).metadata
        XCTAssertEqual(try m.requireInt("test.i32"), -2_000_000_000)
        XCTAssertThrowsError(try m.requireInt("nope.missing")) { XCTAssertEqual($0 as? GGUFError, .missingKey("nope.missing")) }
        XCTAssertThrowsError(try m.requireInt("test.string")) {
            XCTAssertEqual($0 as? GGUFError, .wrongValueType(key: "test.string", expected: "an integer", found: "string"))
            XCTAssertTrue("\($0)".contains("test.string"))
        }
    }

    func testTensorTableAgreesWithGGUFPy() throws {
        let file = try GGUFFile(url: Fixtures.types)
        let manifest = try Fixtures.manifest()
        let raw = try Fixtures.bytes(Fixtures.types)
        XCTAssertEqual(file.tensors.map(\.name), manifest.tensors.map(\.name))
        XCTAssertEqual(file.alignment, 32)
        for entry in manifest.tensors {
            let tensor = try XCTUnwrap(file.tensor(named: entry.name))
            XCTAssertEqual(tensor.type.name, entry.type)
            XCTAssertEqual(tensor.dimensions, entry.shape)
            XCTAssertEqual(tensor.rowLength, 512)
            XCTAssertEqual(tensor.rowCount, 4)
            XCTAssertEqual(tensor.rowByteCount * tensor.rowCount, tensor.byteCount)
            XCTAssertEqual(file.dataOffset + tensor.offset, entry.file_offset, entry.name)
            XCTAssertEqual(tensor.byteCount, entry.byte_count, entry.name)
            let data = file.tensorData(tensor)
            XCTAssertEqual(Array(data), Array(raw[entry.file_offset..<(entry.file_offset + entry.byte_count)]), entry.name)
        }
        XCTAssertThrowsError(try file.tensorData(named: "absent")) { XCTAssertEqual($0 as? GGUFError, .tensorNotFound("absent")) }
    }

    /// The data is viewed in place: two calls return the same address, inside the mapping, not a copy.
    func testTensorDataIsNotCopied() throws {
        let file = try GGUFFile(url: Fixtures.types)
        let a = try file.tensorData(named: "t.q8_0"), b = try file.tensorData(named: "t.q8_0")
        XCTAssertEqual(a.baseAddress, b.baseAddress)
        let f32 = try file.tensorData(named: "t.f32")
        XCTAssertEqual(Int(bitPattern: a.baseAddress) - Int(bitPattern: f32.baseAddress),
                       try XCTUnwrap(file.tensor(named: "t.q8_0")).offset - (try XCTUnwrap(file.tensor(named: "t.f32")).offset))
    }

    func testMemoryImageReadsLikeTheFile() throws {
        let fromFile = try GGUFFile(url: Fixtures.types)
        let fromBytes = try GGUFFile(bytes: Fixtures.bytes(Fixtures.types))
        XCTAssertEqual(fromFile.tensors, fromBytes.tensors)
        XCTAssertEqual(fromFile.metadata.keys, fromBytes.metadata.keys)
        XCTAssertEqual(Array(try fromFile.tensorData(named: "t.q6_k")), Array(try fromBytes.tensorData(named: "t.q6_k")))
    }

    /// Version 2 has the same layout as 3 (3 only added big-endian files); zero-dimensional and empty
    /// tensors are legal and take no bytes.
    func testVersion2AndDegenerateTensors() throws {
        var b = GGUFBuilder()
        b.header(version: 2, tensors: 2, keys: 0)
        b.tensor("scalar", dims: [], type: 0, offset: 0)
        b.tensor("empty", dims: [0, 7], type: 12, offset: 32)
        b.pad(to: 32)
        b.bytes += [UInt8](repeating: 0, count: 32)
        let file = try GGUFFile(bytes: b.bytes)
        XCTAssertEqual(file.version, 2)
        XCTAssertNil(file.architecture)
        let scalar = try XCTUnwrap(file.tensor(named: "scalar"))
        XCTAssertEqual(scalar.elementCount, 1)
        XCTAssertEqual(scalar.byteCount, 4)
        let empty = try XCTUnwrap(file.tensor(named: "empty"))
        XCTAssertEqual(empty.elementCount, 0)
        XCTAssertEqual(file.tensorData(empty).count, 0)
    }

    func testHandWrittenFileWithCustomAlignment() throws {
        let file = try GGUFFile(bytes: GGUFBuilder.valid(alignment: 64).bytes)
        XCTAssertEqual(file.alignment, 64)
        XCTAssertEqual(file.dataOffset % 64, 0)
        let data = try file.tensorData(named: "w")
        XCTAssertEqual(data.count, 32)
        XCTAssertEqual(data.loadUnaligned(fromByteOffset: 28, as: Float.self), 7)
    }
}
