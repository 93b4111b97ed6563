import Foundation

/// How a key type is laid out in LMDB. Integers are big-endian so byte order is numeric order.
public protocol KeyCodec {
    associatedtype Value
    static func encode(_ value: Value) -> [UInt8]
    static func decode(_ bytes: UnsafeRawBufferPointer) throws -> Value
}

/// How a value type is laid out in LMDB.
public protocol ValueCodec {
    associatedtype Value
    static func encode(_ value: Value) throws -> [UInt8]
    static func decode(_ bytes: UnsafeRawBufferPointer) throws -> Value
}

/// UTF-8 strings, ordered bytewise.
public enum StringCodec: KeyCodec, ValueCodec {
    public static func encode(_ value: String) -> [UInt8] { Array(value.utf8) }
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

/// Raw bytes, stored as they are.
public enum BytesCodec: KeyCodec, ValueCodec {
    public static func encode(_ value: [UInt8]) -> [UInt8] { value }
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] { Array(bytes) }
}

/// Unsigned 64-bit integers, big-endian.
public enum UInt64Codec: KeyCodec, ValueCodec {
    public static func encode(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> UInt64 {
        guard bytes.count == 8 else { throw StorageError.corruptValue(database: "?", reason: "u64 of \(bytes.count) bytes") }
        var v: UInt64 = 0
        for b in bytes { v = v << 8 | UInt64(b) }
        return v
    }
}

/// Any Codable value, as JSON. Simple and debuggable; hot tables use hand-made codecs instead.
public enum JSONCodec<T: Codable>: ValueCodec {
    public static func encode(_ value: T) throws -> [UInt8] { Array(try JSONEncoder().encode(value)) }
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(bytes)) }
        catch { throw StorageError.corruptValue(database: "\(T.self)", reason: "\(error)") }
    }
}

/// No value: the key alone carries the fact (sets, edge lists).
public enum UnitCodec: ValueCodec {
    public static func encode(_ value: Void) -> [UInt8] { [] }
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws {}
}
