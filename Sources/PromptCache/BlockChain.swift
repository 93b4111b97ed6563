// Block identity. A block's KV rows depend on every token before it, not only on its own tokens, so its
// identity is a chain hash: hash(previous block's chain hash, this block's token ids, model fingerprint).
// Two prompts share block i exactly when they share tokens [0, (i+1)*blockSize) under the same model.

/// Computes chain hashes for one model and block size.
public struct BlockChain: Sendable, Equatable {
    /// Tokens per block.
    public let blockSize: Int
    /// The digest of the caller's fingerprint together with the KV layout and block size, so that a change of
    /// any of them makes every old block unreachable instead of silently wrong.
    public let fingerprintDigest: Hash128

    /// - Parameters:
    ///   - modelFingerprint: bytes identifying the model's weights and KV semantics (e.g. a hash of the GGUF
    ///     metadata and tensor layout); the caller decides what makes two models interchangeable.
    ///   - layout: the KV layout; folded into the digest so f16 and f32 caches of one model never mix.
    public init(modelFingerprint: [UInt8], layout: KVLayout, blockSize: Int) {
        self.blockSize = blockSize
        var h = FNV1a128()
        h.update(Array("quorum.promptcache.v1\u{0}".utf8))
        h.update(uint32: UInt32(truncatingIfNeeded: modelFingerprint.count))
        h.update(modelFingerprint)
        h.update(uint32: UInt32(truncatingIfNeeded: layout.layers))
        h.update(uint32: UInt32(truncatingIfNeeded: layout.rowWidth))
        h.update(layout.dtype.rawValue)
        h.update(uint32: UInt32(truncatingIfNeeded: blockSize))
        fingerprintDigest = h.value
    }

    /// The 8-byte model id that prefixes every LMDB key, so one store can hold several models' blocks.
    public var fingerprintID: UInt64 { fingerprintDigest.high }

    /// The chain hash of a block given its parent's chain hash (nil for block 0) and its token ids.
    public func hash(parent: Hash128?, tokens: ArraySlice<TokenID>) -> Hash128 {
        var h = FNV1a128()
        // Block 0 has no parent; a distinct marker byte keeps "no parent" apart from any real parent hash.
        if let parent {
            h.update(1)
            h.update(parent)
        } else {
            h.update(0)
        }
        h.update(fingerprintDigest)
        h.update(uint32: UInt32(truncatingIfNeeded: tokens.count))
        for t in tokens { h.update(uint32: UInt32(bitPattern: t)) }
        return h.value
    }

    /// Number of whole blocks in a prompt of `tokenCount` tokens; a trailing partial block is never cached.
    public func wholeBlocks(_ tokenCount: Int) -> Int { tokenCount / blockSize }

    /// The tokens of block `index`.
    public func tokens(of index: Int, in prompt: [TokenID]) -> ArraySlice<TokenID> {
        prompt[index * blockSize ..< (index + 1) * blockSize]
    }

    /// The chain hashes of the first `limit` whole blocks of `prompt` (all whole blocks when nil).
    public func hashes(_ prompt: [TokenID], limit: Int? = nil) -> [Hash128] {
        let count = min(wholeBlocks(prompt.count), limit ?? Int.max)
        var result: [Hash128] = []
        result.reserveCapacity(count)
        var parent: Hash128?
        for i in 0 ..< count {
            let h = hash(parent: parent, tokens: tokens(of: i, in: prompt))
            result.append(h)
            parent = h
        }
        return result
    }
}
