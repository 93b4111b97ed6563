/// Cumulative counters and current sizes of a prompt cache, for logs, `quorum stats` and tests.
///
/// Token counters are cumulative since the cache was created; sizes are current. The disk figures are those of
/// the whole store, which may be shared by several models.
public struct PromptCacheStats: Codable, Sendable, Equatable {
    /// Prompt tokens whose KV rows came from blocks already in memory.
    public var tokensReusedMemory = 0
    /// Prompt tokens whose KV rows were loaded from LMDB.
    public var tokensReusedDisk = 0
    /// Prompt tokens the engine computed, as reported through `PromptCache.reportComputed(tokens:)`.
    public var tokensComputed = 0
    /// Calls to `lookup`.
    public var lookups = 0
    /// Lookups that returned at least one block.
    public var hits = 0
    public var blocksInMemory = 0
    /// Payload and token-id bytes of the blocks in memory.
    public var bytesInMemory = 0
    public var memoryBudgetBytes = 0
    /// Blocks evicted from memory to stay within the budget.
    public var memoryEvictions = 0
    public var blocksOnDisk = 0
    /// Bytes of the stored values (headers, token ids, payloads).
    public var bytesOnDisk = 0
    /// Blocks deleted from disk to stay within the disk budget.
    public var diskEvictions = 0
    /// Stored blocks that failed validation (bad header, size or checksum) and were dropped.
    public var corruptBlocksDropped = 0
    /// Writer jobs that failed (a full disk, an I/O error); the cache served from memory meanwhile.
    public var diskWriteFailures = 0

    public init() {}

    /// The share of prompt tokens that did not have to be computed, in 0...1 (0 before any traffic).
    public var reuseRatio: Double {
        let reused = tokensReusedMemory + tokensReusedDisk
        let total = reused + tokensComputed
        return total == 0 ? 0 : Double(reused) / Double(total)
    }
}
