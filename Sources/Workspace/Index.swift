import Base
import Foundation
import Storage
import Syntax

/// Settings of an `Index`.
public struct IndexOptions: Sendable {
    public var scan: ScanOptions
    /// Parallel parsing workers; defaults to the number of active cores.
    public var workers: Int
    /// Receives one line per skipped file and other notable events (the CLI and server send it to the log).
    public var log: (@Sendable (String) -> Void)?

    public init(scan: ScanOptions = ScanOptions(), workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                log: (@Sendable (String) -> Void)? = nil) {
        self.scan = scan
        self.workers = max(1, workers)
        self.log = log
    }
}

/// What one `Index.update()` did.
public struct IndexReport: Sendable {
    /// Indexable files found by the scan.
    public var total = 0
    /// Files parsed because they were new or their content hash changed.
    public var parsedPaths: [String] = []
    /// Files whose stored rows were kept (same size and mtime, or same hash).
    public var unchanged = 0
    /// Files removed from the index because they disappeared or became skippable.
    public var removedPaths: [String] = []
    public var skipped: [SkippedFile] = []
    public var seconds = 0.0
    public var parsed: Int { parsedPaths.count }
}

/// The workspace index: files, symbols, references, imports and call edges of every workspace file, kept in
/// LMDB (schema in ARCHITECTURE.md) so a restart re-parses only what changed.
///
/// Thread-safety: queries may run from any thread at any time and see whole files only (each file's rows
/// change in one transaction). Full `update`s are serialised among themselves; `updateFile`, `removeFile`
/// and `applyEdit` are serialised among themselves but may run during an `update`, which leaves open
/// documents alone (the editor's buffer, not the disk, is their truth).
/// Several processes may open one store: LMDB serialises their writers; each sees the other's commits.
/// Within a process, keep one `Index` per store (LMDB forbids opening an environment twice in a process).
public final class Index: @unchecked Sendable {
    public let roots: [String]
    public let storePath: URL
    public let options: IndexOptions
    public let registry: LanguageRegistry
    public let catalog: QueryCatalog
    let store: IndexStore
    /// Languages that have query files; others are not indexed.
    public let languages: Set<String>
    private var currentLayout: WorkspaceLayout
    private let layoutLock = NSLock()
    /// The file set import resolution works against; replaced by each `update`'s scan.
    var layout: WorkspaceLayout {
        get { layoutLock.lock(); defer { layoutLock.unlock() }; return currentLayout }
        set { layoutLock.lock(); currentLayout = newValue; layoutLock.unlock() }
    }
    private let updateLock = NSLock()
    private let editLock = NSLock()
    private var documents: [String: OpenDocument] = [:] {
        didSet { stateLock.withLock { openPaths = Set(documents.keys) } }
    }
    /// The scan's workers ask, for every file, whether it is open and how many single-file changes there were;
    /// they must not wait for `editLock`, which a scan batch's write holds for its whole transaction. So the
    /// answers are kept apart under their own lock, written (under both locks) wherever `documents` or
    /// `changeCount` change.
    private let stateLock = NSLock()
    private var openPaths: Set<String> = []
    private var publishedChangeCount: UInt64 = 0

    /// An open document's kept tree, and the tags computed from it: its next edit re-queries only what changed.
    private struct OpenDocument {
        var tree: Tree
        /// Nil while an edit is being applied (the tree is edited before its tags are recomputed).
        var tags: FileTags?
    }
    /// Counts single-file changes (edits, file updates, removals); `lastChange` holds the count at each
    /// path's latest one. A scan batch skips a file changed this way after the scan read it (see `applyScanBatch`).
    private var changeCount: UInt64 = 0
    private var lastChange: [String: UInt64] = [:]
    private lazy var interactiveWorker = AnalysisWorker(catalog: catalog)
    private let cancelFlag = ManagedAtomicFlag()
    var cancelFlagValue: Bool { cancelFlag.get() }

    /// The default store folder for a workspace: `<cacheRoot>/index/<hash of the sorted root paths>`.
    public static func defaultStorePath(for roots: [String]) -> URL {
        let key = contentHash(Array(roots.map { FileScanner.realPath($0) }.sorted().joined(separator: "\n").utf8))
        return QuorumPaths.cacheRoot.appendingPathComponent("index").appendingPathComponent(key)
    }

    /// Opens (creating) the index of `roots` at `store` (default: `defaultStorePath`).
    /// Throws only at the IO boundary: the store cannot be opened or our grammar manifests are broken.
    public init(roots: [String], store: URL? = nil, registry: LanguageRegistry? = nil,
                options: IndexOptions = IndexOptions()) throws {
        self.roots = roots.map { FileScanner.realPath($0) }
        storePath = store ?? Index.defaultStorePath(for: roots)
        self.options = options
        let registry = try registry ?? LanguageRegistry()
        self.registry = registry
        catalog = QueryCatalog(registry: registry)
        languages = Set(registry.languageNames.filter { name in
            CaptureContract.queryFiles.contains {
                FileManager.default.fileExists(atPath: registry.definitionsDirectory
                    .appendingPathComponent(name).appendingPathComponent($0.file).path)
            }
        })
        let store = try IndexStore(path: storePath)
        self.store = store
        let known = try store.env.read { txn in
            var paths: [String] = []
            try store.files.scan(txn) { key, _ in paths.append(key); return true }
            return paths
        }
        currentLayout = WorkspaceLayout(roots: self.roots, files: known)
    }

    /// Flushes the store's committed writes to disk (`mdb_env_sync`); `update` does it unless told not to.
    public func sync() throws { try store.env.sync() }

    /// Asks a running `update` to stop after the files in progress; what was written stays consistent.
    public func cancel() { cancelFlag.set(true) }

    /// Scans every root and brings the store up to date: new and changed files are parsed in parallel,
    /// deleted ones removed, imports re-resolved when the file set changed. `progress(done, total)` is
    /// called from worker threads, serialised.
    ///
    /// With `sync: false` the caller flushes the store to disk itself (`sync()`), for instance while it prints
    /// the result; the update's data is committed either way.
    /// `parsed` sees each file this update parses, with the definitions its rows hold, on the worker that parsed it
    /// (so a caller that prints them does that work in parallel too); the rows are committed before `update`
    /// returns, or `update` throws, unless an editor's change to the same file came after the scan read it.
    @discardableResult
    public func update(sync: Bool = true, parsed: ((FileRecord, [SymbolRow]) -> Void)? = nil,
                       progress: ((Int, Int) -> Void)? = nil) throws -> IndexReport {
        updateLock.lock(); defer { updateLock.unlock() }
        cancelFlag.set(false)
        let started = Date()
        var report = IndexReport()
        let stored: [String: FileRecord] = try store.env.read { txn in
            var map: [String: FileRecord] = [:]
            try store.files.scan(txn) { key, value in map[key] = value; return true }
            return map
        }
        let scanner = FileScanner(options: options.scan, registry: registry, languages: languages)
        let (scanned, skipped) = scanner.scan(roots: roots, threads: options.workers)
        report.total = scanned.count
        report.skipped = skipped
        for s in skipped { options.log?("skipped \(s.path): \(s.reason)") }
        let previousSet = Set(stored.keys)
        let open = openDocumentPaths()
        layout = WorkspaceLayout(roots: roots, files: scanned.map(\.path) + open)

        let outcome = try IndexRun(index: self, files: scanned, stored: stored, parsed: parsed, progress: progress).run()
        report.parsedPaths = outcome.parsed.sorted()
        report.unchanged = outcome.unchanged
        // One line per skipped file, except for a missing grammar or broken query: one line per cause, or a
        // workspace without a built grammar would log each of its files.
        var perCause: [String: Int] = [:]
        for (path, reason) in outcome.skipped {
            report.skipped.append(SkippedFile(path: path, reason: reason))
            if reason.hasPrefix("grammar ") || reason.hasPrefix("query ") { perCause[reason, default: 0] += 1 }
            else { options.log?("skipped \(path): \(reason)") }
        }
        for (reason, count) in perCause.sorted(by: { $0.key < $1.key }) { options.log?("skipped \(count) files: \(reason)") }
        // Files gone from disk, or no longer indexable, disappear.
        let present = Set(scanned.map(\.path)).subtracting(outcome.skipped.map(\.0)).union(open)
        for path in previousSet.subtracting(present).sorted() where !cancelFlag.get() {
            try store.remove(path: path)
            report.removedPaths.append(path)
        }
        for path in outcome.skipped.map(\.0) { layout.setPresent(path, false) }
        // Files parsed in this run were resolved against the new file set already; only the others may
        // point at files that appeared or disappeared. Unless files were skipped for their content: those
        // were in the set during the run, so anything may have resolved to them.
        // (A run that parsed every file there is, such as the first, has nothing left to re-resolve.)
        let parsedSet = Set(outcome.parsed)
        if previousSet != present, !cancelFlag.get(), !(outcome.skipped.isEmpty && present.isSubset(of: parsedSet)) {
            try relinkAll(skipping: outcome.skipped.isEmpty ? parsedSet : [])
        }
        if sync { try store.env.sync() }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// Re-indexes one file from `contents` (an unsaved buffer) or from disk; removes it when it is gone,
    /// unreadable, or not indexable. One write transaction.
    public func updateFile(path rawPath: String, contents: [UInt8]? = nil) throws {
        editLock.lock(); defer { editLock.unlock() }
        let path = (rawPath as NSString).standardizingPath
        guard let language = indexableLanguage(path),
              let bytes = contents ?? FileManager.default.contents(atPath: path).map(Array.init) else {
            try removeLocked(path)
            return
        }
        let mtime = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)??
            .timeIntervalSince1970 ?? 0
        try write(path: path, language: language, bytes: bytes, mtime: mtime, previous: nil, keepTree: false)
    }

    /// Removes one file's rows (it was deleted).
    public func removeFile(path rawPath: String) throws {
        editLock.lock(); defer { editLock.unlock() }
        try removeLocked((rawPath as NSString).standardizingPath)
    }

    /// Applies an editor edit to an open document: the kept tree is edited (`ts_tree_edit`) and re-parsed
    /// incrementally, then the file's rows are replaced. The first call for a path parses from scratch.
    public func applyEdit(path rawPath: String, edit: InputEdit?, newContents: [UInt8]) throws {
        editLock.lock(); defer { editLock.unlock() }
        let path = (rawPath as NSString).standardizingPath
        guard let language = indexableLanguage(path) else { return }
        var previous: Tree?
        var prior: AnalysisWorker.Prior?
        if let document = documents[path], let edit {
            document.tree.edit(edit, newSource: newContents)
            previous = document.tree
            prior = document.tags.map { AnalysisWorker.Prior(tags: $0, edit: edit) }
        }
        // The kept tags no longer describe the (edited) tree; a failed write must not leave them to the next edit.
        documents[path]?.tags = nil
        try write(path: path, language: language, bytes: newContents, mtime: Date().timeIntervalSince1970,
                  previous: previous, prior: prior, keepTree: true)
    }

    /// Forgets the kept tree of a closed document (its rows stay; a later `update` re-reads the disk).
    public func closeDocument(path: String) {
        editLock.lock(); defer { editLock.unlock() }
        documents[(path as NSString).standardizingPath] = nil
    }

    /// The kept syntax tree of an open document, if any (a copy, safe to use on another thread).
    public func tree(for path: String) -> Tree? {
        editLock.lock(); defer { editLock.unlock() }
        return documents[(path as NSString).standardizingPath]?.tree.copy()
    }

    /// Paths of the documents an editor has open (they have a kept tree).
    func openDocumentPaths() -> [String] {
        editLock.lock(); defer { editLock.unlock() }
        return Array(documents.keys)
    }

    func isOpenDocument(_ path: String) -> Bool {
        stateLock.withLock { openPaths.contains(path) }
    }

    /// The count of single-file changes so far; a scan notes it before reading a file.
    func singleFileChangeCount() -> UInt64 {
        stateLock.withLock { publishedChangeCount }
    }

    /// Writes a scan's batch in one transaction, without the files the editor owns or changed since the scan
    /// read them: an open document's rows come from its buffer, and a file updated or removed by a single-file
    /// operation after `readAt` has newer rows than the scan's. Holding the edit lock orders the batch with those
    /// operations: each runs wholly before it (and is seen here) or after it (and replaces its rows).
    func applyScanBatch(_ batch: [(path: String, readAt: UInt64, change: IndexStore.Change)]) throws {
        editLock.lock(); defer { editLock.unlock() }
        try store.apply(batch.compactMap { item in
            if documents[item.path] != nil { return nil }
            if let changed = lastChange[item.path], changed > item.readAt { return nil }
            return item.change
        })
    }

    /// Analyses and stores one file. `keepTree` makes it an open document (edits own it from now on); a file
    /// that is already open keeps its tree up to date either way.
    private func write(path: String, language: String, bytes: [UInt8], mtime: Double, previous: Tree?,
                       prior: AnalysisWorker.Prior? = nil, keepTree: Bool) throws {
        noteChange(path)
        let wasPresent = layout.contains(path)
        switch interactiveWorker.analyse(path: path, language: language, bytes: bytes, mtime: mtime, previous: previous,
                                         prior: prior) {
        case let .skipped(reason):
            options.log?("skipped \(path): \(reason)")
            try removeLocked(path)
        case .indexed(var facts, let tree, let tags):
            layout.setPresent(path, true)
            facts.imports = ImportResolution.resolve(facts.imports, file: path, language: language, layout: layout)
            let open = keepTree || documents[path] != nil
            try store.replace(facts, remember: open)
            if open { documents[path] = OpenDocument(tree: tree, tags: tags) }
            if !wasPresent { try relinkAll() }
        }
    }

    /// Called with the edit lock held.
    private func noteChange(_ path: String) {
        changeCount += 1
        lastChange[path] = changeCount
        stateLock.withLock { publishedChangeCount = changeCount }
    }

    private func removeLocked(_ path: String) throws {
        noteChange(path)
        documents[path] = nil
        try store.remove(path: path)
        if layout.setPresent(path, false) { try relinkAll() }
    }

    /// The language `path` is indexed as, or nil when it is outside the roots or has no queries.
    func indexableLanguage(_ path: String) -> String? {
        guard roots.contains(where: { path.hasPrefix($0 + "/") }),
              let language = registry.languageName(forPath: path), languages.contains(language) else { return nil }
        return language
    }

    /// Re-resolves every file's imports against the current file set; rewrites only what changed.
    func relinkAll(skipping skipped: Set<String> = []) throws {
        let all: [(String, String, [ImportRow])] = try store.env.read { txn in
            var rows: [(String, String, [ImportRow])] = []
            try store.files.scan(txn) { path, record in
                guard !skipped.contains(path) else { return true }
                rows.append((path, record.language, try store.imports.get(txn, path) ?? []))
                return true
            }
            return rows
        }
        var changes: [(path: String, imports: [ImportRow])] = []
        for (path, language, imports) in all {
            let resolved = ImportResolution.resolve(imports, file: path, language: language, layout: layout)
            if resolved != imports { changes.append((path, resolved)) }
        }
        try store.relink(changes)
    }

    /// A path relative to the root containing it (absolute when outside every root).
    public func relativePath(_ path: String) -> String {
        guard let root = roots.filter({ path.hasPrefix($0 + "/") }).max(by: { $0.count < $1.count }) else { return path }
        return String(path.dropFirst(root.count + 1))
    }

    /// An absolute path for a workspace-relative or absolute one.
    public func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        for root in roots where FileManager.default.fileExists(atPath: root + "/" + path) {
            return ((root + "/" + path) as NSString).standardizingPath
        }
        return ((roots.first ?? FileManager.default.currentDirectoryPath) + "/" + path as NSString).standardizingPath
    }
}

/// A flag shared between threads.
final class ManagedAtomicFlag: @unchecked Sendable {
    private var value = false
    private let lock = NSLock()
    func set(_ v: Bool) { lock.lock(); value = v; lock.unlock() }
    func get() -> Bool { lock.lock(); defer { lock.unlock() }; return value }
}
