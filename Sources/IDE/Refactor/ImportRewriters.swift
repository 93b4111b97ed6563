import Foundation
import Syntax
import Workspace

/// How each language spells an import of a moved file: one rewriter per language, each turning an import
/// row whose file or target moved into the edits of that row.
enum ImportRewriters {
    typealias Rewriter = (ImportRewriteContext) -> [FileTextEdit]

    static let table: [String: Rewriter] = [
        "python": python,
        "javascript": javascript, "typescript": javascript, "tsx": javascript,
        "go": go,
        "rust": rust,
        "c": c, "cpp": c,
        "java": java,
    ]

    // MARK: Python

    /// `import a.b`, `from a.b import c`, `from . import c` (a submodule named in the import list) and
    /// relative forms; a relative import stays relative, an absolute one stays under the same source root.
    static func python(_ c: ImportRewriteContext) -> [FileTextEdit] {
        func stem(_ path: String) -> String {
            PathMath.base(path) == "__init__.py" ? PathMath.dir(path) : PathMath.stem(path)
        }
        let oldStem = stem(c.target), newStem = stem(c.newTarget)
        let submoduleName = c.row.names.first { oldStem.hasSuffix("/" + $0) }
        let moduleStem = submoduleName != nil ? PathMath.dir(oldStem) : oldStem
        let newModuleStem = submoduleName != nil ? PathMath.dir(newStem) : newStem
        let dots = c.row.module.prefix { $0 == "." }.count
        var module: String
        if dots > 0 {
            let from = PathMath.parts(PathMath.dir(c.newFile)), to = PathMath.parts(newModuleStem)
            var k = 0
            while k < from.count, k < to.count, from[k] == to[k] { k += 1 }
            module = String(repeating: ".", count: from.count - k + 1) + to[k...].joined(separator: ".")
        } else {
            let count = c.row.module.split(separator: ".").count
            var root = moduleStem
            for _ in 0..<count { root = PathMath.dir(root) }
            guard let below = PathMath.below(root, newModuleStem), !below.isEmpty else { return [] }
            module = below.joined(separator: ".")
        }
        var edits = c.replaceModule(module)
        // `from pkg import old_name` of a renamed submodule: the imported name follows the file, and so do the
        // file's plain uses of it (`old_name.f()`), unless the import gives it an alias.
        if let name = submoduleName, let tree = c.tree, PathMath.base(newStem) != name,
           let rules = RefactorLanguageRules.forLanguage("python") {
            let aliased = c.row.range.startByte < c.row.range.endByte
                && String(decoding: tree.source[c.row.range.startByte..<c.row.range.endByte], as: UTF8.self).contains(" as ")
            for leaf in Rename.identifierLeaves(in: tree.rootNode) where leaf.text == name && !rules.isMemberAccess(leaf) {
                let inStatement = c.row.range.startByte <= leaf.startByte && leaf.endByte <= c.row.range.endByte
                let inModule = c.row.moduleRange.startByte <= leaf.startByte && leaf.endByte <= c.row.moduleRange.endByte
                if inModule || (!inStatement && (aliased || Rename.isInImport(leaf))) { continue }
                edits.append(FileTextEdit(path: c.file, range: TextRange(leaf), newText: PathMath.base(newStem)))
            }
        }
        return edits
    }

    // MARK: JavaScript, TypeScript

    static let scriptExtensions = ["ts", "tsx", "js", "jsx", "mjs", "cjs"]

    /// Relative specifiers only (packages and tsconfig aliases do not move with files); the specifier keeps
    /// its style: with or without an extension, or naming a folder by its `index` file.
    static func javascript(_ c: ImportRewriteContext) -> [FileTextEdit] {
        let spec = c.row.module
        guard spec.hasPrefix(".") else { return [] }
        let last = PathMath.base(spec)
        let targetBase = PathMath.base(c.target)
        let newDir = PathMath.dir(c.newFile)
        var path: String
        if PathMath.stem(targetBase) == "index", PathMath.stem(last) != "index" {
            path = PathMath.relative(from: newDir, to: PathMath.dir(c.newTarget))
        } else if scriptExtensions.contains((last as NSString).pathExtension) {
            path = PathMath.relative(from: newDir, to: PathMath.stem(c.newTarget) + "." + (last as NSString).pathExtension)
        } else {
            path = PathMath.relative(from: newDir, to: PathMath.stem(c.newTarget))
        }
        if path.isEmpty { path = "." }
        if !path.hasPrefix(".") { path = "./" + path }
        return c.replaceModule(path)
    }

    // MARK: Go

    /// A package folder that moves changes its import path: the module path plus the folder below go.mod.
    static func go(_ c: ImportRewriteContext) -> [FileTextEdit] {
        guard let mod = c.index.goModule(containing: c.file),
              c.row.module == mod.module || c.row.module.hasPrefix(mod.module + "/"),
              PathMath.dir(c.target) != PathMath.dir(c.newTarget),
              let below = PathMath.below(mod.directory, PathMath.dir(c.newTarget)) else { return [] }
        return c.replaceModule(([mod.module] + below).joined(separator: "/"))
    }

    // MARK: Rust

    /// `mod old;` becomes `mod new;` when a module file is renamed in place (with the paths naming it in the
    /// declaring file); `use crate::a::old::…` paths follow the module's new place in the crate.
    static func rust(_ c: ImportRewriteContext) -> [FileTextEdit] {
        func modulePath(_ file: String, _ src: String) -> [String]? {
            guard var parts = PathMath.below(src, PathMath.stem(file)) else { return nil }
            if parts.last == "mod" { parts.removeLast() }
            if parts == ["lib"] || parts == ["main"] { return [] }
            return parts
        }
        let oldName = PathMath.base(PathMath.stem(c.target)) == "mod" ? PathMath.base(PathMath.dir(c.target)) : PathMath.base(PathMath.stem(c.target))
        let newName = PathMath.base(PathMath.stem(c.newTarget)) == "mod" ? PathMath.base(PathMath.dir(c.newTarget)) : PathMath.base(PathMath.stem(c.newTarget))
        if c.row.isSubmodule {
            guard oldName != newName, c.row.module == oldName, let tree = c.tree else { return [] }
            var edits = c.replaceModule(newName)
            let pathParents: Set<String> = ["scoped_identifier", "scoped_type_identifier", "scoped_use_list", "use_declaration",
                                            "use_as_clause", "use_list", "use_wildcard"]
            for leaf in Rename.identifierLeaves(in: tree.rootNode) where leaf.text == oldName {
                guard let parent = leaf.parent else { continue }
                // Inside a macro call (`println!("{}", old::f())`) paths are bare tokens: `old` followed by `::`.
                if parent.kind == "token_tree" {
                    if leaf.nextSibling?.text == "::" { edits.append(FileTextEdit(path: c.file, range: TextRange(leaf), newText: newName)) }
                    continue
                }
                guard pathParents.contains(parent.kind) else { continue }
                if parent.kind == "scoped_identifier" || parent.kind == "scoped_type_identifier",
                   parent.child(byField: "path").map({ $0.startByte == leaf.startByte }) != true { continue }
                edits.append(FileTextEdit(path: c.file, range: TextRange(leaf), newText: newName))
            }
            return edits
        }
        guard let src = c.index.rustCrateSource(containing: c.target),
              let old = modulePath(c.target, src), let new = modulePath(c.newTarget, src), old != new else { return [] }
        let oldPrefix = (["crate"] + old).joined(separator: "::"), newPrefix = (["crate"] + new).joined(separator: "::")
        let text = c.row.module
        guard text.hasPrefix(oldPrefix) else { return [] }
        return c.replaceModule(newPrefix + text.dropFirst(oldPrefix.count))
    }

    // MARK: C, C++

    /// `#include "x.h"` stays relative to what it was relative to: the including file's folder, or the include
    /// folder it was found in.
    static func c(_ c: ImportRewriteContext) -> [FileTextEdit] {
        let raw = c.row.module
        guard let open = raw.first, open == "\"" || open == "<" else { return [] }
        let close: Character = open == "\"" ? "\"" : ">"
        let name = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\"<>"))
        guard c.target.hasSuffix("/" + name) else { return [] }
        let base = String(c.target.dropLast(name.count + 1))
        let newName: String
        if base == PathMath.dir(c.file) || PathMath.below(base, c.newTarget) == nil {
            newName = PathMath.relative(from: PathMath.dir(c.newFile), to: c.newTarget)
        } else {
            newName = PathMath.relative(from: base, to: c.newTarget)
        }
        return c.replaceModule(String(open) + newName + String(close))
    }

    // MARK: Java

    /// `import a.b.C;` of a moved class names its new package (and its new name when the file was renamed).
    static func java(_ c: ImportRewriteContext) -> [FileTextEdit] {
        guard c.target != c.newTarget,
              let oldPackage = JavaPackages.package(index: c.index, file: c.target),
              c.row.module == (oldPackage.isEmpty ? "" : oldPackage + ".") + PathMath.base(PathMath.stem(c.target)),
              let newPackage = JavaPackages.newPackage(index: c.index, file: c.target, newFile: c.newTarget) else { return [] }
        let cls = PathMath.base(PathMath.stem(c.newTarget))
        return c.replaceModule(newPackage.isEmpty ? cls : newPackage + "." + cls)
    }
}

/// Java's package declarations, which must match the folder below the source root.
enum JavaPackages {
    /// The package a file declares ("" for the default package), nil when unreadable.
    static func package(index: Index, file: String) -> String? {
        guard let tree = index.syntaxTree(for: file) else { return nil }
        return declaration(tree).map { $0.text } ?? ""
    }

    static func declaration(_ tree: Tree) -> Node? {
        tree.rootNode.namedChildren.first { $0.kind == "package_declaration" }?
            .namedChildren.first { $0.kind == "scoped_identifier" || $0.kind == "identifier" }
    }

    /// The package a file gets at `newFile`: its source root (the folder above its package folders) stays.
    static func newPackage(index: Index, file: String, newFile: String) -> String? {
        guard let old = package(index: index, file: file) else { return nil }
        var root = PathMath.dir(file)
        let segments = old.split(separator: ".").map(String.init)
        guard PathMath.parts(root).suffix(segments.count) == ArraySlice(segments) else { return nil }
        for _ in segments { root = PathMath.dir(root) }
        return PathMath.below(root, PathMath.dir(newFile))?.joined(separator: ".")
    }

    /// The edit of a moved file's own `package` line.
    static func packageEdit(index: Index, file: String, newFile: String, tree: Tree) -> FileTextEdit? {
        guard let node = declaration(tree), let new = newPackage(index: index, file: file, newFile: newFile),
              !new.isEmpty, new != node.text else { return nil }
        return FileTextEdit(path: file, range: TextRange(node), newText: new)
    }
}
