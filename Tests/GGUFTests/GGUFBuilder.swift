import Foundation

/// Writes GGUF bytes by hand, so tests can make exactly the malformed file they mean to.
/// Each method appends raw little-endian fields; nothing is validated.
struct GGUFBuilder {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func string(_ s: String) { u64(UInt64(s.utf8.count)); bytes += Array(s.utf8) }
    /// Pads with zeros to a multiple of `alignment` (nothing for a non-positive one, which bad-alignment tests use).
    mutating func pad(to alignment: Int) { while alignment > 0, bytes.count % alignment != 0 { bytes.append(0) } }

    /// Magic, version and the two counts.
    mutating func header(version: UInt32 = 3, tensors: UInt64, keys: UInt64) {
        u32(0x4655_4747); u32(version); u64(tensors); u64(keys)
    }

    mutating func keyU32(_ key: String, _ v: UInt32) { string(key); u32(4); u32(v) }
    mutating func keyString(_ key: String, _ v: String) { string(key); u32(8); string(v) }

    /// A tensor info: name, dims (GGML order), type id, offset.
    mutating func tensor(_ name: String, dims: [UInt64], type: UInt32, offset: UInt64) {
        string(name); u32(UInt32(dims.count)); dims.forEach { u64($0) }; u32(type); u64(offset)
    }

    /// A well-formed file with one F32 tensor "w" of `[4, 2]` and its 32 bytes of data.
    static func valid(alignment: UInt32? = nil) -> GGUFBuilder {
        var b = GGUFBuilder()
        b.header(tensors: 1, keys: alignment == nil ? 1 : 2)
        b.keyString("general.architecture", "test")
        if let alignment { b.keyU32("general.alignment", alignment) }
        b.tensor("w", dims: [4, 2], type: 0, offset: 0)
        b.pad(to: Int(alignment ?? 32))
        for i in 0..<8 { withUnsafeBytes(of: Float(i).bitPattern.littleEndian) { b.bytes += $0 } }
        return b
    }
}
