/// The 13 metadata value types of GGUF, with their ids.
public enum GGUFValueType: UInt32, Sendable, CustomStringConvertible {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Bytes of one value on disk, or the least a value can take for strings (length only) and arrays
    /// (element type and count); used to bound counts by the bytes left in the file.
    var minimumSize: Int {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64, .string: 8
        case .array: 12
        }
    }

    public var description: String {
        switch self {
        case .uint8: "uint8"
        case .int8: "int8"
        case .uint16: "uint16"
        case .int16: "int16"
        case .uint32: "uint32"
        case .int32: "int32"
        case .float32: "float32"
        case .bool: "bool"
        case .string: "string"
        case .array: "array"
        case .uint64: "uint64"
        case .int64: "int64"
        case .float64: "float64"
        }
    }
}

/// An array value: its declared element type and its elements (which may themselves be arrays).
public struct GGUFArray: Equatable, Sendable {
    public let elementType: GGUFValueType
    public let values: [GGUFValue]
}

/// One metadata value, exactly as stored.
///
/// Strings are decoded as UTF-8 with invalid sequences replaced (GGUF requires UTF-8; a few converters wrote
/// raw bytes into token strings, and a reader should not reject the whole model for that).
public enum GGUFValue: Equatable, Sendable, CustomStringConvertible {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64), float32(Float), float64(Double), bool(Bool), string(String)
    case array(GGUFArray)

    /// The stored type.
    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .bool: .bool
        case .string: .string
        case .array: .array
        }
    }

    /// Any integer value that fits in Int; nil for other types and for a uint64 above Int.max.
    public var intValue: Int? {
        switch self {
        case let .uint8(v): Int(v)
        case let .int8(v): Int(v)
        case let .uint16(v): Int(v)
        case let .int16(v): Int(v)
        case let .uint32(v): Int(v)
        case let .int32(v): Int(v)
        case let .uint64(v): Int(exactly: v)
        case let .int64(v): Int(v)
        default: nil
        }
    }

    /// A float32 or float64 value, or any integer (converted); nil otherwise.
    public var doubleValue: Double? {
        switch self {
        case let .float32(v): Double(v)
        case let .float64(v): v
        default: intValue.map(Double.init)
        }
    }

    public var boolValue: Bool? { if case let .bool(v) = self { v } else { nil } }
    public var stringValue: String? { if case let .string(v) = self { v } else { nil } }
    public var arrayValue: GGUFArray? { if case let .array(v) = self { v } else { nil } }

    /// A short rendering for listings: arrays show their type and length, not their elements.
    public var description: String {
        switch self {
        case let .string(s): return "\"\(s)\""
        case let .array(a): return "[\(a.elementType); \(a.values.count)]"
        case let .bool(b): return String(b)
        case let .float32(f): return String(f)
        case let .float64(f): return String(f)
        case let .uint64(v): return String(v)
        case let .int64(v): return String(v)
        default: return intValue.map(String.init) ?? "?"
        }
    }
}
