/// A bounds-checked little-endian cursor over the file's bytes.
///
/// Every read checks the bytes left first and throws `truncated` naming what was being read, so no
/// malformed length or count can make the parser read outside the mapping.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    /// Throws unless `count` more bytes are available for `what`.
    func need(_ count: Int, _ what: @autoclosure () -> String) throws {
        guard count >= 0, count <= remaining else {
            throw GGUFError.truncated(what: what(), offset: offset, needed: count, available: remaining)
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try need(MemoryLayout<T>.size, what())
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func readFloat(_ what: @autoclosure () -> String) throws -> Float {
        Float(bitPattern: try read(UInt32.self, what()))
    }

    mutating func readDouble(_ what: @autoclosure () -> String) throws -> Double {
        Double(bitPattern: try read(UInt64.self, what()))
    }

    /// A GGUF string: a uint64 byte length, then that many UTF-8 bytes (invalid sequences are replaced).
    mutating func readString(_ what: @autoclosure () -> String) throws -> String {
        let start = offset
        let length = try read(UInt64.self, what())
        guard length <= UInt64(remaining) else {
            throw GGUFError.stringTooLong(what: what(), length: length, offset: start, available: remaining)
        }
        let count = Int(length)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
        offset += count
        return String(decoding: slice, as: UTF8.self)
    }

    /// A uint64 count of items each taking at least `minimumSize` bytes, bounded by the bytes left,
    /// so a hostile count can neither make us reserve huge arrays nor loop for long.
    mutating func readCount(minimumSize: Int, _ what: @autoclosure () -> String) throws -> Int {
        let start = offset
        let count = try read(UInt64.self, what())
        let limit = remaining / max(1, minimumSize)
        guard count <= UInt64(limit) else {
            throw GGUFError.countTooLarge(what: what(), count: count, offset: start, limit: limit)
        }
        return Int(count)
    }
}
