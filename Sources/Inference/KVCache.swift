/// The keys and values of one sequence, per layer, in f32: `[layer][position, kvHeads · headDim]`.
///
/// Positions 0..<count are filled, by the tokens in `tokens`. A cache can be cut back to a prefix
/// (`truncate(to:)`), and a prefix can be copied out (`snapshot(upTo:)`) and back in (`restore(_:)`),
/// so a completion that shares a prompt prefix with an earlier one only evaluates the new tail.
/// Not synchronised: one sequence, one user at a time (it may move between threads).
public final class KVCache: @unchecked Sendable {
    public let layers: Int
    /// Values per position per layer (kvHeads · headDim).
    public let width: Int
    /// Positions the cache can hold.
    public let capacity: Int
    /// The tokens whose keys and values are held, in order; `count == tokens.count`.
    public private(set) var tokens: [TokenID] = []
    /// [layer]: [capacity, width] each.
    let keys: [Buffer]
    /// [layer]: [capacity, width] each.
    let values: [Buffer]

    public init(layers: Int, width: Int, capacity: Int) {
        self.layers = layers
        self.width = width
        self.capacity = capacity
        keys = (0..<layers).map { _ in Buffer(capacity * width) }
        values = (0..<layers).map { _ in Buffer(capacity * width) }
    }

    /// Positions filled.
    public var count: Int { tokens.count }

    /// Records that `token`'s keys and values were written at position `count` (called by the forward pass).
    func commit(_ token: TokenID) { tokens.append(token) }

    /// Pointers to the rows of `layer` at `position` ([width] each), for the forward pass to write.
    func rows(layer: Int, position: Int) -> (key: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>) {
        (keys[layer].pointer + position * width, values[layer].pointer + position * width)
    }

    /// Forgets every position from `n` on.
    public func truncate(to n: Int) {
        if n < tokens.count { tokens.removeLast(tokens.count - max(0, n)) }
    }

    /// A copy of the first `n` positions (all of them by default).
    public func snapshot(upTo n: Int? = nil) -> KVPrefix {
        let n = min(n ?? count, count)
        return KVPrefix(tokens: Array(tokens[..<n]), width: width,
                        keys: keys.map { Array(UnsafeBufferPointer(start: $0.pointer, count: n * width)) },
                        values: values.map { Array(UnsafeBufferPointer(start: $0.pointer, count: n * width)) })
    }

    /// Replaces the cache's content with `prefix`; what was after it is forgotten.
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
            prefix.keys[l].withUnsafeBufferPointer { if let b = $0.baseAddress { keys[l].pointer.update(from: b, count: $0.count) } }
            prefix.values[l].withUnsafeBufferPointer { if let b = $0.baseAddress { values[l].pointer.update(from: b, count: $0.count) } }
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

/// A copy of a cache's first positions: plain values, so a prompt cache can keep or store it.
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
