import Foundation
import Syntax
import Workspace

/// Moving or renaming files and folders: the edits that keep every import of the moved files right, in the
/// files importing them and in the moved files themselves (their own relative imports change with them).
public enum FileMoves {
    /// The edit for `moves` (absolute paths, files or folders). A destination outside the workspace is an
    /// error and produces no edit. The returned edit has no `moves`: the editor performs them itself.
    public static func edits(index: Index, moves: [FileMove]) throws -> RefactorEdit {
        for move in moves where !index.isInsideWorkspace(move.to) {
            throw RefactorError.outsideWorkspace(path: move.to)
        }
        let map = expand(index: index, moves: moves)
        var edit = RefactorEdit()
        guard !map.isEmpty else { return edit }
        // Every file whose imports may change: importers of a moved file, and the moved files.
        var files = Set(map.keys)
        for old in map.keys { files.formUnion((try? index.directDependents(of: old)) ?? []) }
        for file in files.sorted() {
            guard let language = index.registry.languageName(forPath: file),
                  let rewriter = ImportRewriters.table[language] else { continue }
            let rows = (try? index.imports(in: file)) ?? []
            let tree = index.syntaxTree(for: file)
            for row in rows {
                guard let target = row.targets.first(where: { !NodeID.isExternal($0) }) else { continue }
                let newFile = map[file] ?? file
                let newTarget = map[target] ?? target
                guard newFile != file || newTarget != target else { continue }
                let context = ImportRewriteContext(index: index, file: file, newFile: newFile, target: target,
                                                   newTarget: newTarget, row: row, tree: tree, map: map)
                for e in rewriter(context) { edit.add(e) }
            }
            if language == "java", let newFile = map[file], let tree {
                if let e = JavaPackages.packageEdit(index: index, file: file, newFile: newFile, tree: tree) { edit.add(e) }
            }
        }
        return edit
    }

    /// Old path → new path of every indexed file moved, folders expanded to the files under them.
    static func expand(index: Index, moves: [FileMove]) -> [String: String] {
        let indexed = ((try? index.files()) ?? []).map(\.path)
        var map: [String: String] = [:]
        for move in moves {
            let from = index.absolutePath(move.from), to = (move.to as NSString).standardizingPath
            if indexed.contains(from) { map[from] = to; continue }
            for path in indexed where path.hasPrefix(from + "/") { map[path] = to + path.dropFirst(from.count) }
        }
        return map
    }
}

/// What a per-language rewriter gets: one import row of `file` whose file or target moves.
struct ImportRewriteContext {
    var index: Index
    var file: String
    var newFile: String
    /// The workspace file the import resolved to, before and after the move.
    var target: String
    var newTarget: String
    var row: ImportRow
    var tree: Tree?
    var map: [String: String]

    func replaceModule(_ text: String) -> [FileTextEdit] {
        text == row.module ? [] : [FileTextEdit(path: file, range: row.moduleRange, newText: text)]
    }
}

/// Path arithmetic shared by the rewriters.
enum PathMath {
    static func parts(_ path: String) -> [String] { path.split(separator: "/").map(String.init) }
    static func dir(_ path: String) -> String { (path as NSString).deletingLastPathComponent }
    static func base(_ path: String) -> String { (path as NSString).lastPathComponent }
    /// `path` without its extension.
    static func stem(_ path: String) -> String { (path as NSString).deletingPathExtension }

    /// The relative path from folder `from` to `to`, `..` where needed.
    static func relative(from: String, to: String) -> String {
        let a = parts(from), b = parts(to)
        var k = 0
        while k < a.count, k < b.count, a[k] == b[k] { k += 1 }
        return (Array(repeating: "..", count: a.count - k) + b[k...]).joined(separator: "/")
    }

    /// Components of `path` below `ancestor`, or nil when it is not below it.
    static func below(_ ancestor: String, _ path: String) -> [String]? {
        guard path == ancestor || path.hasPrefix(ancestor + "/") else { return nil }
        return parts(String(path.dropFirst(ancestor.count)))
    }
}
