import Base
import Foundation

// The prompt cache: KV rows of prompt prefixes, kept so that each keystroke only costs the tokens that changed.
// Memory first (a trie of blocks with LRU eviction), LMDB second (write-behind, survives a daemon restart).
// The cache is engine-neutral: it stores bytes and token ids; the engine copies rows in and out.

/// How a prompt cache is set up for one model.
public struct PromptCacheConfiguration: Sendable {
    /// Bytes identifying the model and its KV semantics (e.g. a hash of the GGUF metadata and tensor layout).
    public var modelFingerprint: [UInt8]
    /// Shape of every block's payload.
    public var layout: KVLayout
    /// Tokens per block, the unit of sharing: smaller blocks reuse more of a prompt, larger ones cost less
    /// bookkeeping per token.
    public var blockSize: Int
    /// Memory byte budget over all blocks (payload and token ids).
    public var memoryBudgetBytes: Int

    public init(modelFingerprint: [UInt8], layout: KVLayout, blockSize: Int = 64,
                memoryBudgetBytes: Int = 512 << 20) {
        self.modelFingerprint = modelFingerprint
        self.layout = layout
        self.blockSize = blockSize
        self.memoryBudgetBytes = memoryBudgetBytes
    }

    public init(modelFingerprint: String, layout: KVLayout, blockSize: Int = 64, memoryBudgetBytes: Int = 512 << 20) {
        self.init(modelFingerprint: Array(modelFingerprint.utf8), layout: layout, blockSize: blockSize,
                  memoryBudgetBytes: memoryBudgetBytes)
    }
}

/// How the cached prefix relates to the prompt that was looked up (in whole blocks).
public enum PrefixMatchKind: String, Codable, Sendable {
    /// Nothing cached for this prompt.
    case miss
    /// The cache holds a strict prefix of the prompt's whole blocks (the rest diverges or was never cached).
    case shorter
    /// The cache holds exactly the prompt's whole blocks and nothing beyond them.
    case exact
    /// The cache holds all of the prompt's whole blocks and more after them; the shared prefix is returned.
    case longer
}

/// The answer to a lookup: the longest cached prefix of the prompt, in whole blocks.
public struct PrefixMatch: Sendable {
    /// Tokens covered by `blocks`: `blocks.count * blockSize`. The engine computes the prompt from here on.
    public let matchedTokens: Int
    /// The blocks of the prefix, block 0 first.
    public let blocks: [KVBlock]
    /// How many of `blocks` were in memory; the rest came from disk.
    public let blocksFromMemory: Int
    public let kind: PrefixMatchKind

    /// How many of `blocks` were loaded from disk.
    public var blocksFromDisk: Int { blocks.count - blocksFromMemory }
}

/// Where an insert writes.
public enum Persistence: Sendable {
    /// Memory now, LMDB later on the store's writer queue (the normal case: never blocks on the disk).
    case writeBehind
    /// Memory and LMDB before returning, in one transaction; throws if the write fails.
    case synchronous
    /// Memory only.
    case memoryOnly
}

/// A KV prefix cache for one model, safe to call from concurrent requests.
///
/// Around prefill, the engine does:
/// ```swift
/// let match = cache.lookup(prompt)                         // longest cached prefix, whole blocks
/// for (i, block) in match.blocks.enumerated() {            // copy rows into the sequence's KV cache
///     for l in 0 ..< layers { block.withRows(layer: l) { k, v in kv.write(layer: l, at: i * B, keys: k, values: v) } }
/// }
/// try engine.prefill(prompt[match.matchedTokens...], startingAt: match.matchedTokens)
/// cache.reportComputed(tokens: prompt.count - match.matchedTokens)
/// let fresh = cache.newBlockRange(promptTokens: prompt.count, matchedTokens: match.matchedTokens).map { i in
///     KVBlock(tokens: Array(prompt[i * B ..< (i + 1) * B]), layout: layout) { l, k, v in kv.read(layer: l, at: i * B, into: k, v) }
/// }
/// try cache.insert(prompt, blocks: match.blocks + fresh)   // memory now, LMDB on the writer queue
/// ```
///
/// All methods are synchronous and hold an internal lock only around memory bookkeeping, never across disk I/O
/// and never across an `await`, so the cache can be called from the engine's compute thread or from tasks.
public final class PromptCache: @unchecked Sendable {
    public let configuration: PromptCacheConfiguration
    public let chain: BlockChain
    /// The LMDB store behind memory, if any.
    public let store: PromptCacheStore?

    /// Guards `trie` (including each node's `onDisk`) and `counters`.
    private let lock = NSLock()
    private var trie: PrefixTrie
    private var counters = PromptCacheStats()
    private let log = QuorumLog.logger("promptcache")

    /// - Throws: `PromptCacheError.invalidConfiguration` for a block size or layout that cannot hold rows.
    public init(configuration: PromptCacheConfiguration, store: PromptCacheStore? = nil) throws {
        guard configuration.blockSize > 0 else { throw PromptCacheError.invalidConfiguration("block size must be > 0") }
        guard configuration.layout.layers > 0, configuration.layout.rowWidth > 0 else {
            throw PromptCacheError.invalidConfiguration("layout \(configuration.layout) has no rows")
        }
        self.configuration = configuration
        self.store = store
        chain = BlockChain(modelFingerprint: configuration.modelFingerprint, layout: configuration.layout,
                           blockSize: configuration.blockSize)
        trie = PrefixTrie(budget: configuration.memoryBudgetBytes)
    }

    /// Tokens per block.
    public var blockSize: Int { chain.blockSize }

    /// The longest cached prefix of `tokens` in whole blocks: memory first, then LMDB. Blocks found on disk are
    /// loaded into memory. Counts the reused tokens in the statistics.
    public func lookup(_ tokens: [TokenID]) -> PrefixMatch {
        let hashes = chain.hashes(tokens)
        lock.lock()
        let path = trie.walk(hashes) { chain.tokens(of: $0, in: tokens) }
        trie.touch(path)
        var blocks = path.map(\.block)
        lock.unlock()

        let fromMemory = blocks.count
        if fromMemory < hashes.count, let store {
            blocks += loadFromDisk(tokens, hashes: hashes, from: fromMemory, store: store)
        }
        if blocks.count > fromMemory {
            // Link the loaded blocks under the memory path. The path is re-inserted as a whole because a
            // concurrent request may have evicted part of it while the disk was being read.
            lock.lock()
            var nodes: [TrieNode] = []
            for (i, block) in blocks.enumerated() {
                nodes.append(trie.insert(hash: hashes[i], block: block, parent: nodes.last).node)
            }
            for node in nodes[fromMemory...] { node.onDisk = true }
            trie.touch(nodes)
            trie.evictToBudget()
            lock.unlock()
        }
        store?.touchLater(hashes[..<blocks.count].map(key))

        lock.lock()
        let kind: PrefixMatchKind
        if blocks.isEmpty {
            kind = .miss
        } else if blocks.count < hashes.count {
            kind = .shorter
        } else if let last = trie.nodes[hashes[blocks.count - 1]], trie.hasChildren(last) {
            kind = .longer
        } else {
            kind = .exact
        }
        counters.lookups += 1
        counters.hits += blocks.isEmpty ? 0 : 1
        counters.tokensReusedMemory += fromMemory * blockSize
        counters.tokensReusedDisk += (blocks.count - fromMemory) * blockSize
        lock.unlock()
        return PrefixMatch(matchedTokens: blocks.count * blockSize, blocks: blocks, blocksFromMemory: fromMemory,
                           kind: kind)
    }

    /// Caches the blocks of a prompt's prefix.
    ///
    /// `blocks[i]` must hold the rows of `tokens[i*blockSize ..< (i+1)*blockSize]`, starting at block 0; pass the
    /// blocks a lookup returned followed by the newly computed ones. Blocks already cached are only marked used.
    /// - Returns: how many blocks were new in memory.
    /// - Throws: `PromptCacheError` when a block does not fit the prompt or the layout (nothing is cached then);
    ///   with `.synchronous`, `StorageError` when the disk write fails (memory is updated regardless).
    @discardableResult
    public func insert(_ tokens: [TokenID], blocks: [KVBlock], persistence: Persistence = .writeBehind) throws -> Int {
        let whole = chain.wholeBlocks(tokens.count)
        guard blocks.count <= whole else { throw PromptCacheError.tooManyBlocks(blocks: blocks.count, wholeBlocks: whole) }
        for (i, block) in blocks.enumerated() {
            guard block.layout == configuration.layout else {
                throw PromptCacheError.layoutMismatch(expected: configuration.layout, actual: block.layout, block: i)
            }
            guard block.tokens[...] == chain.tokens(of: i, in: tokens) else { throw PromptCacheError.tokenMismatch(block: i) }
        }
        guard !blocks.isEmpty else { return 0 }
        let hashes = chain.hashes(tokens, limit: blocks.count)

        lock.lock()
        var nodes: [TrieNode] = []
        var created = 0
        for (i, block) in blocks.enumerated() {
            let (node, isNew) = trie.insert(hash: hashes[i], block: block, parent: nodes.last)
            nodes.append(node)
            created += isNew ? 1 : 0
        }
        trie.touch(nodes)
        trie.evictToBudget()
        // Only blocks not known to be on disk are written; the others just get their last-used time refreshed.
        let unsaved = nodes.filter { !$0.onDisk }
        let saved = nodes.filter(\.onDisk).map { key($0.hash) }
        lock.unlock()

        guard let store, persistence != .memoryOnly else { return created }
        if unsaved.isEmpty {
            // The common keystroke: no new whole block. The refresh is gathered with other lookups' refreshes.
            store.touchLater(hashes.map(key))
            return created
        }
        let records = unsaved.map { node in
            BlockRecord(key: key(node.hash),
                        value: BlockValue(block: node.block, depth: node.depth, parent: node.parent?.hash))
        }
        // The rest of the path (`saved`) is refreshed in the same transaction, so that on disk too a prefix is
        // never older than the blocks that extend it (disk eviction relies on that to delete leaves first).
        let markSaved: @Sendable () -> Void = { [self, unsaved] in
            lock.lock()
            for node in unsaved { node.onDisk = true }
            lock.unlock()
        }
        if persistence == .synchronous {
            try store.persist(records, touching: saved)
            markSaved()
        } else {
            store.persistLater(records, touching: saved, then: markSaved)
        }
        return created
    }

    /// Counts prompt tokens the engine had to compute (the part after the matched prefix), for the statistics.
    public func reportComputed(tokens count: Int) {
        lock.lock()
        counters.tokensComputed += max(0, count)
        lock.unlock()
    }

    /// The indices of the blocks the engine should snapshot after prefill: the whole blocks past the match.
    public func newBlockRange(promptTokens: Int, matchedTokens: Int) -> Range<Int> {
        let first = matchedTokens / blockSize
        return first ..< max(first, chain.wholeBlocks(promptTokens))
    }

    /// Current counters and sizes.
    public var stats: PromptCacheStats {
        let disk = store?.totals
        lock.lock(); defer { lock.unlock() }
        var s = counters
        s.blocksInMemory = trie.count
        s.bytesInMemory = trie.bytes
        s.memoryBudgetBytes = trie.budget
        s.memoryEvictions = trie.evictions
        s.blocksOnDisk = disk?.blocks ?? 0
        s.bytesOnDisk = disk?.bytes ?? 0
        s.diskEvictions = disk?.evictions ?? 0
        s.diskWriteFailures = disk?.writeFailures ?? 0
        return s
    }

    /// Waits for queued disk writes (tests, shutdown).
    public func flush() { store?.flush() }

    /// Drops every block from memory (the disk copy stays), e.g. under memory pressure.
    public func removeAllFromMemory() {
        lock.lock()
        trie.removeAll()
        lock.unlock()
    }

    /// Chain hashes from least to most recently used, for tests and diagnostics.
    var lruOrder: [Hash128] {
        lock.lock(); defer { lock.unlock() }
        return trie.lruOrder
    }

    private func key(_ hash: Hash128) -> BlockKey { BlockKey(fingerprintID: chain.fingerprintID, hash: hash) }

    /// Reads blocks `start...` of the prompt from LMDB until the first one that is absent or unusable.
    /// A value that fails validation is counted, queued for deletion, and ends the walk like a miss.
    private func loadFromDisk(_ tokens: [TokenID], hashes: [Hash128], from start: Int,
                              store: PromptCacheStore) -> [KVBlock] {
        var loaded: [KVBlock] = []
        var corrupt: [BlockKey] = []
        var reasons: [String] = []
        let keys = hashes[start...].map(key)
        store.readChain(keys) { offset, stored in
            let i = start + offset
            switch stored {
            case nil:
                return false
            case let .corrupt(reason)?:
                corrupt.append(keys[offset])
                reasons.append(reason)
                return false
            case let .valid(value)?:
                let expectedTokens = chain.tokens(of: i, in: tokens)
                // Another prompt's block under this key would mean a hash collision: a miss, but not damage.
                guard value.tokens[...] == expectedTokens else { return false }
                guard value.layout == configuration.layout, value.depth == i,
                      value.parent == (i == 0 ? nil : hashes[i - 1]),
                      let block = try? KVBlock(tokens: value.tokens, layout: value.layout, bytes: value.payload)
                else {
                    corrupt.append(keys[offset])
                    reasons.append("header does not fit its key (layout, depth or parent)")
                    return false
                }
                loaded.append(block)
                return true
            }
        }
        if !corrupt.isEmpty {
            lock.lock()
            counters.corruptBlocksDropped += corrupt.count
            lock.unlock()
            store.deleteLater(corrupt)
            let why = reasons.joined(separator: "; ")
            log.warning("prompt cache: dropping \(corrupt.count) damaged KV block(s) in \(store.environment.path.path): \(why)")
        }
        return loaded
    }
}
