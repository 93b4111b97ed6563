import Base
import Dispatch
import Foundation
import Storage

/// The on-disk half of the prompt cache: KV blocks in LMDB, keyed by model fingerprint id and chain hash,
/// with a last-used table for eviction under a byte budget.
///
/// Writes run on one serial queue (write-behind) so that a completion request never waits for a disk commit;
/// reads run on the caller's thread in short read transactions, which LMDB serves without locking out the writer.
/// One store may be shared by several `PromptCache`s (several models): keys carry the model's fingerprint id.
/// Open one store per LMDB environment and one environment per folder per process (an LMDB rule).
///
/// Failure policy: a failed write (full disk, I/O error) is logged once and counted, and the cache keeps serving
/// from memory; a stored value that fails validation is a miss and is deleted.
public final class PromptCacheStore: @unchecked Sendable {
    public let environment: Environment
    /// The disk budget in bytes of stored values; nil for unbounded.
    public let budgetBytes: Int?
    /// The budget used when none is given: enough for a few thousand blocks of a small model.
    public static let defaultBudgetBytes = 4 << 30
    let blocks: Database<BytesCodec, BlockRecordCodec>
    let meta: Database<BytesCodec, BytesCodec>

    private let queue = DispatchQueue(label: "quorum.promptcache.writer", qos: .utility)
    private let log = QuorumLog.logger("promptcache")
    /// Guards everything below.
    private let lock = NSLock()
    private var blockCount = 0
    private var byteCount = 0
    private var evictions = 0
    private var writeFailures = 0
    private var failureLogged = false
    private var pendingTouches: Set<BlockKey> = []
    private var touchFlushScheduled = false
    /// Called inside every write transaction before anything is written; tests make it throw to act as a full disk.
    var writeFaultForTesting: (() throws -> Void)?

    /// How long lookups' last-used updates are gathered before one transaction writes them all.
    static let touchDelay: DispatchTimeInterval = .seconds(2)

    /// Opens (creating) a store in its own LMDB environment at `path`.
    public convenience init(path: URL, budgetBytes: Int? = PromptCacheStore.defaultBudgetBytes) throws {
        try self.init(environment: Environment(path: path), budgetBytes: budgetBytes)
    }

    /// Opens the store's two databases (`promptcache.blocks`, `promptcache.meta`) in an existing environment.
    public init(environment: Environment, budgetBytes: Int? = PromptCacheStore.defaultBudgetBytes) throws {
        self.environment = environment
        self.budgetBytes = budgetBytes
        blocks = try environment.database("promptcache.blocks", key: BytesCodec.self, value: BlockRecordCodec.self)
        meta = try environment.database("promptcache.meta", key: BytesCodec.self, value: BytesCodec.self)
        // The totals are kept in memory and brought up to date once here, from the small meta entries.
        var count = 0, bytes = 0
        try environment.read { txn in
            try meta.scan(txn) { _, value in
                count += 1
                bytes += Int(clamping: BlockMeta(value)?.bytes ?? 0)
                return true
            }
        }
        blockCount = count
        byteCount = bytes
    }

    /// Waits until every write queued so far, including gathered last-used updates, has been committed.
    public func flush() {
        queue.sync { self.run("flush last-used times") { try self.writeTouches() } }
    }

    struct Totals {
        var blocks: Int
        var bytes: Int
        var evictions: Int
        var writeFailures: Int
    }

    var totals: Totals {
        lock.lock(); defer { lock.unlock() }
        return Totals(blocks: blockCount, bytes: byteCount, evictions: evictions, writeFailures: writeFailures)
    }

    // MARK: Reading

    /// Reads consecutive blocks of one chain in one read transaction, calling `accept` with each stored value
    /// (nil when absent) until it returns false. A read error ends the walk: it is a miss, not a failure.
    func readChain(_ keys: [BlockKey], _ accept: (Int, StoredBlock?) -> Bool) {
        do {
            try environment.read { txn in
                for (i, key) in keys.enumerated() {
                    if !accept(i, try blocks.get(txn, key.bytes)) { return }
                }
            }
        } catch {
            log.warning("prompt cache: reading \(environment.path.path) failed, treating as a miss: \(error)")
        }
    }

    // MARK: Writing

    /// Stores `records` and refreshes the last-used time of `touching` (plus any gathered refreshes) in one
    /// write transaction on the caller's thread. Blocks already stored only have their last-used time refreshed.
    /// Then evicts the oldest blocks if the store is over its budget.
    /// - Throws: `StorageError` when the transaction fails; nothing of it is committed then.
    func persist(_ records: [BlockRecord], touching: [BlockKey] = []) throws {
        let now = Self.nowMillis()
        var added = 0, addedBytes = 0
        let touches = takeTouches().union(touching)
        try environment.write { txn in
            try writeFaultForTesting?()
            for record in records {
                let key = record.key.bytes
                if var existing = try meta.get(txn, key).flatMap(BlockMeta.init) {
                    existing.lastUsed = now
                    try meta.put(txn, key, existing.encoded)
                    continue
                }
                try blocks.put(txn, key, .valid(record.value))
                let stored = record.value.storedBytes
                try meta.put(txn, key, BlockMeta(lastUsed: now, bytes: UInt64(stored),
                                                 depth: UInt64(record.value.depth)).encoded)
                added += 1
                addedBytes += stored
            }
            try refresh(touches, at: now, in: txn)
        }
        lock.lock()
        blockCount += added
        byteCount += addedBytes
        lock.unlock()
        try evictIfOverBudget()
    }

    /// Queues `records` for `persist` on the writer queue and returns at once; `then` runs on the writer queue
    /// after the transaction committed (not after a failure).
    func persistLater(_ records: [BlockRecord], touching: [BlockKey] = [], then: (@Sendable () -> Void)? = nil) {
        guard !records.isEmpty else { return }
        queue.async {
            self.run("store \(records.count) KV blocks") {
                try self.persist(records, touching: touching)
                then?()
            }
        }
    }

    /// Queues the deletion of blocks found corrupt.
    func deleteLater(_ keys: [BlockKey]) {
        guard !keys.isEmpty else { return }
        queue.async {
            self.run("delete \(keys.count) corrupt KV blocks") {
                var removed = 0, removedBytes = 0
                try self.environment.write { txn in
                    try self.writeFaultForTesting?()
                    for key in keys {
                        let k = key.bytes
                        let size = try self.meta.get(txn, k).flatMap(BlockMeta.init)?.bytes ?? 0
                        let hadMeta = try self.meta.delete(txn, k)
                        try self.blocks.delete(txn, k)
                        if hadMeta {
                            removed += 1
                            removedBytes += Int(clamping: size)
                        }
                    }
                }
                self.lock.lock()
                self.blockCount -= removed
                self.byteCount -= removedBytes
                self.lock.unlock()
            }
        }
    }

    /// Records that `keys` were just used; the last-used times are written a little later, many lookups at once,
    /// so that a burst of keystrokes costs one commit rather than one each.
    func touchLater(_ keys: [BlockKey]) {
        guard !keys.isEmpty else { return }
        lock.lock()
        pendingTouches.formUnion(keys)
        let schedule = !touchFlushScheduled
        touchFlushScheduled = true
        lock.unlock()
        if schedule {
            // Weak: a store being closed should not be kept open for the delay; its pending refreshes are
            // only last-used times, and losing them costs nothing but eviction order.
            queue.asyncAfter(deadline: .now() + Self.touchDelay) { [weak self] in
                self?.run("update last-used times") { try self?.writeTouches() }
            }
        }
    }

    /// Removes every block of every model.
    public func removeAll() throws {
        try queue.sync {
            try environment.write { txn in
                try blocks.clear(txn)
                try meta.clear(txn)
            }
            lock.lock()
            blockCount = 0
            byteCount = 0
            pendingTouches.removeAll()
            lock.unlock()
        }
    }

    private func takeTouches() -> Set<BlockKey> {
        lock.lock(); defer { lock.unlock() }
        let touches = pendingTouches
        pendingTouches.removeAll()
        touchFlushScheduled = false
        return touches
    }

    private func writeTouches() throws {
        let touches = takeTouches()
        guard !touches.isEmpty else { return }
        try environment.write { txn in
            try writeFaultForTesting?()
            try refresh(touches, at: Self.nowMillis(), in: txn)
        }
    }

    private func refresh(_ keys: Set<BlockKey>, at now: UInt64, in txn: WriteTransaction) throws {
        for key in keys {
            let k = key.bytes
            // Blocks evicted or never stored have no meta entry; there is nothing to refresh then.
            guard var m = try meta.get(txn, k).flatMap(BlockMeta.init) else { continue }
            m.lastUsed = now
            try meta.put(txn, k, m.encoded)
        }
    }

    /// Deletes the least recently used blocks until the store is at 90% of its budget; the slack keeps the
    /// full scan this needs rare. Ties (one path stored or touched at once) go deepest block first, so that a
    /// prefix is never deleted while blocks that extend it remain.
    private func evictIfOverBudget() throws {
        guard let budget = budgetBytes else { return }
        lock.lock()
        let over = byteCount > budget
        lock.unlock()
        guard over else { return }
        var entries: [(key: [UInt8], meta: BlockMeta)] = []
        try environment.read { txn in
            try meta.scan(txn) { key, value in
                // A damaged meta entry sorts first (time 0) so that it is removed with its block.
                entries.append((key, BlockMeta(value) ?? BlockMeta(lastUsed: 0, bytes: 0, depth: 0)))
                return true
            }
        }
        entries.sort { ($0.meta.lastUsed, -Int($0.meta.depth)) < ($1.meta.lastUsed, -Int($1.meta.depth)) }
        var total = entries.reduce(0) { $0 + Int(clamping: $1.meta.bytes) }
        let target = budget / 10 * 9
        var removed = 0
        try environment.write { txn in
            try writeFaultForTesting?()
            for entry in entries where total > target {
                try blocks.delete(txn, entry.key)
                try meta.delete(txn, entry.key)
                total -= Int(clamping: entry.meta.bytes)
                removed += 1
            }
        }
        lock.lock()
        blockCount = entries.count - removed
        byteCount = total
        evictions += removed
        lock.unlock()
    }

    /// Runs a writer job, turning a failure into one log line and a counter: the cache goes on from memory.
    private func run(_ what: String, _ job: () throws -> Void) {
        do {
            try job()
            lock.lock()
            let recovered = failureLogged
            failureLogged = false
            lock.unlock()
            if recovered { log.info("prompt cache: writes to \(environment.path.path) succeed again") }
        } catch {
            lock.lock()
            writeFailures += 1
            let first = !failureLogged
            failureLogged = true
            lock.unlock()
            if first {
                let policy = "Serving from memory; further failures are counted, not logged, until a write succeeds."
                log.error("prompt cache: could not \(what) in \(environment.path.path): \(error). \(policy)")
            }
        }
    }

    static func nowMillis() -> UInt64 { UInt64(max(0, Date().timeIntervalSince1970 * 1000)) }
}
