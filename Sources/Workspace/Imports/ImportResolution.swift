import Foundation
import Syntax

/// What an import statement points at.
public enum ImportTarget: Hashable, Sendable {
    /// A workspace file (absolute path).
    case file(String)
    /// A module outside the workspace (`numpy`, `fmt`, `Foundation`, `stdio.h`).
    case external(String)

    var nodeID: String {
        switch self {
        case let .file(path): return path
        case let .external(name): return NodeID.external(name)
        }
    }
}

/// Resolves one language's imports. One file per language under `Workspace/Imports/`; resolution is code,
/// not queries, because it asks the file system and project configuration (go.mod, tsconfig.json, …).
protocol LanguageImportResolver {
    /// Targets of `tag` written in `file`. Never empty: an import that resolves to nothing is external.
    static func resolve(_ tag: ImportRow, from file: String, layout: WorkspaceLayout) -> [ImportTarget]
    /// Whether the answer depends on the importing file's own name, not only on its folder (then a run's
    /// `ResolutionMemo` is not used for it).
    static var dependsOnFileName: Bool { get }
}

extension LanguageImportResolver {
    static var dependsOnFileName: Bool { false }
}

/// Which resolver handles which grammar; a language without one records its imports as external.
enum ImportResolution {
    static let resolvers: [String: LanguageImportResolver.Type] = [
        "python": PythonImports.self,
        "javascript": JavaScriptImports.self, "typescript": JavaScriptImports.self, "tsx": JavaScriptImports.self,
        "go": GoImports.self,
        "rust": RustImports.self,
        "c": CImports.self, "cpp": CImports.self,
        "java": JavaImports.self,
        "swift": SwiftImports.self,
        "ruby": RubyImports.self,
        "bash": BashImports.self,
    ]

    /// `rows` with their `targets` filled in. The importing file itself is never a target.
    ///
    /// With `memo` (one per indexing worker, for one layout), an import already resolved from the same folder is
    /// answered from it: the files of a folder import much the same modules, and resolving one asks the file set
    /// and project configuration several times over.
    static func resolve(_ rows: [ImportRow], file: String, language: String, layout: WorkspaceLayout,
                        memo: ResolutionMemo? = nil) -> [ImportRow] {
        let resolver = resolvers[language]
        let memo = resolver?.dependsOnFileName == false ? memo : nil
        let folder = memo == nil ? "" : file.directory
        return rows.map { row in
            var row = row
            let targets: [ImportTarget]
            if let resolver {
                let resolve = { resolver.resolve(row, from: file, layout: layout) }
                targets = memo?.targets(language: language, folder: folder, row, resolve) ?? resolve()
            } else {
                targets = [.external(row.module)]
            }
            if targets.count == 1 {
                // Most imports name one target: nothing to deduplicate, so no set is built.
                let id = targets[0].nodeID
                row.targets = id == file ? [] : [id]
                return row
            }
            var seen = Set<String>()
            row.targets = targets.map(\.nodeID).filter { $0 != file && seen.insert($0).inserted }
            return row
        }
    }
}

/// Imports resolved during one indexing run by one worker (not thread-safe), keyed by everything a resolver of a
/// folder-based language reads: the importing folder and the import as written.
final class ResolutionMemo {
    struct Key: Hashable {
        var language: String
        var folder: String
        var module: String
        var names: [String]
        var isSubmodule: Bool
    }
    private var known: [Key: [ImportTarget]] = [:]

    /// What `row` written in `folder` resolves to: remembered, or `resolve()`d and remembered.
    func targets(language: String, folder: String, _ row: ImportRow, _ resolve: () -> [ImportTarget]) -> [ImportTarget] {
        let key = Key(language: language, folder: folder, module: row.module, names: row.names, isSubmodule: row.isSubmodule)
        if let targets = known[key] { return targets }
        let targets = resolve()
        known[key] = targets
        return targets
    }
}

/// What resolvers know about the workspace: its roots and files, plus project configuration read lazily.
/// Thread-safe: indexing workers share one.
public final class WorkspaceLayout: @unchecked Sendable {
    public let roots: [String]
    private var fileSet: Set<String>
    private var byDirectory: [String: [String]]?
    private var byFileName: [String: [String]]?
    private var memo: [String: Any] = [:]
    /// `nearest` answers by marker, then start folder: typed and nested, so a lookup builds no key string and
    /// casts nothing (every import of a Go, Rust or TypeScript file asks).
    private var nearestMemo: [String: [String: String?]] = [:]
    private let lock = NSLock()

    public init(roots: [String], files: some Sequence<String>) {
        self.roots = roots
        fileSet = Set(files)
    }

    public func contains(_ path: String) -> Bool { lock.lock(); defer { lock.unlock() }; return fileSet.contains(path) }

    /// Adds or removes a file; returns whether the set changed (then imports may resolve differently).
    @discardableResult
    public func setPresent(_ path: String, _ present: Bool) -> Bool {
        lock.lock(); defer { lock.unlock() }
        let changed = present ? fileSet.insert(path).inserted : fileSet.remove(path) != nil
        if changed { byDirectory = nil; byFileName = nil; memo.removeAll(); nearestMemo.removeAll() }
        return changed
    }

    /// Indexed files directly inside `dir`, sorted.
    func files(inDirectory dir: String) -> [String] {
        lock.lock(); defer { lock.unlock() }
        if byDirectory == nil {
            var map: [String: [String]] = [:]
            for f in fileSet { map[f.directory, default: []].append(f) }
            byDirectory = map.mapValues { $0.sorted() }
        }
        return byDirectory?[dir] ?? []
    }

    /// Indexed files under `dir` at any depth, sorted.
    func files(under dir: String) -> [String] {
        lock.lock(); defer { lock.unlock() }
        return fileSet.filter { $0.hasPrefix(dir + "/") }.sorted()
    }

    /// Indexed files whose last path component is `name`.
    func files(named name: String) -> [String] {
        lock.lock(); defer { lock.unlock() }
        if byFileName == nil {
            var map: [String: [String]] = [:]
            for f in fileSet { map[f.fileName, default: []].append(f) }
            byFileName = map.mapValues { $0.sorted() }
        }
        return byFileName?[name] ?? []
    }

    /// A value computed once per key until the file set changes (parsed go.mod, tsconfig.json, …).
    func memoized<T>(_ key: String, _ compute: () -> T) -> T {
        // Values are boxed: a bare `nil` stored as `Any` would read back as a cached `nil` for every
        // optional `T`, even for keys never computed.
        lock.lock()
        if let box = memo[key] as? Box<T> { lock.unlock(); return box.value }
        lock.unlock()
        let value = compute()
        lock.lock(); memo[key] = Box(value: value); lock.unlock()
        return value
    }

    /// The workspace root containing `path`.
    func root(of path: String) -> String? { roots.filter { path.hasPrefix($0 + "/") }.max { $0.count < $1.count } }

    /// The nearest folder from `path`'s folder up to its root that contains `marker` (a file name).
    /// Remembered per folder like the other project configuration (`go.mod` contents, crates): every file of a
    /// package asks, and each answer costs a `stat` per level up to the root.
    func nearest(_ marker: String, from path: String) -> String? {
        guard let root = root(of: path) else { return nil }
        let start = path.directory
        lock.lock()
        if let known = nearestMemo[marker]?[start] { lock.unlock(); return known }
        lock.unlock()
        var found: String?
        var dir = start
        while dir.hasPrefix(root) {
            if FileManager.default.fileExists(atPath: dir + "/" + marker) { found = dir; break }
            if dir == root { break }
            dir = dir.directory
        }
        lock.lock(); nearestMemo[marker, default: [:]][start] = .some(found); lock.unlock()
        return found
    }

    /// The first candidate that is an indexed file.
    /// Under one lock for all candidates: resolvers try up to fifteen per import (JavaScript's extensions).
    func firstFile(_ candidates: [String]) -> String? {
        lock.lock(); defer { lock.unlock() }
        for candidate in candidates {
            let path = normalizePath(candidate)
            if fileSet.contains(path) { return path }
        }
        return nil
    }
}

private struct Box<T> { let value: T }

/// Removes `.` and `..` components and doubled slashes, on the string alone. (Foundation's
/// `standardizingPath` also resolves symlinks, with a system call per component: too slow per candidate.)
func normalizePath(_ path: String) -> String {
    if !needsNormalizing(path) { return path }
    return normalizeASCIIPath(path) ?? normalizeByCharacters(path)
}

/// `normalizePath` on `Character`s: split at slashes, `.` dropped, `..` taking the component before it away.
func normalizeByCharacters(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
        if part == "." { continue }
        if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
        parts.append(part)
    }
    return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
}

/// `normalizePath` of an ASCII path, on its bytes: JavaScript's relative imports make every candidate path need
/// it, and splitting into substrings and joining them again allocated per component. Nil for other paths, where
/// the splitting on `Character`s (a slash followed by a combining mark is not a separator) decides.
func normalizeASCIIPath(_ path: String) -> String? {
    let bytes = Array(path.utf8)
    guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
    let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    if bytes.first == slash { out.append(slash) }
    // Where each kept component starts in `out`; a component after the first follows its separating slash.
    var starts: [Int] = []
    var i = 0
    while i < bytes.count {
        if bytes[i] == slash { i += 1; continue }
        var end = i
        while end < bytes.count, bytes[end] != slash { end += 1 }
        let count = end - i
        defer { i = end }
        if count == 1, bytes[i] == dot { continue }
        if count == 2, bytes[i] == dot, bytes[i + 1] == dot, let last = starts.last,
           !(out.count - last == 2 && out[last] == dot && out[last + 1] == dot) {
            out.removeLast(out.count - (starts.count > 1 ? last - 1 : last))
            starts.removeLast()
            continue
        }
        if !starts.isEmpty { out.append(slash) }
        starts.append(out.count)
        out.append(contentsOf: bytes[i..<end])
    }
    return String(decoding: out, as: UTF8.self)
}

/// Whether `path` starts with `.` or has `/.` or `//` in it. On UTF-8 bytes: it runs for every candidate
/// file of every import, and Foundation's `String.contains` goes through CFString.
private func needsNormalizing(_ path: String) -> Bool {
    var previous: UInt8 = 0
    for (i, byte) in path.utf8.enumerated() {
        if i == 0, byte == UInt8(ascii: ".") { return true }
        if previous == UInt8(ascii: "/"), byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/") { return true }
        previous = byte
    }
    return false
}

/// Shared path helpers. Import resolution builds several candidate paths per import, so the plain case (no
/// doubled or trailing slash) is string work; anything else goes to NSString, whose rules these follow.
extension String {
    var directory: String {
        let u = utf8
        if let slash = u.lastIndex(of: UInt8(ascii: "/")), slash != u.startIndex, u.last != UInt8(ascii: "/"),
           !String.hasDoubleSlash(u) {
            return String(self[..<slash])
        }
        return (self as NSString).deletingLastPathComponent
    }

    func appendingPath(_ component: String) -> String {
        let a = utf8, b = component.utf8
        if let aLast = a.last, aLast != UInt8(ascii: "/"), let bFirst = b.first, bFirst != UInt8(ascii: "/"),
           b.last != UInt8(ascii: "/"), !String.hasDoubleSlash(a), !String.hasDoubleSlash(b) {
            return self + "/" + component
        }
        return (self as NSString).appendingPathComponent(component)
    }

    /// The last path component, as `NSString.lastPathComponent` gives it. Without a trailing slash that is what
    /// follows the last slash, found on the bytes; the layout takes it of every workspace file.
    var fileName: String {
        let u = utf8
        guard let last = u.last, last != UInt8(ascii: "/") else { return (self as NSString).lastPathComponent }
        guard let slash = u.lastIndex(of: UInt8(ascii: "/")) else { return self }
        return String(self[u.index(after: slash)...])
    }

    /// `trimmingCharacters(in: .whitespaces)` on the bytes when what is trimmed, and where it stops, is ASCII
    /// (space and tab are the ASCII members of that set); any other string goes to Foundation, whose rules
    /// these are. Resolvers trim every import's text.
    func trimmingWhitespace() -> String {
        trimmingASCII(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }, orElse: .whitespaces)
    }

    /// `trimmingCharacters(in: set)` for a `set` whose ASCII members are those `isMember` accepts, computed on
    /// the bytes when the trim stops at ASCII bytes (or removes everything), else by Foundation.
    func trimmingASCII(where isMember: (UInt8) -> Bool, orElse set: CharacterSet) -> String {
        let u = utf8
        guard let start = u.firstIndex(where: { !isMember($0) }) else { return "" }
        guard let end = u.lastIndex(where: { !isMember($0) }) else { return "" }
        if u[start] >= 0x80 || u[end] >= 0x80 { return trimmingCharacters(in: set) }
        if start == u.startIndex, u.index(after: end) == u.endIndex { return self }
        return String(self[start...end])
    }

    private static func hasDoubleSlash(_ u: String.UTF8View) -> Bool {
        var previous: UInt8 = 0
        for byte in u {
            if byte == UInt8(ascii: "/"), previous == byte { return true }
            previous = byte
        }
        return false
    }
}
