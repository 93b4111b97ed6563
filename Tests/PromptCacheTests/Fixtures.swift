import Foundation
@testable import PromptCache

/// Tiny KV blocks whose bytes depend on the whole prefix they belong to, as real KV rows do, so a test that
/// gets the wrong block back (right tokens, wrong prefix) sees different bytes.
enum Fixture {
    /// 2 layers × rows of 4 f16 elements: 32 bytes per token.
    static let layout = KVLayout(layers: 2, rowWidth: 4, dtype: .f16)
    static let blockSize = 4

    /// Payload for block `index` of `prompt`: a pseudo-random stream seeded by every token up to the block's end.
    static func payload(_ prompt: [TokenID], index: Int, blockSize: Int = blockSize, layout: KVLayout = layout) -> [UInt8] {
        let prefix = prompt[..<((index + 1) * blockSize)].flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        var state = XXH64.hash(prefix) | 1
        return (0 ..< layout.payloadBytes(tokens: blockSize)).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    /// The blocks `range` (all whole blocks when nil) of `prompt`.
    static func blocks(_ prompt: [TokenID], _ range: Range<Int>? = nil, blockSize: Int = blockSize,
                       layout: KVLayout = layout) -> [KVBlock] {
        let all = 0 ..< prompt.count / blockSize
        return (range ?? all).map { i in
            // The fixture's sizes are right by construction; a failure here is a bug in the fixture.
            try! KVBlock(tokens: Array(prompt[i * blockSize ..< (i + 1) * blockSize]), layout: layout,
                         bytes: payload(prompt, index: i, blockSize: blockSize, layout: layout))
        }
    }

    /// Bytes one fixture block is charged in memory.
    static var blockBytes: Int { layout.payloadBytes(tokens: blockSize) + blockSize * 4 }

    /// Bytes one fixture block occupies on disk.
    static var storedBytes: Int { BlockValue.headerSize + blockSize * 4 + layout.payloadBytes(tokens: blockSize) }

    static func cache(budgetBlocks: Int = 1000, fingerprint: String = "model-a",
                      store: PromptCacheStore? = nil) throws -> PromptCache {
        try PromptCache(configuration: PromptCacheConfiguration(
            modelFingerprint: fingerprint, layout: layout, blockSize: blockSize,
            memoryBudgetBytes: budgetBlocks * blockBytes), store: store)
    }

    /// A prompt of `count` tokens: `base, base+1, …`.
    static func prompt(_ count: Int, base: TokenID = 100) -> [TokenID] { (0 ..< count).map { base + TokenID($0) } }
}

/// A fresh folder under the system temporary directory, removed by `remove()`.
struct TempFolder {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-promptcache-\(UUID())")
    func remove() { try? FileManager.default.removeItem(at: url) }
}
