import Foundation
import Storage
import Syntax

/// Read-side API of the index. Each call is one short read transaction.
extension Index {
    /// Every indexed file, by path.
    public func files() throws -> [FileRecord] {
        try store.env.read { txn in
            var out: [FileRecord] = []
            try store.files.scan(txn) { _, v in out.append(v); return true }
            return out
        }
    }

    /// Every indexed file with its definitions, by path, read in one transaction (what `quorum index` prints).
    public func filesWithSymbols() throws -> [(file: FileRecord, symbols: [SymbolRow])] {
        try store.env.read { txn in
            var out: [(file: FileRecord, symbols: [SymbolRow])] = []
            try store.files.scan(txn) { path, record in
                out.append((record, try store.symbols.get(txn, path) ?? []))
                return true
            }
            return out
        }
    }

    /// Every indexed file's record, sorted by path (no rows decoded).
    public func fileRecords() throws -> [FileRecord] {
        try store.env.read { txn in
            var out: [FileRecord] = []
            try store.files.scan(txn) { _, record in out.append(record); return true }
            return out
        }
    }

    /// The definitions of each of `paths`, in one read transaction: callers on several threads each read their
    /// own share (LMDB readers do not block one another).
    public func symbols(ofFiles paths: some Collection<String>) throws -> [[SymbolRow]] {
        try store.env.read { txn in try paths.map { try store.symbols.get(txn, $0) ?? [] } }
    }

    public func file(_ path: String) throws -> FileRecord? {
        try store.env.read { txn in try store.files.get(txn, absolutePath(path)) }
    }

    /// The definitions of one file in document order (parents before children).
    public func symbols(in path: String) throws -> [SymbolRow] {
        try store.env.read { txn in try store.symbols.get(txn, absolutePath(path)) ?? [] }
    }

    /// The references (calls, type uses, …) of one file in document order.
    public func occurrences(in path: String) throws -> [OccurrenceRow] {
        try store.env.read { txn in try store.occurrences.get(txn, absolutePath(path)) ?? [] }
    }

    /// The import statements of one file with their resolved targets.
    public func imports(in path: String) throws -> [ImportRow] {
        try store.env.read { txn in try store.imports.get(txn, absolutePath(path)) ?? [] }
    }

    /// Every definition named exactly `name`, across the workspace.
    public func definitions(named name: String) throws -> [SymbolLocation] {
        try store.env.read { txn in
            var keys: [(String, Int)] = []
            try store.names.scan(txn, prefix: IndexStore.key(name) + [0]) { key, _ in
                let parts = IndexStore.split(key)
                if parts.count >= 3 { keys.append((IndexStore.string(parts[1]), IndexStore.index(key))) }
                return true
            }
            var cache: [String: [SymbolRow]] = [:]
            return try keys.compactMap { path, i in
                if cache[path] == nil { cache[path] = try store.symbols.get(txn, path) ?? [] }
                guard let rows = cache[path], i < rows.count else { return nil }
                return SymbolLocation(path: path, index: i, symbol: rows[i])
            }
        }
    }

    /// Every distinct defined name, sorted.
    public func definedNames() throws -> [String] {
        try store.env.read { txn in try scanDefinedNames(txn) }
    }

    /// The distinct defined names that may match `query` fuzzily (for workspace-symbol search): every name that
    /// holds each of the query's characters, ignoring ASCII case, and every name or query outside ASCII, where
    /// that test would not be exact. A superset of the names whose characters contain the query's in order; from
    /// the in-memory name table (`DefinedNameTable`), in no particular order.
    public func definedNames(mayMatch query: String) throws -> [String] {
        let entries = try store.env.read { txn in try store.definedNames.entries(txn) { try scanDefinedNames(txn) } }
        guard let wanted = DefinedNameTable.mask(of: query) else { return Array(entries.keys) }
        return entries.compactMap { name, entry in
            guard let mask = entry.mask else { return name }
            return mask & wanted == wanted ? name : nil
        }
    }

    private func scanDefinedNames(_ txn: ReadTransaction) throws -> [String] {
        var out: [String] = []
        try store.names.scan(txn) { key, _ in
            let name = IndexStore.string(IndexStore.split(key).first ?? [])
            if out.last != name { out.append(name) }
            return true
        }
        return out
    }

    /// Every reference to `name` across the workspace (by name: the index is syntactic).
    public func references(to name: String) throws -> [OccurrenceLocation] {
        try store.env.read { txn in
            var paths: [String] = []
            try store.refNames.scan(txn, prefix: IndexStore.key(name) + [0]) { key, _ in
                paths.append(IndexStore.string(Array(key.dropFirst(name.utf8.count + 1)))); return true
            }
            return try paths.flatMap { path in
                try (store.occurrences.get(txn, path) ?? []).filter { $0.name == name }
                    .map { OccurrenceLocation(path: path, occurrence: $0) }
            }
        }
    }

    /// Symbols that call `name`: (file, index of the calling symbol in that file's `symbols`).
    public func callers(of name: String) throws -> [SymbolLocation] {
        try store.env.read { txn in
            var keys: [(String, Int)] = []
            try store.callers.scan(txn, prefix: IndexStore.key(name) + [0]) { key, _ in
                let parts = IndexStore.split(Array(key.dropLast(4)))
                if parts.count >= 2 { keys.append((IndexStore.string(parts[1]), IndexStore.index(key))) }
                return true
            }
            return try keys.compactMap { path, i in
                guard let rows = try store.symbols.get(txn, path), i < rows.count else { return nil }
                return SymbolLocation(path: path, index: i, symbol: rows[i])
            }
        }
    }

    /// Names called from inside symbol `index` of `path`.
    public func callees(path: String, index: Int) throws -> [String] {
        let abs = absolutePath(path)
        return try store.env.read { txn in
            var out: [String] = []
            try store.calls.scan(txn, prefix: IndexStore.key(abs, "\(index)") + [0]) { key, _ in
                if let last = IndexStore.split(key).last { out.append(IndexStore.string(last)) }
                return true
            }
            return out
        }
    }

    /// Direct import targets of a file: absolute paths and `ext:<name>` ids.
    public func directDependencies(of path: String) throws -> [String] {
        let abs = absolutePath(path)
        return try store.env.read { txn in
            var out: [String] = []
            try store.deps.scan(txn, prefix: IndexStore.key(abs) + [0]) { key, _ in
                out.append(IndexStore.string(Array(key.dropFirst(abs.utf8.count + 1)))); return true
            }
            return out
        }
    }

    /// Files importing `id` (an absolute path or `ext:<name>`) directly.
    public func directDependents(of id: String) throws -> [String] {
        let key = NodeID.isExternal(id) ? id : absolutePath(id)
        return try store.env.read { txn in
            var out: [String] = []
            try store.rdeps.scan(txn, prefix: IndexStore.key(key) + [0]) { k, _ in
                out.append(IndexStore.string(Array(k.dropFirst(key.utf8.count + 1)))); return true
            }
            return out
        }
    }

    /// Consistency problems of the store (empty when sound): every file has its symbol, occurrence and
    /// import rows; every `names`, `refnames`, `calls` and `deps` key belongs to an indexed file and agrees with its rows.
    /// Used by the crash test; cheap enough for a `--verify` flag.
    public func verify() throws -> [String] {
        try store.env.read { txn in
            var problems: [String] = []
            var records: [String: FileRecord] = [:]
            try store.files.scan(txn) { k, v in records[k] = v; return true }
            var symbolCounts: [String: Int] = [:]
            for path in records.keys {
                guard let syms = try store.symbols.get(txn, path) else { problems.append("\(path): no symbols row"); continue }
                symbolCounts[path] = syms.count
                if try store.occurrences.get(txn, path) == nil { problems.append("\(path): no occurrences row") }
                guard let imps = try store.imports.get(txn, path) else { problems.append("\(path): no imports row"); continue }
                for target in Set(imps.flatMap(\.targets)) where try store.deps.get(txn, IndexStore.key(path, target)) == nil {
                    problems.append("\(path): import edge to \(target) missing")
                }
            }
            var nameCounts: [String: Int] = [:]
            try store.names.scan(txn) { key, _ in
                let parts = IndexStore.split(key)
                let path = parts.count >= 2 ? IndexStore.string(parts[1]) : ""
                if records[path] == nil { problems.append("names row for unindexed \(path)") }
                nameCounts[path, default: 0] += 1
                return true
            }
            for (path, count) in symbolCounts where nameCounts[path, default: 0] != count {
                problems.append("\(path): \(count) symbols but \(nameCounts[path, default: 0]) names rows")
            }
            // refnames holds exactly the distinct referenced names of each file.
            var referenced: [String: Set<String>] = [:]
            for path in records.keys { referenced[path] = Set((try store.occurrences.get(txn, path) ?? []).map(\.name)) }
            var refCounts: [String: Int] = [:]
            try store.refNames.scan(txn) { key, _ in
                let parts = IndexStore.split(key)
                let name = IndexStore.string(parts.first ?? []), path = parts.count >= 2 ? IndexStore.string(parts[1]) : ""
                if referenced[path]?.contains(name) != true { problems.append("refnames row \(name) for \(path), which does not use it") }
                refCounts[path, default: 0] += 1
                return true
            }
            for (path, names) in referenced where refCounts[path, default: 0] != names.count {
                problems.append("\(path): \(names.count) referenced names but \(refCounts[path, default: 0]) refnames rows")
            }
            // calls holds exactly each file's call edges (an edit's write derives the old ones from the old rows).
            var callKeys: [String: Set<String>] = [:]
            try store.calls.scan(txn) { key, _ in
                let parts = IndexStore.split(key)
                let path = IndexStore.string(parts.first ?? [])
                callKeys[path, default: []].insert(parts.dropFirst().map(IndexStore.string).joined(separator: " "))
                return true
            }
            for path in Set(records.keys).union(callKeys.keys) {
                let expected = Set(FileFacts.callEdges(try store.occurrences.get(txn, path) ?? []).map { "\($0.0) \($0.1)" })
                if callKeys[path, default: []] != expected { problems.append("\(path): calls rows differ from its call occurrences") }
            }
            try store.deps.scan(txn) { key, _ in
                let parts = IndexStore.split(key)
                let from = IndexStore.string(parts.first ?? [])
                if records[from] == nil { problems.append("deps row from unindexed \(from)") }
                return true
            }
            for key in [store.symbols.name, store.occurrences.name, store.imports.name] {
                let db = key == store.symbols.name ? try store.symbols.count(txn)
                    : key == store.occurrences.name ? try store.occurrences.count(txn) : try store.imports.count(txn)
                if db != records.count { problems.append("\(key) has \(db) rows for \(records.count) files") }
            }
            return problems
        }
    }
}
