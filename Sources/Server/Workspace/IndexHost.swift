import Base
import Foundation
import IDE
import Logging
import Syntax
import Workspace

/// Owns the workspace index for the server: opens it for the workspace roots, runs the initial scan in the
/// background, and applies editor edits in the order they arrived.
///
/// Invariant: edits go through one serial queue, so the index sees them in LSP order; a request that reads the
/// index first waits for that queue to drain (`drain()`), so it sees every edit received before it.
final class IndexHost: @unchecked Sendable {
    private let lock = NSLock()
    private var index: Index?
    private var roots: [String] = []
    private var scanning: Task<Void, Never>?
    /// Which scan `scanning` is: a scan that ends clears `scanning` only if no newer scan replaced it.
    private var scanGeneration = 0
    private(set) var openError: String?
    private(set) var lastReport: IndexReport?
    private let edits = DispatchQueue(label: "quorum.index.edits")
    private let log = QuorumLog.logger("index")

    var current: Index? { lock.withLock { index } }
    var isIndexing: Bool { lock.withLock { scanning != nil } }

    /// Opens the index for `roots` (closing one for other roots) and starts a full scan.
    func open(roots newRoots: [String], cacheDir: String, exclude: [String], languagesOff: Set<String>,
              progress: @escaping @Sendable (String) async -> ProgressReporter?,
              report: @escaping @Sendable (String) -> Void) {
        let (old, same): (Index?, Bool) = lock.withLock {
            let same = newRoots.sorted() == roots.sorted() && index != nil
            return (index, same)
        }
        if same { return }
        old?.cancel()
        lock.withLock { scanning }?.cancel()
        guard !newRoots.isEmpty else {
            lock.withLock { index = nil; roots = [] }
            return
        }
        var scan = ScanOptions()
        scan.exclude += exclude
        let store = URL(fileURLWithPath: cacheDir).appendingPathComponent("index")
            .appendingPathComponent(Index.defaultStorePath(for: newRoots).lastPathComponent)
        let logger = log
        do {
            // The old index must be released before its store could be opened again by this process.
            lock.withLock { index = nil; rankCache.removeAll() }
            let opened = try Index(roots: newRoots, store: store, options: IndexOptions(scan: scan, log: { line in
                logger.info("\(line)")
            }))
            lock.withLock { index = opened; roots = newRoots; openError = nil }
            // The task is created and recorded under the lock, so its own `scanning = nil` at the end (which
            // takes the lock) always comes after: a scan finishing fast never leaves `indexing` true for ever.
            lock.lock()
            defer { lock.unlock() }
            scanGeneration += 1
            let generation = scanGeneration
            scanning = Task.detached { [self] in
                let reporter = await progress("Indexing")
                let started = Date()
                var last = Date.distantPast
                do {
                    let result = try opened.update { done, total in
                        // At most ten reports a second: the editor has better things to do.
                        if Date().timeIntervalSince(last) > 0.1 || done == total {
                            last = Date()
                            reporter?.report(message: "\(done)/\(total) files",
                                             percentage: total > 0 ? done * 100 / total : 100)
                        }
                    }
                    lock.withLock { if scanGeneration == generation { lastReport = result } }
                    reporter?.end(message: "\(result.total) files, \(result.parsed) parsed")
                    logger.info("index of \(newRoots): \(result.total) files, \(result.parsed) parsed, \(result.unchanged) unchanged, \(result.removedPaths.count) removed in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
                } catch {
                    reporter?.end(message: "failed")
                    report("Quorum: indexing failed: \(error)")
                }
                lock.withLock { if scanGeneration == generation { scanning = nil } }
            }
        } catch {
            let text = "\(error)"
            lock.withLock { openError = text }
            report("Quorum: the index cannot be opened: \(text)")
        }
    }

    /// PageRank neighbours per file, kept for a few seconds: completion context asks at every keystroke, the
    /// answer changes only when imports change, and computing it loads the whole graph from LMDB.
    private var rankCache: [String: (at: Date, nodes: [RankedNode])] = [:]
    static let rankLifetime: TimeInterval = 10

    func rankedNeighbours(of path: String, in index: Index) -> [RankedNode] {
        let now = Date()
        if let hit = lock.withLock({ rankCache[path] }), now.timeIntervalSince(hit.at) < Self.rankLifetime { return hit.nodes }
        let nodes = (try? index.rank(around: path, limit: 8)) ?? []
        lock.withLock {
            if rankCache.count > 256 { rankCache.removeAll() }
            rankCache[path] = (now, nodes)
        }
        return nodes
    }

    /// Queues an edit; edits run in the order they were queued.
    func enqueue(_ work: @escaping (Index) throws -> Void) {
        guard let index = current else { return }
        let logger = log
        edits.async {
            do { try work(index) } catch { logger.warning("index update failed: \(error)") }
        }
    }

    /// Queues an editor's change of an open document, timed: `quorum/stats` reports how long these re-indexes
    /// take (incremental parse, tags, one write transaction), as the index benchmark's target is stated for them.
    func enqueueEdit(_ work: @escaping (Index) throws -> Void) {
        enqueue { [self] index in
            let started = DispatchTime.now().uptimeNanoseconds
            defer {
                let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
                lock.withLock {
                    reindexCount += 1
                    recentReindexMs.append(ms)
                    if recentReindexMs.count > IndexHost.keptReindexTimes { recentReindexMs.removeFirst() }
                }
            }
            try work(index)
        }
    }

    /// How many re-indexes of open documents ran, and the durations of the latest ones (milliseconds, oldest first).
    private var reindexCount = 0
    private var recentReindexMs: [Double] = []
    static let keptReindexTimes = 256

    var reindexTimes: (count: Int, recentMs: [Double]) { lock.withLock { (reindexCount, recentReindexMs) } }

    /// Waits until every queued edit is applied.
    func drain() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in edits.async { c.resume() } }
    }

    /// Waits for the initial scan (tests and the demo ask for a settled index through quorum/status).
    func waitForScan() async {
        let task = lock.withLock { scanning }
        await task?.value
    }

    func close() {
        let i = lock.withLock { () -> Index? in defer { index = nil }; return index }
        i?.cancel()
    }
}
