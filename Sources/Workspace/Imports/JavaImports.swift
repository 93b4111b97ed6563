import Foundation

/// Java: `a.b.C` is the file `…/a/b/C.java` under some source root, found by path suffix among the indexed
/// files (source roots differ per build tool, the package folders do not); `a.b.*` is every file of the
/// package folder; a static import `a.b.C.m` resolves to `C.java`. Anything else (`java.util.List`) is
/// external, named by its package.
enum JavaImports: LanguageImportResolver {
    static func resolve(_ tag: ImportRow, from file: String, layout: WorkspaceLayout) -> [ImportTarget] {
        var parts = tag.module.split(separator: ".").map(String.init)
        guard !parts.isEmpty else { return [.external(tag.module)] }
        let original = parts
        while parts.count >= 1 {
            let suffix = "/" + parts.joined(separator: "/") + ".java"
            let matches = layout.files(named: parts[parts.count - 1] + ".java").filter { $0.hasSuffix(suffix) }
            if let best = matches.first { return [.file(best)] }
            // A package: the import was `a.b.*`, which the query reports as `a.b`.
            if parts.count == original.count {
                let dirSuffix = "/" + parts.joined(separator: "/")
                let javaFiles: [String] = layout.memoized("java:files") {
                    layout.roots.flatMap { layout.files(under: $0) }.filter { $0.hasSuffix(".java") }
                }
                let candidates = javaFiles.filter { $0.directory.hasSuffix(dirSuffix) }
                if !candidates.isEmpty { return candidates.map { .file($0) } }
            }
            parts.removeLast()
            if parts.count < 2 { break }
        }
        return [.external(original.dropLast(original.count > 1 ? 1 : 0).joined(separator: "."))]
    }
}
