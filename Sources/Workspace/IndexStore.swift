import Foundation
import Storage
import Syntax

/// The LMDB tables of the index (see ARCHITECTURE.md, "The workspace index") and their writes, each file's whole.
///
/// Invariant: every table row that belongs to a file is written or removed in the same write transaction as
/// that file's `files` row, so a reader (or a restart after kill -9) sees each file complete or not at all.
final class IndexStore: @unchecked Sendable {
    static let schemaVersion = "3"

    let env: Environment
    let meta: Database<StringCodec, StringCodec>
    let files: Database<StringCodec, RowCodec<FileRecord>>
    let symbols: Database<StringCodec, RowArrayCodec<SymbolRow>>
    let names: Database<BytesCodec, UnitCodec>
    let occurrences: Database<StringCodec, RowArrayCodec<OccurrenceRow>>
    let refNames: Database<BytesCodec, UnitCodec>
    let imports: Database<StringCodec, RowArrayCodec<ImportRow>>
    let deps: Database<BytesCodec, UnitCodec>
    let rdeps: Database<BytesCodec, UnitCodec>
    let externals: Database<StringCodec, StringCodec>
    let calls: Database<BytesCodec, UnitCodec>
    let callers: Database<BytesCodec, UnitCodec>
    /// The distinct defined names, kept in memory for workspace-symbol search.
    let definedNames = DefinedNameTable()
    /// What the stored rows of files rewritten one at a time hold (see RowDigest), by path.
    private var digests: [String: RowDigest] = [:]
    private let digestLock = NSLock()
    /// Open documents are few; past this many digests the oldest writes' are dropped (they are only a shortcut).
    private static let digestLimit = 64

    init(path: URL) throws {
        // The map is 1 GiB of address space, not of disk: LMDB files are sparse. Growing less often matters because
        // growth needs a moment with no transaction open in this process.
        // NOSYNC: a commit reaches the OS page cache, which survives a killed process; only a power loss can
        // drop the last commits, and the index is a cache rebuilt from the sources. `Index.update` syncs at its end.
        env = try Environment(path: path, maxDatabases: 16, mapSize: 1 << 30, noSync: true)
        meta = try env.database("meta", key: StringCodec.self, value: StringCodec.self)
        files = try env.database("files", key: StringCodec.self, value: RowCodec<FileRecord>.self)
        symbols = try env.database("symbols", key: StringCodec.self, value: RowArrayCodec<SymbolRow>.self)
        names = try env.database("names", key: BytesCodec.self, value: UnitCodec.self)
        occurrences = try env.database("occurrences", key: StringCodec.self, value: RowArrayCodec<OccurrenceRow>.self)
        refNames = try env.database("refnames", key: BytesCodec.self, value: UnitCodec.self)
        imports = try env.database("imports", key: StringCodec.self, value: RowArrayCodec<ImportRow>.self)
        deps = try env.database("deps", key: BytesCodec.self, value: UnitCodec.self)
        rdeps = try env.database("rdeps", key: BytesCodec.self, value: UnitCodec.self)
        externals = try env.database("externals", key: StringCodec.self, value: StringCodec.self)
        calls = try env.database("calls", key: BytesCodec.self, value: UnitCodec.self)
        callers = try env.database("callers", key: BytesCodec.self, value: UnitCodec.self)
        try env.write { txn in
            let stored = try meta.get(txn, "schema")
            if stored != IndexStore.schemaVersion {
                // An older layout is dropped, not migrated: everything here can be recomputed from the sources.
                if stored != nil { try dropAll(txn) }
                try meta.put(txn, "schema", IndexStore.schemaVersion)
            }
        }
    }

    private func dropAll(_ txn: WriteTransaction) throws {
        try files.clear(txn); try symbols.clear(txn); try names.clear(txn); try occurrences.clear(txn)
        try refNames.clear(txn); try imports.clear(txn); try deps.clear(txn); try rdeps.clear(txn)
        try externals.clear(txn); try calls.clear(txn); try callers.clear(txn)
    }

    // MARK: keys

    /// Components joined by NUL, which neither names nor paths contain.
    /// Built byte by byte: a file's write makes one key per definition and per referenced name.
    static func key(_ parts: String...) -> [UInt8] {
        var k: [UInt8] = []
        k.reserveCapacity(parts.reduce(parts.count) { $0 + $1.utf8.count })
        for (n, part) in parts.enumerated() {
            if n > 0 { k.append(0) }
            k.append(contentsOf: part.utf8)
        }
        return k
    }
    static func key(_ a: String, _ b: String, _ i: Int) -> [UInt8] {
        var k: [UInt8] = []
        k.reserveCapacity(a.utf8.count + b.utf8.count + 6)
        k.append(contentsOf: a.utf8); k.append(0); k.append(contentsOf: b.utf8); k.append(0)
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: i).bigEndian) { k.append(contentsOf: $0) }
        return k
    }
    static func split(_ bytes: [UInt8]) -> [[UInt8]] { bytes.split(separator: 0, omittingEmptySubsequences: false).map(Array.init) }
    static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
    static func index(_ bytes: [UInt8]) -> Int { bytes.suffix(4).reduce(0) { $0 << 8 | Int($1) } }

    // MARK: writes: a file's rows always within one transaction

    /// Replaces every row of `facts.record.path` with `facts`, in one transaction. `remember` keeps a digest of
    /// the rows for the file's next write (an editor's open document, rewritten at every keystroke).
    func replace(_ facts: FileFacts, remember: Bool = false) throws {
        var prepared = try Prepared(facts)
        prepared.remember = remember
        try apply([.replace(prepared)])
    }

    /// A file's facts with the per-file arrays already encoded.
    struct Prepared {
        var facts: FileFacts
        var symbols, occurrences, imports: [UInt8]
        /// Whether to keep the rows' digest for the next write of the file.
        var remember = false

        /// Encodes before the (serialised) write transaction is taken, so workers encode in parallel.
        init(_ facts: FileFacts) throws {
            self.facts = facts
            symbols = try RowArrayCodec.encode(facts.symbols)
            occurrences = try RowArrayCodec.encode(facts.occurrences)
            imports = try RowArrayCodec.encode(facts.imports)
        }
    }

    /// One file's update within a batch.
    enum Change {
        /// Every row of the file replaced.
        case replace(Prepared)
        /// Only the `files` row rewritten (a touched file whose content did not change).
        case record(FileRecord)
    }

    /// Applies `changes` in one write transaction. Each file's rows are written whole inside it, so a reader
    /// sees every file of the batch before or after, never half of one; a scan batches many files per commit
    /// because a commit costs more than the rows of a small file.
    func apply(_ changes: [Change]) throws {
        guard !changes.isEmpty else { return }
        var written: [RowDigest] = []
        try write { txn, touched in
            written = []
            for change in changes {
                switch change {
                case let .replace(prepared):
                    if let stored = try files.get(txn, prepared.facts.record.path) {
                        let digest = try replaceRows(txn, prepared, stored: stored, &touched)
                        if prepared.remember { written.append(digest) }
                    } else {
                        try insertRows(txn, prepared, &touched)
                        // Only a remembered write keeps one: building it for every file of a scan would cost more
                        // than it saves.
                        if prepared.remember {
                            let f = prepared.facts
                            written.append(RowDigest(path: f.record.path, hash: f.record.hash, symbols: f.symbols,
                                                     occurrences: f.occurrences))
                        }
                    }
                case let .record(record):
                    try files.put(txn, record.path, record)
                }
            }
        }
        // After the commit: a digest describes rows that are stored.
        guard !written.isEmpty else { return }
        digestLock.withLock {
            for digest in written {
                if digests.count >= IndexStore.digestLimit, digests[digest.path] == nil, let any = digests.keys.first {
                    digests[any] = nil
                }
                digests[digest.path] = digest
            }
        }
    }

    /// What a file's stored rows hold that its next write diffs against: the definition names by index (the
    /// `names` keys), the referenced names (`refnames`) and the call edges (`calls`). Kept for files rewritten one
    /// at a time, so a keystroke in a large file does not decode its old rows back (a third of such a write).
    /// Valid while the stored `files` row has the same content hash: the rows are a function of the content, and
    /// every row of a file is written with its `files` row.
    struct RowDigest {
        let path: String
        let hash: String
        let symbolNames: [String]
        let referenced: Set<String>
        let calls: Set<CallEdge>

        init(path: String, hash: String, symbols: [SymbolRow], occurrences: [OccurrenceRow]) {
            self.path = path
            self.hash = hash
            symbolNames = symbols.map(\.name)
            referenced = Set(occurrences.map(\.name))
            calls = Set(FileFacts.callEdges(occurrences).map { CallEdge(caller: $0.0, callee: $0.1) })
        }
    }

    struct CallEdge: Hashable { var caller: Int, callee: String }

    /// The digest of `path`'s stored rows: the kept one when it matches the stored content hash, else decoded.
    private func storedDigest(_ txn: WriteTransaction, path: String, stored: FileRecord) throws -> RowDigest {
        if let kept = digestLock.withLock({ digests[path] }), kept.hash == stored.hash { return kept }
        return RowDigest(path: path, hash: stored.hash, symbols: try symbols.get(txn, path) ?? [],
                         occurrences: try occurrences.get(txn, path) ?? [])
    }

    /// Removes every row of `path`, in one transaction. Returns whether the file was indexed.
    @discardableResult
    func remove(path: String) throws -> Bool {
        try write { txn, touched in
            let existed = try files.get(txn, path) != nil
            try removeRows(txn, path: path, &touched)
            return existed
        }
    }

    /// Names whose `names` keys a write added or deleted; nil when the name table is not built (nothing to keep up).
    typealias TouchedNames = Set<String>?

    /// A write transaction that keeps `definedNames` current: `body` notes the names whose keys it changed, and
    /// after the commit the table learns which of them are still defined (looked up before the commit, in the
    /// same transaction).
    private func write<R>(_ body: (WriteTransaction, inout TouchedNames) throws -> R) throws -> R {
        var outcome: (id: UInt64, defined: [String: Bool]?)?
        let result = try env.write { txn -> R in
            var touched: TouchedNames = definedNames.isBuilt ? [] : nil
            let result = try body(txn, &touched)
            var defined: [String: Bool]?
            if let touched {
                var found: [String: Bool] = [:]
                for name in touched {
                    var any = false
                    try names.scan(txn, prefix: IndexStore.key(name) + [0]) { _, _ in any = true; return false }
                    found[name] = any
                }
                defined = found
            }
            outcome = (txn.id, defined)
            return result
        }
        if let outcome { definedNames.committed(outcome.defined, id: outcome.id, lastCommitted: env.lastCommittedTransaction) }
        return result
    }

    /// Rewrites the resolved targets of files' imports (after files appeared or disappeared), in one transaction;
    /// each file's edges change whole within it.
    func relink(_ changes: [(path: String, imports: [ImportRow])]) throws {
        guard !changes.isEmpty else { return }
        try write { txn, _ in
            for (path, newImports) in changes {
                guard let record = try files.get(txn, path) else { continue }
                try removeEdges(txn, path: path)
                try imports.put(txn, path, newImports)
                try insertEdges(txn, path: path, language: record.language, imports: newImports)
            }
        }
    }

    /// Replaces an indexed file's rows by their difference: index keys in both the old and the new rows stay,
    /// only the others are deleted or added, and the per-file values are rewritten. The result is the one of
    /// `removeRows` then `insertRows`; an editor's keystroke in a large file changes a handful of keys, not all.
    private func replaceRows(_ txn: WriteTransaction, _ p: Prepared, stored: FileRecord,
                             _ touched: inout TouchedNames) throws -> RowDigest {
        let f = p.facts
        let path = f.record.path
        let old = try storedDigest(txn, path: path, stored: stored)
        let new = RowDigest(path: path, hash: f.record.hash, symbols: f.symbols, occurrences: f.occurrences)
        // A `names` key is (name, path, index in the array): it changes where the name at an index does.
        for i in 0..<max(old.symbolNames.count, new.symbolNames.count) {
            let was = i < old.symbolNames.count ? old.symbolNames[i] : nil
            let now = i < new.symbolNames.count ? new.symbolNames[i] : nil
            if was == now { continue }
            if let was { try names.delete(txn, IndexStore.key(was, path, i)); touched?.insert(was) }
            if let now { try names.put(txn, IndexStore.key(now, path, i), ()); touched?.insert(now) }
        }

        for name in old.referenced.subtracting(new.referenced) { try refNames.delete(txn, IndexStore.key(name, path)) }
        for name in new.referenced.subtracting(old.referenced) { try refNames.put(txn, IndexStore.key(name, path), ()) }

        // The `calls` keys are the old occurrences' call edges (written with them; `verify` checks it): derived
        // from the old rows rather than read back key by key, which cost more than the rest of a keystroke.
        let oldCalls = old.calls, newCalls = new.calls
        for call in oldCalls where !newCalls.contains(call) {
            try calls.delete(txn, IndexStore.key(path, "\(call.caller)", call.callee))
            try callers.delete(txn, IndexStore.key(call.callee, path, call.caller))
        }
        for call in newCalls where !oldCalls.contains(call) {
            try calls.put(txn, IndexStore.key(path, "\(call.caller)", call.callee), ())
            try callers.put(txn, IndexStore.key(call.callee, path, call.caller), ())
        }

        var oldTargets = Set<String>()
        try deps.scan(txn, prefix: IndexStore.key(path) + [0]) { key, _ in
            oldTargets.insert(IndexStore.string(Array(key.dropFirst(path.utf8.count + 1)))); return true
        }
        let newTargets = Set(f.imports.flatMap(\.targets))
        for target in oldTargets.subtracting(newTargets) { try removeEdge(txn, from: path, to: target) }
        for target in newTargets.subtracting(oldTargets) { try insertEdge(txn, from: path, to: target, language: f.record.language) }

        try files.put(txn, path, f.record)
        try symbols.put(txn, path, encoded: p.symbols)
        try occurrences.put(txn, path, encoded: p.occurrences)
        try imports.put(txn, path, encoded: p.imports)
        return new
    }

    private func insertRows(_ txn: WriteTransaction, _ encoded: Prepared, _ touched: inout TouchedNames) throws {
        let f = encoded.facts
        let path = f.record.path
        try files.put(txn, path, f.record)
        try symbols.put(txn, path, encoded: encoded.symbols)
        for (i, s) in f.symbols.enumerated() {
            try names.put(txn, IndexStore.key(s.name, path, i), ())
            touched?.insert(s.name)
        }
        try occurrences.put(txn, path, encoded: encoded.occurrences)
        for name in Set(f.occurrences.map(\.name)) { try refNames.put(txn, IndexStore.key(name, path), ()) }
        try imports.put(txn, path, encoded: encoded.imports)
        try insertEdges(txn, path: path, language: f.record.language, imports: f.imports)
        for (caller, callee) in f.calls {
            try calls.put(txn, IndexStore.key(path, "\(caller)", callee), ())
            try callers.put(txn, IndexStore.key(callee, path, caller), ())
        }
    }

    private func insertEdges(_ txn: WriteTransaction, path: String, language: String, imports: [ImportRow]) throws {
        for target in Set(imports.flatMap(\.targets)) { try insertEdge(txn, from: path, to: target, language: language) }
    }

    private func insertEdge(_ txn: WriteTransaction, from path: String, to target: String, language: String) throws {
        try deps.put(txn, IndexStore.key(path, target), ())
        try rdeps.put(txn, IndexStore.key(target, path), ())
        if NodeID.isExternal(target), try externals.get(txn, target) == nil {
            try externals.put(txn, target, language)
        }
    }

    private func removeEdges(_ txn: WriteTransaction, path: String) throws {
        var targets: [String] = []
        try deps.scan(txn, prefix: IndexStore.key(path) + [0]) { key, _ in
            targets.append(IndexStore.string(Array(key.dropFirst(path.utf8.count + 1)))); return true
        }
        for target in targets { try removeEdge(txn, from: path, to: target) }
    }

    private func removeEdge(_ txn: WriteTransaction, from path: String, to target: String) throws {
        try deps.delete(txn, IndexStore.key(path, target))
        try rdeps.delete(txn, IndexStore.key(target, path))
        // An external module with no importer left is no longer a node.
        if NodeID.isExternal(target) {
            var stillUsed = false
            try rdeps.scan(txn, prefix: IndexStore.key(target) + [0]) { _, _ in stillUsed = true; return false }
            if !stillUsed { try externals.delete(txn, target) }
        }
    }

    private func removeRows(_ txn: WriteTransaction, path: String, _ touched: inout TouchedNames) throws {
        // A kept digest is checked against the stored content hash before use, so dropping it is only tidiness.
        digestLock.withLock { digests[path] = nil }
        // A file's rows exist only with its `files` row (they are written and removed together), so a new
        // file has nothing to remove.
        guard try files.contains(txn, path) else { return }
        if let old = try symbols.get(txn, path) {
            for (i, s) in old.enumerated() {
                try names.delete(txn, IndexStore.key(s.name, path, i))
                touched?.insert(s.name)
            }
        }
        if let old = try occurrences.get(txn, path) {
            for name in Set(old.map(\.name)) { try refNames.delete(txn, IndexStore.key(name, path)) }
        }
        var callKeys: [[UInt8]] = []
        try calls.scan(txn, prefix: IndexStore.key(path) + [0]) { key, _ in callKeys.append(key); return true }
        for key in callKeys {
            let parts = IndexStore.split(key)
            guard parts.count == 3, let caller = Int(IndexStore.string(parts[1])) else { continue }
            try callers.delete(txn, IndexStore.key(IndexStore.string(parts[2]), path, caller))
        }
        try calls.deletePrefix(txn, prefix: IndexStore.key(path) + [0])
        try removeEdges(txn, path: path)
        try files.delete(txn, path)
        try symbols.delete(txn, path)
        try occurrences.delete(txn, path)
        try imports.delete(txn, path)
    }
}
