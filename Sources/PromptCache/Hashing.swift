// Stable hashes for block identity and payload checksums.
// Swift's `Hasher` is seeded per process, so nothing it produces may reach the disk; these functions give the
// same answer in every process, on every run, on every machine.

/// A 128-bit hash value: the identity of a block chain, and the digest of a model fingerprint.
public struct Hash128: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The 16 bytes, big-endian, so that byte order (LMDB key order) equals numeric order.
    public var bigEndianBytes: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(16)
        appendBigEndian(high, to: &bytes)
        appendBigEndian(low, to: &bytes)
        return bytes
    }

    /// Reads 16 big-endian bytes; nil when there are not exactly 16.
    public init?(bigEndianBytes bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for (i, b) in bytes.enumerated() {
            if i < 8 { high = high << 8 | UInt64(b) } else { low = low << 8 | UInt64(b) }
        }
        self.init(high: high, low: low)
    }

    public var description: String {
        let h = String(high, radix: 16), l = String(low, radix: 16)
        return String(repeating: "0", count: 16 - h.count) + h + String(repeating: "0", count: 16 - l.count) + l
    }

    public static func < (a: Hash128, b: Hash128) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

/// FNV-1a with 128-bit state (the published offset basis and prime, 2^88 + 0x13B).
/// Used for chain hashes: the inputs are short (a block's token ids) and the 128 bits make accidental
/// collisions between blocks negligible even across millions of cached blocks.
public struct FNV1a128: Sendable {
    public private(set) var value = Hash128(high: 0x6c62_272e_07bb_0142, low: 0x62b8_2175_6295_c58d)

    public init() {}

    /// Mixes one byte in.
    @inline(__always)
    public mutating func update(_ byte: UInt8) {
        value.low ^= UInt64(byte)
        // Multiply the 128-bit state by 2^88 + 0x13B modulo 2^128: the 0x13B part as a widening multiply,
        // the 2^88 part as a shift of the low word into the high word.
        let (carry, low) = value.low.multipliedFullWidth(by: 0x13B)
        let high = value.high &* 0x13B &+ carry &+ (value.low << 24)
        value = Hash128(high: high, low: low)
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        for b in bytes { update(b) }
    }

    /// Mixes a 32-bit value in as 4 little-endian bytes.
    @inline(__always)
    public mutating func update(uint32 v: UInt32) {
        update(UInt8(truncatingIfNeeded: v))
        update(UInt8(truncatingIfNeeded: v >> 8))
        update(UInt8(truncatingIfNeeded: v >> 16))
        update(UInt8(truncatingIfNeeded: v >> 24))
    }

    public mutating func update(_ hash: Hash128) { update(hash.bigEndianBytes) }

    /// The hash of `bytes` in one call.
    public static func hash(_ bytes: some Sequence<UInt8>) -> Hash128 {
        var h = FNV1a128()
        h.update(bytes)
        return h.value
    }
}

/// xxHash64 (the reference algorithm, seed 0 unless given), used as the payload checksum.
/// KV payloads are megabytes, so the checksum must consume 8 bytes per step rather than one byte like FNV.
public enum XXH64 {
    static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* p2, 31) &* p1
    }

    @inline(__always) static func merge(_ acc: UInt64, _ val: UInt64) -> UInt64 {
        (acc ^ round(0, val)) &* p1 &+ p4
    }

    /// The checksum of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let n = bytes.count
        var i = 0
        // Loads are unaligned: LMDB values and sliced arrays carry no alignment guarantee.
        @inline(__always) func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        @inline(__always) func u32(_ at: Int) -> UInt64 { UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))) }
        var h: UInt64
        if n >= 32 {
            var v1 = seed &+ p1 &+ p2, v2 = seed &+ p2, v3 = seed, v4 = seed &- p1
            while i + 32 <= n {
                v1 = round(v1, u64(i)); v2 = round(v2, u64(i + 8))
                v3 = round(v3, u64(i + 16)); v4 = round(v4, u64(i + 24))
                i += 32
            }
            h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            h = merge(merge(merge(merge(h, v1), v2), v3), v4)
        } else {
            h = seed &+ p5
        }
        h &+= UInt64(n)
        while i + 8 <= n {
            h = rotl(h ^ round(0, u64(i)), 27) &* p1 &+ p4
            i += 8
        }
        if i + 4 <= n {
            h = rotl(h ^ (u32(i) &* p1), 23) &* p2 &+ p3
            i += 4
        }
        while i < n {
            h = rotl(h ^ (UInt64(bytes[i]) &* p5), 11) &* p1
            i += 1
        }
        h ^= h >> 33; h &*= p2
        h ^= h >> 29; h &*= p3
        h ^= h >> 32
        return h
    }

    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }
}

@inline(__always)
func appendBigEndian(_ v: UInt64, to bytes: inout [UInt8]) {
    for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
}
