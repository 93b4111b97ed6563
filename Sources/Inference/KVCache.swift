import Kernels

/// How a KV cache stores its keys and values.
public enum KVElementType: Sendable, CaseIterable {
    /// IEEE half precision, as llama.cpp's default cache: half the memory, logits within a few hundredths.
    case f16
    /// Single precision: what the parity goldens were made with.
    case f32

    /// Bytes per stored value.
    public var byteWidth: Int {
        switch self {
        case .f16: return 2
        case .f32: return 4
        }
    }
}

/// The keys and values of one sequence, per layer: `[layer][position, kvHeads · headDim]`, in f16 (the
/// default) or f32.
///
/// Positions 0..<count are filled, by the tokens in `tokens`. A cache can be cut back to a prefix
/// (`truncate(to:)`), and a prefix can be copied out (`snapshot(upTo:)`) and back in (`restore(_:)`),
/// so a completion that shares a prompt prefix with an earlier one only evaluates the new tail.
/// Not synchronised: one sequence, one user at a time (it may move between threads).
///
/// Memory is exactly `bytesAllocated` = capacity · `bytesPerPosition`, reserved up front but never
/// written before a position is filled, so the pages of a 32K-position cache that a short prompt does not
/// reach are never touched (the operating system maps them on first write).
public final class KVCache: @unchecked Sendable {
    public let layers: Int
    /// Values per position per layer (kvHeads · headDim).
    public let width: Int
    /// Positions the cache can hold.
    public let capacity: Int
    public let elementType: KVElementType
    /// The tokens whose keys and values are held, in order; `count == tokens.count`.
    public private(set) var tokens: [TokenID] = []
    /// [layer]: [capacity, width] values of `elementType` each; rows ≥ count are uninitialised.
    private let keyStorage: [UnsafeMutableRawPointer]
    /// [layer]: [capacity, width] values of `elementType` each.
    private let valueStorage: [UnsafeMutableRawPointer]

    public init(layers: Int, width: Int, capacity: Int, type: KVElementType = .f16) {
        self.layers = layers
        self.width = width
        self.capacity = capacity
        elementType = type
        let bytes = max(1, capacity * width * type.byteWidth)
        // Not initialised on purpose: see the type's comment. Rows are always written before they are read.
        keyStorage = (0..<layers).map { _ in .allocate(byteCount: bytes, alignment: 64) }
        valueStorage = (0..<layers).map { _ in .allocate(byteCount: bytes, alignment: 64) }
        tokens.reserveCapacity(capacity)   // so committing a token never reallocates
    }

    deinit {
        for p in keyStorage { p.deallocate() }
        for p in valueStorage { p.deallocate() }
    }

    /// Positions filled.
    public var count: Int { tokens.count }

    /// Bytes one position takes: keys and values of every layer.
    public var bytesPerPosition: Int { 2 * layers * width * elementType.byteWidth }

    /// Bytes reserved for keys and values: capacity · bytesPerPosition.
    public var bytesAllocated: Int { capacity * bytesPerPosition }

    /// Records that `token`'s keys and values were written at position `count` (called by the forward pass).
    func commit(_ token: TokenID) { tokens.append(token) }

    /// Layer `layer`'s keys as attention reads them.
    func keyRows(layer: Int) -> KVRows { KVRows(base: UnsafeRawPointer(keyStorage[layer]), type: elementType, stride: width) }
    /// Layer `layer`'s values as attention reads them.
    func valueRows(layer: Int) -> KVRows { KVRows(base: UnsafeRawPointer(valueStorage[layer]), type: elementType, stride: width) }

    /// Stores `count` positions of keys and values ([count, width] f32 each, contiguous) of `layer` from
    /// `position` on, converting them to the cache's element type once here (called by the forward pass).
    func write(layer: Int, position: Int, keys: UnsafePointer<Float>, values: UnsafePointer<Float>, count n: Int) {
        precondition(position + n <= capacity && layer < layers, "rows outside the cache")
        store(keys, into: keyStorage[layer], at: position * width, count: n * width)
        store(values, into: valueStorage[layer], at: position * width, count: n * width)
    }

    private func store(_ x: UnsafePointer<Float>, into base: UnsafeMutableRawPointer, at offset: Int, count: Int) {
        switch elementType {
        case .f32: (base.assumingMemoryBound(to: Float.self) + offset).update(from: x, count: count)
        case .f16: Half.fromFloat(x, into: base.assumingMemoryBound(to: UInt16.self) + offset, count: count)
        }
    }

    private func load(_ base: UnsafeMutableRawPointer, at offset: Int, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
            guard let y = out.baseAddress, count > 0 else { initialized = 0; return }
            switch elementType {
            case .f32: y.update(from: base.assumingMemoryBound(to: Float.self) + offset, count: count)
            case .f16: Half.toFloat(base.assumingMemoryBound(to: UInt16.self) + offset, into: y, count: count)
            }
            initialized = count
        }
    }

    /// The raw bytes of rows `range` of `layer` (keys, values), in the cache's element type.
    func rawRows(layer: Int, range: Range<Int>) -> (keys: UnsafeMutableRawPointer, values: UnsafeMutableRawPointer) {
        let offset = range.lowerBound * width * elementType.byteWidth
        return (keyStorage[layer] + offset, valueStorage[layer] + offset)
    }

    /// Forgets every position from `n` on.
    public func truncate(to n: Int) {
        if n < tokens.count { tokens.removeLast(tokens.count - max(0, n)) }
    }

    /// A copy of the first `n` positions (all of them by default), as f32 values: exact for an f16 cache,
    /// since every half is a float, so restoring the copy into an f16 cache gives back the same bits.
    public func snapshot(upTo n: Int? = nil) -> KVPrefix {
        let n = min(n ?? count, count)
        return KVPrefix(tokens: Array(tokens[..<n]), width: width,
                        keys: keyStorage.map { load($0, at: 0, count: n * width) },
                        values: valueStorage.map { load($0, at: 0, count: n * width) })
    }

    /// Replaces the cache's content with `prefix` (rounded to halves for an f16 cache); what was after it
    /// is forgotten.
    public func restore(_ prefix: KVPrefix) throws {
        guard prefix.layers == layers, prefix.width == width else {
            throw KVCacheError.incompatible(expected: "\(layers) layers × \(width)", found: "\(prefix.layers) layers × \(prefix.width)")
        }
        guard prefix.keys.allSatisfy({ $0.count == prefix.count * width }),
              prefix.values.allSatisfy({ $0.count == prefix.count * width }) else {
            throw KVCacheError.incompatible(expected: "\(prefix.count) positions × \(width)", found: "ragged data")
        }
        guard prefix.count <= capacity else { throw KVCacheError.tooLong(prefix.count, capacity: capacity) }
        for l in 0..<layers {
            prefix.keys[l].withUnsafeBufferPointer { if let b = $0.baseAddress { store(b, into: keyStorage[l], at: 0, count: $0.count) } }
            prefix.values[l].withUnsafeBufferPointer { if let b = $0.baseAddress { store(b, into: valueStorage[l], at: 0, count: $0.count) } }
        }
        tokens = prefix.tokens
    }

    /// How many leading tokens of `other` the cache already holds.
    public func commonPrefix(with other: [TokenID]) -> Int {
        var n = 0
        while n < min(count, other.count), tokens[n] == other[n] { n += 1 }
        return n
    }
}

/// A copy of a cache's first positions: plain f32 values, so a prompt cache can keep or store it.
public struct KVPrefix: Sendable, Equatable {
    public let tokens: [TokenID]
    public let width: Int
    /// [layer]: [count, width] each, row-major.
    public let keys: [[Float]]
    /// [layer]: [count, width] each.
    public let values: [[Float]]

    public init(tokens: [TokenID], width: Int, keys: [[Float]], values: [[Float]]) {
        self.tokens = tokens
        self.width = width
        self.keys = keys
        self.values = values
    }

    public var count: Int { tokens.count }
    public var layers: Int { keys.count }
    /// Bytes of key and value data held.
    public var byteCount: Int { 2 * layers * count * width * MemoryLayout<Float>.size }
}

public enum KVCacheError: Error, CustomStringConvertible {
    case incompatible(expected: String, found: String)
    case tooLong(Int, capacity: Int)

    public var description: String {
        switch self {
        case .incompatible(let e, let f): return "the KV prefix (\(f)) is from another model; this cache is \(e)"
        case .tooLong(let n, let c): return "the KV prefix has \(n) positions but the cache holds \(c); make a larger cache"
        }
    }
}
