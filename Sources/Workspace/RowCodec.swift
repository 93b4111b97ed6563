import Foundation
import Storage
import Syntax

/// A compact binary layout for the per-file row arrays, the bulk of the store.
///
/// JSON was the first layout; on a 6000-file tree its encoder was a tenth of indexing time and the store
/// was seven times the sources. Integers are LEB128 varints, strings length-prefixed UTF-8, optionals a
/// 0/1 byte, enums their raw value string. Every layout starts with a version byte, so a change of layout
/// reads as corrupt (and the schema version in `meta` is bumped with it).
protocol BinaryRow {
    func write(to w: inout RowWriter)
    init(from r: inout RowReader) throws
}

struct RowWriter {
    var bytes: [UInt8] = []

    mutating func int(_ v: Int) {
        // Zig-zag, so the rare negative value (a missing index) stays small.
        var u = UInt64(bitPattern: Int64(v) << 1 ^ Int64(v) >> 63)
        while u >= 0x80 { bytes.append(UInt8(u & 0x7F) | 0x80); u >>= 7 }
        bytes.append(UInt8(u))
    }

    /// Appends the UTF-8 in place: a copy of it in an array of its own, per name and path of every row, was
    /// a malloc and a free each.
    mutating func string(_ s: String) { int(s.utf8.count); bytes.append(contentsOf: s.utf8) }
    mutating func bool(_ b: Bool) { bytes.append(b ? 1 : 0) }
    mutating func optionalString(_ s: String?) { bool(s != nil); if let s { string(s) } }
    mutating func optionalInt(_ v: Int?) { bool(v != nil); if let v { int(v) } }
    /// The IEEE bits, little-endian: a value read back is the same `Double`, bit for bit.
    mutating func double(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
    /// Six plain calls, not a loop over an array literal, which allocated an array per range.
    mutating func range(_ r: TextRange) {
        int(r.startByte); int(r.endByte); int(r.start.row); int(r.start.column); int(r.end.row); int(r.end.column)
    }
}

struct RowReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw StorageError.corruptValue(database: "rows", reason: "truncated row") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func int() throws -> Int {
        var u: UInt64 = 0, shift: UInt64 = 0
        while true {
            let b = try byte()
            u |= UInt64(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
            if shift > 63 { throw StorageError.corruptValue(database: "rows", reason: "varint too long") }
        }
        return Int(Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1))
    }

    mutating func string() throws -> String {
        let n = try int()
        guard n >= 0, offset + n <= bytes.count else { throw StorageError.corruptValue(database: "rows", reason: "bad string length") }
        defer { offset += n }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n]), as: UTF8.self)
    }

    mutating func bool() throws -> Bool { try byte() != 0 }
    mutating func optionalString() throws -> String? { try bool() ? try string() : nil }
    mutating func optionalInt() throws -> Int? { try bool() ? try int() : nil }
    mutating func double() throws -> Double {
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(try byte()) << (8 * UInt64(i)) }
        return Double(bitPattern: bits)
    }
    mutating func range() throws -> TextRange {
        let a = try int(), b = try int(), c = try int(), d = try int(), e = try int(), f = try int()
        return TextRange(startByte: a, endByte: b, start: SyntaxPoint(row: c, column: d), end: SyntaxPoint(row: e, column: f))
    }
    mutating func raw<E: RawRepresentable>(_ type: E.Type) throws -> E where E.RawValue == String {
        let s = try string()
        guard let v = E(rawValue: s) else { throw StorageError.corruptValue(database: "rows", reason: "unknown \(E.self) \(s)") }
        return v
    }
}

/// An array of `BinaryRow`s as one LMDB value.
enum RowArrayCodec<T: BinaryRow>: ValueCodec {
    static var version: UInt8 { 1 }

    static func encode(_ value: [T]) throws -> [UInt8] {
        var w = RowWriter()
        w.bytes.reserveCapacity(16 + value.count * 48)
        w.bytes.append(version)
        w.int(value.count)
        for row in value { row.write(to: &w) }
        return w.bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) throws -> [T] {
        var r = RowReader(bytes: bytes)
        guard try r.byte() == version else { throw StorageError.corruptValue(database: "rows", reason: "unknown row layout") }
        let n = try r.int()
        guard n >= 0, n <= bytes.count else { throw StorageError.corruptValue(database: "rows", reason: "bad row count") }
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try T(from: &r)) }
        return out
    }
}

/// One `BinaryRow` as one LMDB value (the `files` table's records).
enum RowCodec<T: BinaryRow>: ValueCodec {
    static var version: UInt8 { 1 }

    static func encode(_ value: T) throws -> [UInt8] {
        var w = RowWriter()
        w.bytes.reserveCapacity(96)
        w.bytes.append(version)
        value.write(to: &w)
        return w.bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) throws -> T {
        var r = RowReader(bytes: bytes)
        guard try r.byte() == version else { throw StorageError.corruptValue(database: "rows", reason: "unknown row layout") }
        return try T(from: &r)
    }
}

extension FileRecord: BinaryRow {
    func write(to w: inout RowWriter) {
        w.string(path); w.string(language); w.string(hash); w.int(size); w.double(mtime); w.int(parseErrors)
    }

    init(from r: inout RowReader) throws {
        self.init(path: try r.string(), language: try r.string(), hash: try r.string(), size: try r.int(),
                  mtime: try r.double(), parseErrors: try r.int())
    }
}

extension SymbolRow: BinaryRow {
    func write(to w: inout RowWriter) {
        w.string(name); w.string(kind.rawValue); w.range(range); w.range(selection)
        w.optionalString(container); w.optionalInt(parent); w.optionalString(doc)
    }

    init(from r: inout RowReader) throws {
        self.init(name: try r.string(), kind: try r.raw(SymbolKind.self), range: try r.range(), selection: try r.range(),
                  container: try r.optionalString(), parent: try r.optionalInt(), doc: try r.optionalString())
    }
}

extension OccurrenceRow: BinaryRow {
    func write(to w: inout RowWriter) { w.string(name); w.string(kind.rawValue); w.range(range); w.optionalInt(enclosing) }

    init(from r: inout RowReader) throws {
        self.init(name: try r.string(), kind: try r.raw(ReferenceKind.self), range: try r.range(), enclosing: try r.optionalInt())
    }
}

extension ImportRow: BinaryRow {
    func write(to w: inout RowWriter) {
        w.string(module); w.int(names.count); names.forEach { w.string($0) }; w.bool(isSubmodule)
        w.range(range); w.range(moduleRange); w.int(targets.count); targets.forEach { w.string($0) }
    }

    init(from r: inout RowReader) throws {
        let module = try r.string()
        let names = try (0..<max(0, try r.int())).map { _ in try r.string() }
        let isSubmodule = try r.bool()
        let range = try r.range(), moduleRange = try r.range()
        let targets = try (0..<max(0, try r.int())).map { _ in try r.string() }
        self.init(module: module, names: names, isSubmodule: isSubmodule, range: range, moduleRange: moduleRange, targets: targets)
    }
}
