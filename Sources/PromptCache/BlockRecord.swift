import Storage

// The LMDB layout of one block. Everything read back from disk is validated before it can become KV rows:
// a value that fails any check is reported as corrupt, never trusted and never a crash.
//
// Key (24 bytes): fingerprint id (8, big-endian) ++ chain hash (16, big-endian).
// Value: a 64-byte little-endian header, then the token ids (int32 LE each), then the payload.
//
//   offset size field
//        0    4 magic "QKVB"
//        4    2 format version (1)
//        6    1 dtype (KVDType raw value)
//        7    1 flags (0)
//        8    4 token count
//       12    4 layer count
//       16    4 row width (kvHeads*headDim)
//       20    4 depth (block index in its prompt)
//       24    8 payload byte count
//       32    8 checksum: xxHash64 of everything after the header, seeded with the xxHash64 of the
//               header's other 56 bytes, so that a damaged header field is caught like a damaged payload
//       40   16 parent chain hash, big-endian (zero for block 0)
//       56    8 reserved (0)
//       64  4*n token ids
//     64+4n   … payload

/// The 24-byte LMDB key of a block.
struct BlockKey: Hashable, Sendable {
    let fingerprintID: UInt64
    let hash: Hash128

    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendBigEndian(fingerprintID, to: &out)
        out += hash.bigEndianBytes
        return out
    }

    init(fingerprintID: UInt64, hash: Hash128) {
        self.fingerprintID = fingerprintID
        self.hash = hash
    }

    /// Parses a stored key; nil when it is not 24 bytes.
    init?(bytes: [UInt8]) {
        guard bytes.count == 24, let hash = Hash128(bigEndianBytes: bytes[8...]) else { return nil }
        fingerprintID = bytes[..<8].reduce(0) { $0 << 8 | UInt64($1) }
        self.hash = hash
    }
}

/// The contents of one stored value: a block, where it sits in its chain, and its parent's chain hash.
struct BlockValue: Sendable {
    let tokens: [TokenID]
    let layout: KVLayout
    /// Block index in its prompt: 0 for the first block.
    let depth: Int
    /// Nil for block 0.
    let parent: Hash128?
    let payload: [UInt8]

    static let magic: [UInt8] = Array("QKVB".utf8)
    static let formatVersion: UInt16 = 1
    static let headerSize = 64

    init(tokens: [TokenID], layout: KVLayout, depth: Int, parent: Hash128?, payload: [UInt8]) {
        self.tokens = tokens
        self.layout = layout
        self.depth = depth
        self.parent = parent
        self.payload = payload
    }

    init(block: KVBlock, depth: Int, parent: Hash128?) {
        self.init(tokens: block.tokens, layout: block.layout, depth: depth, parent: parent, payload: block.bytes)
    }

    /// Bytes the value occupies on disk.
    var storedBytes: Int { Self.headerSize + tokens.count * 4 + payload.count }
}

/// A block on its way to disk under its key.
struct BlockRecord: Sendable {
    let key: BlockKey
    let value: BlockValue
}

/// What reading a stored value gave: a usable block, or the reason it cannot be used.
enum StoredBlock {
    case valid(BlockValue)
    case corrupt(String)
}

/// Encodes records and validates stored values without throwing: corruption is data, not an error path.
enum BlockRecordCodec: ValueCodec {
    static func encode(_ stored: StoredBlock) throws -> [UInt8] {
        guard case let .valid(value) = stored else {
            throw StorageError.corruptValue(database: "promptcache.blocks", reason: "refusing to write a corrupt block")
        }
        var out: [UInt8] = []
        out.reserveCapacity(value.storedBytes)
        out += BlockValue.magic
        appendLE(UInt64(BlockValue.formatVersion), bytes: 2, to: &out)
        out.append(value.layout.dtype.rawValue)
        out.append(0)
        appendLE(UInt64(value.tokens.count), bytes: 4, to: &out)
        appendLE(UInt64(value.layout.layers), bytes: 4, to: &out)
        appendLE(UInt64(value.layout.rowWidth), bytes: 4, to: &out)
        appendLE(UInt64(value.depth), bytes: 4, to: &out)
        appendLE(UInt64(value.payload.count), bytes: 8, to: &out)
        let checksumOffset = out.count
        appendLE(0, bytes: 8, to: &out)
        out += (value.parent ?? Hash128(high: 0, low: 0)).bigEndianBytes
        appendLE(0, bytes: 8, to: &out)
        for t in value.tokens { appendLE(UInt64(UInt32(bitPattern: t)), bytes: 4, to: &out) }
        out += value.payload
        let checksum = out.withUnsafeBytes { Self.checksum($0) }
        var sum: [UInt8] = []
        appendLE(checksum, bytes: 8, to: &sum)
        out.replaceSubrange(checksumOffset ..< checksumOffset + 8, with: sum)
        return out
    }

    /// The checksum of a whole value (header included, except the checksum field itself).
    static func checksum(_ value: UnsafeRawBufferPointer) -> UInt64 {
        let header = Array(value[0 ..< 32]) + Array(value[40 ..< BlockValue.headerSize])
        return XXH64.hash(UnsafeRawBufferPointer(rebasing: value[BlockValue.headerSize...]), seed: XXH64.hash(header))
    }

    static func decode(_ raw: UnsafeRawBufferPointer) throws -> StoredBlock {
        let h = BlockValue.headerSize
        guard raw.count >= h else { return .corrupt("value of \(raw.count) bytes is shorter than the \(h)-byte header") }
        guard Array(raw[0 ..< 4]) == BlockValue.magic else { return .corrupt("bad magic") }
        let version = readLE(raw, 4, 2)
        guard version == UInt64(BlockValue.formatVersion) else { return .corrupt("format version \(version)") }
        guard let dtype = KVDType(rawValue: raw[6]) else { return .corrupt("unknown dtype \(raw[6])") }
        let tokenCount = Int(readLE(raw, 8, 4))
        let layers = Int(readLE(raw, 12, 4))
        let rowWidth = Int(readLE(raw, 16, 4))
        let depth = Int(readLE(raw, 20, 4))
        let payloadField = readLE(raw, 24, 8)
        let layout = KVLayout(layers: layers, rowWidth: rowWidth, dtype: dtype)
        // Sizes are checked in 64-bit arithmetic before any is used as an index, so a garbage header cannot
        // overflow or send a read past the end of the value.
        guard payloadField <= UInt64(Int32.max) * 64, UInt64(tokenCount) <= 1 << 20 else {
            return .corrupt("implausible sizes: \(tokenCount) tokens, \(payloadField) payload bytes")
        }
        let payloadBytes = Int(payloadField)
        let (expected, overflow) = layers.multipliedReportingOverflow(by: 2 * tokenCount * rowWidth * dtype.byteWidth)
        guard !overflow, expected == payloadBytes else {
            return .corrupt("payload of \(payloadBytes) bytes does not match \(tokenCount) tokens of \(layout)")
        }
        guard raw.count == h + tokenCount * 4 + payloadBytes else {
            return .corrupt("value is \(raw.count) bytes, header says \(h + tokenCount * 4 + payloadBytes)")
        }
        let stored = readLE(raw, 32, 8)
        let actual = checksum(raw)
        guard stored == actual else { return .corrupt("checksum mismatch") }
        let parentHash = Hash128(bigEndianBytes: raw[40 ..< 56]) ?? Hash128(high: 0, low: 0)
        var tokens: [TokenID] = []
        tokens.reserveCapacity(tokenCount)
        for i in 0 ..< tokenCount { tokens.append(TokenID(bitPattern: UInt32(readLE(raw, h + 4 * i, 4)))) }
        let payload = Array(raw[(h + tokenCount * 4)...])
        return .valid(BlockValue(tokens: tokens, layout: layout, depth: depth,
                                 parent: depth == 0 ? nil : parentHash, payload: payload))
    }
}

/// Per-block bookkeeping kept beside the blocks, small so that eviction can scan it: last use, size, depth.
struct BlockMeta: Equatable {
    /// Milliseconds since 1970 of the last store or lookup.
    var lastUsed: UInt64
    /// Bytes of the block's stored value.
    var bytes: UInt64
    var depth: UInt64

    var encoded: [UInt8] {
        var out: [UInt8] = []
        appendBigEndian(lastUsed, to: &out)
        appendBigEndian(bytes, to: &out)
        appendBigEndian(depth, to: &out)
        return out
    }

    /// Nil for anything but 24 bytes: a damaged meta entry is dropped together with its block.
    init?(_ raw: [UInt8]) {
        guard raw.count == 24 else { return nil }
        func word(_ i: Int) -> UInt64 { raw[i ..< i + 8].reduce(0) { $0 << 8 | UInt64($1) } }
        lastUsed = word(0)
        bytes = word(8)
        depth = word(16)
    }

    init(lastUsed: UInt64, bytes: UInt64, depth: UInt64) {
        self.lastUsed = lastUsed
        self.bytes = bytes
        self.depth = depth
    }
}

@inline(__always)
private func appendLE(_ v: UInt64, bytes: Int, to out: inout [UInt8]) {
    for i in 0 ..< bytes { out.append(UInt8(truncatingIfNeeded: v >> UInt64(8 * i))) }
}

@inline(__always)
private func readLE(_ raw: UnsafeRawBufferPointer, _ offset: Int, _ bytes: Int) -> UInt64 {
    var v: UInt64 = 0
    for i in (0 ..< bytes).reversed() { v = v << 8 | UInt64(raw[offset + i]) }
    return v
}
