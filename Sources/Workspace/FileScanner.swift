import Foundation
import Syntax

/// What the scanner keeps out of the index, and why.
public struct ScanOptions: Sendable {
    /// Gitignore-syntax patterns applied at every workspace root, before any `.gitignore`.
    public var exclude: [String]
    /// Files larger than this many bytes are skipped.
    public var maxFileSize: Int
    /// Honour `.gitignore` files (root and nested) and `.git/info/exclude`.
    public var useGitignore: Bool

    public static let defaultExclude = [".git/", ".hg/", ".svn/", ".build/", "node_modules/", ".venv/",
                                        "__pycache__/", ".mypy_cache/", ".tox/", "target/debug/", "target/release/"]

    public init(exclude: [String] = ScanOptions.defaultExclude, maxFileSize: Int = 1 << 20, useGitignore: Bool = true) {
        self.exclude = exclude
        self.maxFileSize = maxFileSize
        self.useGitignore = useGitignore
    }
}

/// A file the scanner found and that has a known language.
public struct ScannedFile: Sendable, Hashable {
    /// Absolute, standardised path.
    public var path: String
    public var root: String
    public var language: String
    public var size: Int
    public var mtime: Double
}

/// Why a file with a known language was left out; each is logged once.
public struct SkippedFile: Sendable, Hashable {
    public var path: String
    public var reason: String
}

/// Walks workspace folders. Pure IO, no parsing: the result feeds the parallel indexer.
public struct FileScanner {
    public let options: ScanOptions
    public let registry: LanguageRegistry
    /// Languages worth indexing (those with query files); nil for every language the registry knows.
    public let languages: Set<String>?

    public init(options: ScanOptions, registry: LanguageRegistry, languages: Set<String>? = nil) {
        self.options = options
        self.registry = registry
        self.languages = languages
    }

    private func language(for name: String) -> String? {
        guard let lang = registry.languageName(forPath: name) else { return nil }
        if let languages, !languages.contains(lang) { return nil }
        return lang
    }

    /// Every indexable file under `roots`, sorted by path, and the files left out with their reasons (sorted by
    /// path too). Files that cannot be read are skipped, never thrown: a workspace always scans.
    ///
    /// Folders are listed on `threads` threads: a full index waits for the scan before it parses anything, and
    /// the scan's time goes to `opendir`/`lstat` system calls, which run side by side as well as parsing does.
    public func scan(roots: [String], threads: Int = ProcessInfo.processInfo.activeProcessorCount)
        -> (files: [ScannedFile], skipped: [SkippedFile]) {
        let realRoots = roots.map { FileScanner.realPath($0) }
        var start: [FolderTask] = []
        for root in roots {
            var base = IgnoreStack([Gitignore(base: "", patterns: options.exclude)])
            if options.useGitignore, let text = try? String(contentsOfFile: root + "/.git/info/exclude", encoding: .utf8) {
                base = base.pushing(Gitignore(base: "", text: text))
            }
            start.append(FolderTask(root: root, relative: "", ignores: base))
        }
        let queue = FolderQueue(start)
        let count = max(1, threads)
        var found = [(files: [ScannedFile], skipped: [SkippedFile])](repeating: ([], []), count: count)
        found.withUnsafeMutableBufferPointer { out in
            // Each thread writes its own slot only.
            let slots = out
            DispatchQueue.concurrentPerform(iterations: count) { t in
                var files: [ScannedFile] = [], skipped: [SkippedFile] = []
                while let task = queue.next() {
                    queue.finished(list(task, realRoots: realRoots, files: &files, skipped: &skipped))
                }
                slots[t] = (files, skipped)
            }
        }
        let files = found.flatMap(\.files).sorted { $0.path < $1.path }
        let skipped = found.flatMap(\.skipped).sorted { $0.path < $1.path }
        return (files, skipped)
    }

    /// One folder to list: where it is, and the ignore rules in force above it.
    struct FolderTask {
        var root: String
        var relative: String
        var ignores: IgnoreStack
    }

    /// The folders still to list, shared by the scan's threads. A thread waits while the queue is empty but another
    /// thread is still listing (it may find subfolders); all return once the queue is empty and nobody is listing.
    final class FolderQueue: @unchecked Sendable {
        private let condition = NSCondition()
        private var pending: [FolderTask]
        private var listing = 0

        init(_ tasks: [FolderTask]) { pending = tasks }

        func next() -> FolderTask? {
            condition.lock(); defer { condition.unlock() }
            while pending.isEmpty {
                if listing == 0 { return nil }
                condition.wait()
            }
            listing += 1
            return pending.removeLast()
        }

        /// The subfolders a listing found; the listing is over.
        func finished(_ found: [FolderTask]) {
            condition.lock(); defer { condition.unlock() }
            pending += found
            listing -= 1
            condition.broadcast()
        }
    }

    /// Lists one folder: its indexable files and skips go to `files`/`skipped`, its subfolders are returned.
    private func list(_ task: FolderTask, realRoots: [String], files: inout [ScannedFile],
                      skipped: inout [SkippedFile]) -> [FolderTask] {
        let root = task.root, relative = task.relative
        let dir = relative.isEmpty ? root : root + "/" + relative
        var ignores = task.ignores
        if options.useGitignore, let text = try? String(contentsOfFile: dir + "/.gitignore", encoding: .utf8) {
            ignores = ignores.pushing(Gitignore(base: relative, text: text))
        }
        guard let entries = FileScanner.directoryEntries(dir) else { return [] }
        var folders: [FolderTask] = []
        for (name, entryType) in entries {
            let rel = relative.isEmpty ? name : relative + "/" + name
            let full = root + "/" + rel
            // Only files in an indexed language need their size and time, so only they cost a stat; the
            // directory entry's type does for the rest (when the file system reports it).
            let language = language(for: name)
            var info: FileInfo?
            var type = entryType
            if type == .unknown || (type == .regular && language != nil) {
                guard let s = FileScanner.fileInfo(full) else { continue }
                info = s
                type = s.type
            }
            if type == .symlink {
                // Never followed. A link into the workspace would index its target twice (the target is
                // indexed at its real path); a link out of it would index someone else's files.
                if language != nil || isDirectory(full) {
                    let target = FileScanner.realPath(full)
                    let inside = realRoots.contains { target == $0 || target.hasPrefix($0 + "/") }
                    skipped.append(SkippedFile(path: full, reason: inside ? "symlink to \(target), indexed there"
                                                                            : "symlink to \(target), outside the workspace"))
                }
                continue
            }
            let isDir = type == .directory
            if ignores.isIgnored(rel, isDirectory: isDir) { continue }
            if isDir {
                folders.append(FolderTask(root: root, relative: rel, ignores: ignores))
                continue
            }
            guard type == .regular, let language, let info else { continue }
            if info.size > options.maxFileSize {
                skipped.append(SkippedFile(path: full, reason: "larger than \(options.maxFileSize) bytes (\(info.size))"))
                continue
            }
            if let reason = FileScanner.generatedName(name) {
                skipped.append(SkippedFile(path: full, reason: reason))
                continue
            }
            files.append(ScannedFile(path: full, root: root, language: language, size: info.size, mtime: info.mtime))
        }
        return folders
    }

    private func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    enum EntryType { case regular, directory, symlink, other, unknown }

    /// What `lstat` says about a path: the link itself, never its target.
    struct FileInfo {
        var type: EntryType
        var size: Int
        /// Seconds since 1970, computed as Foundation's `attributesOfItem` computes `.modificationDate`, so both
        /// give the same number for the same file (stored rows are trusted when size and time match).
        var mtime: Double
    }

    /// `lstat` of `path`, nil when it fails. The scanner calls it once per source file: Foundation's
    /// `attributesOfItem` also looks up owner and group names and extended attributes, which cost more than the stat.
    static func fileInfo(_ path: String) -> FileInfo? {
        var s = stat()
        guard lstat(path, &s) == 0 else { return nil }
        let type: EntryType
        switch s.st_mode & S_IFMT {
        case S_IFREG: type = .regular
        case S_IFDIR: type = .directory
        case S_IFLNK: type = .symlink
        default: type = .other
        }
        let seconds = Double(s.st_mtim.tv_sec) - Date.timeIntervalBetween1970AndReferenceDate
        let mtime = Date(timeIntervalSinceReferenceDate: seconds + Double(s.st_mtim.tv_nsec) / 1.0e9).timeIntervalSince1970
        return FileInfo(type: type, size: Int(s.st_size), mtime: mtime)
    }

    /// The names in a folder (without `.` and `..`) and the types the directory entries give, nil when the
    /// folder cannot be read.
    static func directoryEntries(_ path: String) -> [(name: String, type: EntryType)]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var entries: [(name: String, type: EntryType)] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let type: EntryType
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): type = .regular
            case Int32(DT_DIR): type = .directory
            case Int32(DT_LNK): type = .symlink
            case Int32(DT_UNKNOWN): type = .unknown
            default: type = .other
            }
            entries.append((name, type))
        }
        return entries
    }

    /// Lock files and minified or generated files recognisable by name.
    static let lockFiles: Set<String> = ["package-lock.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock", "poetry.lock",
                                         "Pipfile.lock", "composer.lock", "Gemfile.lock", "Package.resolved", "go.sum",
                                         "npm-shrinkwrap.json", "bun.lockb", "uv.lock"]

    static func generatedName(_ name: String) -> String? {
        if lockFiles.contains(name) { return "lock file" }
        let lower = name.lowercased()
        for suffix in [".min.js", ".min.mjs", ".min.css", ".bundle.js", ".pb.go", "_pb2.py", "_pb2_grpc.py", ".pb.h", ".pb.cc",
                       ".g.dart", ".designer.cs"] where lower.hasSuffix(suffix) {
            return "generated (\(suffix))"
        }
        if Array(lower.utf8).containsSubsequence(Array(".generated.".utf8)) { return "generated (name)" }
        return nil
    }

    /// Markers of generated code, looked for (ASCII case-insensitively) in a file's first 600 bytes.
    static let generatedMarkers = ["@generated", "do not edit", "code generated by", "auto-generated", "autogenerated"]
    /// The markers' bytes, made once rather than for every file.
    private static let generatedMarkerBytes = generatedMarkers.map { Array($0.utf8) }

    /// Why the content should not be indexed: binary (a NUL in the first 8 KB) or a generated-code header.
    ///
    /// Runs on every file of a scan, so it works on bytes: Foundation's `String.contains` went through
    /// CFString and cost a sixth of the indexing time of a small-file workspace.
    public static func contentSkipReason(_ bytes: [UInt8]) -> String? {
        let hasNUL = bytes.withUnsafeBufferPointer { b in b.baseAddress.map { memchr($0, 0, min(b.count, 8192)) != nil } ?? false }
        if hasNUL { return "binary (NUL byte in the first 8 KB)" }
        // ASCII-lowercased: the markers are ASCII, and other bytes never lowercase into them.
        let head = bytes.prefix(600).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        for (marker, bytes) in zip(generatedMarkers, generatedMarkerBytes) where head.containsSubsequence(bytes) {
            return "generated (header says \"\(marker)\")"
        }
        return nil
    }

    /// A file's bytes, read straight into an array (nil when it cannot be read). The scan reads every new or
    /// changed file; `FileManager.contents(atPath:)` built a `Data` first, which was then copied again.
    ///
    /// `expectedSize` (the size the scan's `lstat` saw) saves an `fstat` per file; the file is read to its end
    /// whatever its size is by then.
    static func readBytes(_ path: String, expectedSize: Int? = nil) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let size: Int
        if let expectedSize {
            size = max(expectedSize, 0)
        } else {
            var s = stat()
            guard fstat(fd, &s) == 0 else { return nil }
            size = max(Int(s.st_size), 0)
        }
        // Room for one byte more than the size, so the read that finds the end needs no room of its own (with
        // exactly the size, the array grew, and was copied, by 4 KB just to learn that nothing followed), and not
        // zero-filled first: `read` writes every byte that is kept.
        var failed = false
        var bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, count in
            count = 0
            guard let base = buffer.baseAddress else { return }
            while count < buffer.count {
                let n = read(fd, base + count, buffer.count - count)
                if n < 0, errno == EINTR { continue }
                if n < 0 { failed = true; return }
                if n == 0 { return }
                count += n
            }
        }
        if failed { return nil }
        // The buffer is full: the file grew since the stat. Read on to its end.
        guard bytes.count > size else { return bytes }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { buffer in buffer.baseAddress.map { read(fd, $0, buffer.count) } ?? 0 }
            if n < 0, errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { return bytes }
            bytes += chunk[..<n]
        }
    }

    /// The path with symlinks resolved and `.`/`..` removed.
    public static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return (path as NSString).standardizingPath }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in the array, compared byte for byte (no Unicode or locale rules).
    ///
    /// `memchr` finds each candidate first byte and `memcmp` checks the rest: run on every scanned file's head,
    /// a byte-by-byte loop was 1% of a full index.
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard needle.count <= count else { return false }
        return withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { n in
                guard let h = hay.baseAddress, let nb = n.baseAddress else { return false }
                var i = 0
                let last = hay.count - n.count
                while i <= last {
                    guard let hit = memchr(h + i, Int32(first), last - i + 1) else { return false }
                    let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - h
                    if memcmp(h + at, nb, n.count) == 0 { return true }
                    i = at + 1
                }
                return false
            }
        }
    }
}
