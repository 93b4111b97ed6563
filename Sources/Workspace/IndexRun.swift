import Foundation
import Syntax

/// One parallel pass of `Index.update` over the scanned files.
///
/// Workers pull file numbers from a shared counter; each owns an `AnalysisWorker` (parsers and cursor).
/// Finished files are queued and written in batches, one write transaction per batch: a commit costs far more
/// than the rows of a small file, and LMDB has one writer at a time anyway. The worker that finds the batch
/// due writes it while the others keep parsing, so parsing, the expensive part, runs on every core.
struct IndexRun {
    let index: Index
    let files: [ScannedFile]
    let stored: [String: FileRecord]
    /// Called on the worker with each parsed file's record and definitions (`Index.update`'s `parsed`).
    let parsed: ((FileRecord, [SymbolRow]) -> Void)?
    let progress: ((Int, Int) -> Void)?

    /// A batch is written once it holds this many files…
    static let batchFiles = 256
    /// …or this long after the previous write, so readers (an editor's requests during the initial scan) see
    /// the index fill in steadily, and an editor edit never waits long behind the scan's transaction.
    static let batchInterval: TimeInterval = 0.05

    struct Outcome {
        var parsed: [String] = []
        var unchanged = 0
        var skipped: [(String, String)] = []
    }

    func run() throws -> Outcome {
        let total = files.count
        let shared = Shared(total: total, progress: progress)
        let workers = min(index.options.workers, max(1, total))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let worker = AnalysisWorker(catalog: index.catalog, isCancelled: { index.cancelRequested })
            let memo = ResolutionMemo()
            do {
                while let i = shared.next() {
                    if shared.failed || index.cancelRequested { break }
                    let file = files[i]
                    if let batch = shared.finish(file.path, try process(file, worker: worker, memo: memo)) {
                        try write(batch, shared)
                    }
                }
            } catch {
                shared.fail(error)
            }
        }
        // What is left, also after a cancel: those files were analysed completely.
        if !shared.failed {
            do { try write(shared.takeRest(), shared) } catch { shared.fail(error) }
        }
        if let error = shared.error { throw error }
        return shared.outcome
    }

    enum FileResult {
        /// Parsed: its rows are to be replaced. `readAt` is the index's count of single-file changes when the
        /// file was read (a later editor change to it wins over this one).
        case parsed(IndexStore.Change, readAt: UInt64)
        /// Touched but not changed: only its `files` row is to be rewritten.
        case touched(IndexStore.Change, readAt: UInt64)
        case unchanged
        case skipped(String)
    }

    private func write(_ batch: [(path: String, result: FileResult)], _ shared: Shared) throws {
        do {
            try index.applyScanBatch(batch.compactMap { item in
                switch item.result {
                case let .parsed(change, readAt), let .touched(change, readAt): return (item.path, readAt, change)
                case .unchanged, .skipped: return nil
                }
            })
        } catch {
            shared.fail(error)
            shared.written()
            throw error
        }
        shared.written()
    }

    private func process(_ file: ScannedFile, worker: AnalysisWorker, memo: ResolutionMemo) throws -> FileResult {
        // The editor owns open documents: their rows come from its buffer through `applyEdit`.
        if index.isOpenDocument(file.path) { return .unchanged }
        let old = stored[file.path]
        // Same size and mtime: trust the stored rows without reading the file.
        if let old, old.size == file.size, old.mtime == file.mtime, old.language == file.language { return .unchanged }
        let readAt = index.singleFileChangeCount()
        guard let bytes = FileScanner.readBytes(file.path, expectedSize: file.size) else { return .skipped("unreadable") }
        if let old, old.hash == contentHash(bytes), old.language == file.language {
            // Touched but not changed: remember the new mtime so the next start skips reading it.
            var record = old
            record.mtime = file.mtime
            return .touched(.record(record), readAt: readAt)
        }
        let outcome = worker.analyse(path: file.path, language: file.language, bytes: bytes, mtime: file.mtime)
        return try conclude(file, outcome, readAt: readAt, memo: memo)
    }

    /// The result of an analysed file: its rows, with imports resolved against the run's file set.
    private func conclude(_ file: ScannedFile, _ outcome: AnalysisWorker.Outcome, readAt: UInt64,
                          memo: ResolutionMemo) throws -> FileResult {
        switch outcome {
        case .skipped where index.cancelRequested:
            return .unchanged  // the stored rows, if any, stay as they were
        case let .skipped(reason):
            return .skipped(reason)
        case .indexed(var facts, _, _):
            facts.imports = ImportResolution.resolve(facts.imports, file: file.path, language: file.language,
                                                     layout: index.layout, memo: memo)
            parsed?(facts.record, facts.symbols)
            return .parsed(.replace(try IndexStore.Prepared(facts)), readAt: readAt)
        }
    }

    /// State the workers share, behind one lock.
    final class Shared: @unchecked Sendable {
        private let lock = NSLock()
        private let total: Int
        private let progress: ((Int, Int) -> Void)?
        private var cursor = 0
        private var done = 0
        private var pending: [(path: String, result: FileResult)] = []
        private var writing = false
        private var lastWrite = Date()
        private(set) var outcome = Outcome()
        private(set) var error: Error?
        var failed: Bool { lock.lock(); defer { lock.unlock() }; return error != nil }

        init(total: Int, progress: ((Int, Int) -> Void)?) {
            self.total = total
            self.progress = progress
        }

        func next() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard cursor < total else { return nil }
            cursor += 1
            return cursor - 1
        }

        /// Records one file's result. Returns a batch the caller must now write (then call `written`), when
        /// one is due and no other worker is writing.
        func finish(_ path: String, _ result: FileResult) -> [(path: String, result: FileResult)]? {
            lock.lock(); defer { lock.unlock() }
            // Counted (and reported) once analysed: a batch follows soon, and the run fails if a write fails.
            switch result {
            case .parsed: outcome.parsed.append(path); pending.append((path, result))
            case .touched: outcome.unchanged += 1; pending.append((path, result))
            case .unchanged: outcome.unchanged += 1
            case let .skipped(reason): outcome.skipped.append((path, reason))
            }
            done += 1
            progress?(done, total)
            guard !writing, !pending.isEmpty,
                  pending.count >= IndexRun.batchFiles || Date().timeIntervalSince(lastWrite) >= IndexRun.batchInterval
            else { return nil }
            writing = true
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }

        /// Every file not written yet (after the workers stopped).
        func takeRest() -> [(path: String, result: FileResult)] {
            lock.lock(); defer { lock.unlock() }
            defer { pending.removeAll() }
            return pending
        }

        /// A batch's write ended: another may start.
        func written() {
            lock.lock(); defer { lock.unlock() }
            writing = false
            lastWrite = Date()
        }

        func fail(_ e: Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
    }
}

extension Index {
    var cancelRequested: Bool { cancelFlagValue }
}
