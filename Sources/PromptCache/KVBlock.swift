// The engine-neutral unit of sharing: the K/V rows of `blockSize` consecutive tokens for every layer.
// The cache never interprets the numbers; it only needs their shape to check sizes and to refuse blocks
// written by a model with another layout.

/// A token id as the tokenizer produces it (llama.cpp's `llama_token` is a 32-bit signed integer too).
public typealias TokenID = Int32

/// The element type of the K and V rows.
public enum KVDType: UInt8, Codable, Sendable, CaseIterable {
    case f32 = 0
    case f16 = 1

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .f32: return 4
        case .f16: return 2
        }
    }
}

/// The shape of a block's payload: `layers` × (K then V) × `[tokens, rowWidth]`, row-major, in `dtype`.
///
/// Payload layout for a block of `n` tokens, offsets in elements:
/// `layer l, K`: `[l*2*n*rowWidth ..< (l*2+1)*n*rowWidth]`, `layer l, V`: the next `n*rowWidth`.
public struct KVLayout: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Number of transformer layers that have a KV cache.
    public var layers: Int
    /// Elements per token row: kvHeads × headDim.
    public var rowWidth: Int
    public var dtype: KVDType

    public init(layers: Int, rowWidth: Int, dtype: KVDType) {
        self.layers = layers
        self.rowWidth = rowWidth
        self.dtype = dtype
    }

    /// Bytes of one K (or V) matrix of `tokens` rows.
    public func matrixBytes(tokens: Int) -> Int { tokens * rowWidth * dtype.byteWidth }

    /// Bytes of a whole payload of `tokens` rows: every layer's K and V.
    public func payloadBytes(tokens: Int) -> Int { layers * 2 * matrixBytes(tokens: tokens) }

    /// Byte range of layer `layer`'s K rows inside a payload of `tokens` rows.
    public func keyRange(layer: Int, tokens: Int) -> Range<Int> {
        let start = layer * 2 * matrixBytes(tokens: tokens)
        return start ..< start + matrixBytes(tokens: tokens)
    }

    /// Byte range of layer `layer`'s V rows inside a payload of `tokens` rows.
    public func valueRange(layer: Int, tokens: Int) -> Range<Int> {
        let start = (layer * 2 + 1) * matrixBytes(tokens: tokens)
        return start ..< start + matrixBytes(tokens: tokens)
    }

    public var description: String { "layers=\(layers) row=\(rowWidth) dtype=\(dtype)" }
}

/// The K/V rows of consecutive tokens for all layers, as raw bytes, with the token ids they were computed from.
///
/// Blocks are values: a block handed out by `PromptCache.lookup` stays valid after the cache evicts it.
public struct KVBlock: Sendable, Equatable {
    /// The token ids whose rows the payload holds, in order.
    public let tokens: [TokenID]
    public let layout: KVLayout
    /// `layout.payloadBytes(tokens: tokens.count)` bytes, laid out as `KVLayout` documents.
    public let bytes: [UInt8]

    /// Wraps a payload, checking that its size matches the layout.
    /// - Throws: `PromptCacheError.payloadSize` when `bytes` does not hold exactly `tokens.count` rows of every matrix.
    public init(tokens: [TokenID], layout: KVLayout, bytes: [UInt8]) throws {
        let expected = layout.payloadBytes(tokens: tokens.count)
        guard bytes.count == expected else {
            throw PromptCacheError.payloadSize(expected: expected, actual: bytes.count, tokens: tokens.count,
                                               layout: layout)
        }
        self.tokens = tokens
        self.layout = layout
        self.bytes = bytes
    }

    /// Builds a block by letting the engine copy its rows in: `fill` is called once per layer with the
    /// destinations for that layer's K rows and V rows, `layout.matrixBytes(tokens: tokens.count)` bytes each.
    public init(tokens: [TokenID], layout: KVLayout,
                fill: (_ layer: Int, _ keys: UnsafeMutableRawBufferPointer,
                       _ values: UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        var bytes = [UInt8](repeating: 0, count: layout.payloadBytes(tokens: tokens.count))
        try bytes.withUnsafeMutableBytes { all in
            for layer in 0 ..< layout.layers {
                try fill(layer,
                         UnsafeMutableRawBufferPointer(rebasing: all[layout.keyRange(layer: layer, tokens: tokens.count)]),
                         UnsafeMutableRawBufferPointer(rebasing: all[layout.valueRange(layer: layer, tokens: tokens.count)]))
            }
        }
        self.tokens = tokens
        self.layout = layout
        self.bytes = bytes
    }

    /// Lends one layer's K rows and V rows (`[tokens, rowWidth]` each, in `layout.dtype`) for the engine to
    /// copy into its sequence cache.
    public func withRows<R>(layer: Int, _ body: (_ keys: UnsafeRawBufferPointer,
                                                 _ values: UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[layout.keyRange(layer: layer, tokens: tokens.count)]),
                     UnsafeRawBufferPointer(rebasing: all[layout.valueRange(layer: layer, tokens: tokens.count)]))
        }
    }

    /// Memory charged to the cache's byte budget for this block: payload plus token ids.
    public var byteCount: Int { bytes.count + tokens.count * MemoryLayout<TokenID>.size }
}

/// Errors of the prompt cache, each naming what was wrong and what was expected.
public enum PromptCacheError: Error, CustomStringConvertible, Equatable {
    /// A block's payload does not have the size its layout and token count call for.
    case payloadSize(expected: Int, actual: Int, tokens: Int, layout: KVLayout)
    /// A block was built for another model layout than the cache's.
    case layoutMismatch(expected: KVLayout, actual: KVLayout, block: Int)
    /// A block's token ids are not the prompt's tokens at that block's position.
    case tokenMismatch(block: Int)
    /// More blocks were given than the prompt has whole blocks.
    case tooManyBlocks(blocks: Int, wholeBlocks: Int)
    /// The configuration cannot work (e.g. a block size of zero).
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case let .payloadSize(expected, actual, tokens, layout):
            return "KV block payload is \(actual) bytes, but \(tokens) tokens of \(layout) need \(expected)"
        case let .layoutMismatch(expected, actual, block):
            return "KV block \(block) has layout \(actual), but the cache was configured for \(expected)"
        case let .tokenMismatch(block):
            return "KV block \(block)'s token ids differ from the prompt's tokens at that position; "
                + "pass the blocks in prompt order starting at block 0"
        case let .tooManyBlocks(blocks, whole):
            return "\(blocks) KV blocks given, but the prompt has only \(whole) whole blocks"
        case let .invalidConfiguration(reason):
            return "invalid prompt cache configuration: \(reason)"
        }
    }
}
