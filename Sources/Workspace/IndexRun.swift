import Foundation
import Syntax

/// One parallel pass of `Index.update` over the scanned files.
///
/// Workers pull file numbers from a shared counter; each owns an `AnalysisWorker` (parsers and cursor) and
/// writes each file in its own transaction (LMDB serialises the writes; parsing, the expensive part, runs
/// on every core).
struct IndexRun {
    let index: Index
    let files: [ScannedFile]
    let stored: [String: FileRecord]
    let progress: ((Int, Int) -> Void)?

    struct Outcome {
        var parsed: [String] = []
        var unchanged = 0
        var skipped: [(String, String)] = []
    }

    func run() throws -> Outcome {
        let shared = Shared()
        let total = files.count
        let workers = min(index.options.workers, max(1, total))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let worker = AnalysisWorker(catalog: index.catalog, isCancelled: { index.cancelRequested })
            while let i = shared.next(limit: total) {
                if shared.failed || index.cancelRequested { return }
                let file = files[i]
                do {
                    let result = try process(file, worker: worker)
                    shared.finish(file.path, result, total: total, progress: progress)
                } catch {
                    shared.fail(error)
                    return
                }
            }
        }
        if let error = shared.error { throw error }
        return shared.outcome
    }

    enum FileResult { case parsed, unchanged, skipped(String) }

    private func process(_ file: ScannedFile, worker: AnalysisWorker) throws -> FileResult {
        // The editor owns open documents: their rows come from its buffer through `applyEdit`.
        if index.isOpenDocument(file.path) { return .unchanged }
        let old = stored[file.path]
        // Same size and mtime: trust the stored rows without reading the file.
        if let old, old.size == file.size, old.mtime == file.mtime, old.language == file.language { return .unchanged }
        guard let data = FileManager.default.contents(atPath: file.path) else { return .skipped("unreadable") }
        let bytes = [UInt8](data)
        if let old, old.hash == contentHash(bytes), old.language == file.language {
            // Touched but not changed: remember the new mtime so the next start skips reading it.
            var record = old
            record.mtime = file.mtime
            try index.store.env.write { txn in try index.store.files.put(txn, file.path, record) }
            return .unchanged
        }
        switch worker.analyse(path: file.path, language: file.language, bytes: bytes, mtime: file.mtime) {
        case .skipped where index.cancelRequested:
            return .unchanged  // the stored rows, if any, stay as they were
        case let .skipped(reason):
            return .skipped(reason)
        case .indexed(var facts, _):
            facts.imports = ImportResolution.resolve(facts.imports, file: file.path, language: file.language,
                                                     layout: index.layout)
            try index.store.replace(facts)
            return .parsed
        }
    }

    /// State the workers share, behind one lock.
    final class Shared: @unchecked Sendable {
        private let lock = NSLock()
        private var cursor = 0
        private var done = 0
        private(set) var outcome = Outcome()
        private(set) var error: Error?
        var failed: Bool { lock.lock(); defer { lock.unlock() }; return error != nil }

        func next(limit: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard cursor < limit else { return nil }
            cursor += 1
            return cursor - 1
        }

        func finish(_ path: String, _ result: FileResult, total: Int, progress: ((Int, Int) -> Void)?) {
            lock.lock(); defer { lock.unlock() }
            switch result {
            case .parsed: outcome.parsed.append(path)
            case .unchanged: outcome.unchanged += 1
            case let .skipped(reason): outcome.skipped.append((path, reason))
            }
            done += 1
            progress?(done, total)
        }

        func fail(_ e: Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
    }
}

extension Index {
    var cancelRequested: Bool { cancelFlagValue }
}
