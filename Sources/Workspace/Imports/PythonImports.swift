import Foundation

/// Python: `import a.b`, `from a.b import c`, relative `from ..a import b`, packages (`__init__.py`),
/// and `src/` layouts. A module resolves against the importing file's package root first, then the
/// workspace roots and their `src/` folders.
enum PythonImports: LanguageImportResolver {
    static func resolve(_ tag: ImportRow, from file: String, layout: WorkspaceLayout) -> [ImportTarget] {
        let module = tag.module
        let dots = module.prefix { $0 == "." }.count
        let parts = module.dropFirst(dots).split(separator: ".").map(String.init)
        var bases: [String]
        if dots > 0 {
            var base = file.directory
            for _ in 1..<max(dots, 1) { base = base.directory }
            bases = [base]
        } else {
            bases = sourceRoots(for: file, layout: layout)
        }
        for base in bases {
            let dir = parts.reduce(base) { $0.appendingPath($1) }
            // `from pkg import sub` imports the submodule `pkg/sub.py` when there is one.
            let named = tag.names.compactMap { moduleFile(dir.appendingPath($0), layout) }
            if !named.isEmpty { return named.map { .file($0) } }
            if parts.isEmpty, dots > 0, let initFile = layout.firstFile([dir.appendingPath("__init__.py")]) {
                return [.file(initFile)]
            }
            if !parts.isEmpty, let found = moduleFile(dir, layout) { return [.file(found)] }
        }
        if dots > 0 { return [.external(module)] }
        return [.external(parts.first ?? module)]
    }

    /// `path.py`, `path.pyi` or `path/__init__.py`, whichever is indexed.
    private static func moduleFile(_ path: String, _ layout: WorkspaceLayout) -> String? {
        layout.firstFile([path + ".py", path + ".pyi", path.appendingPath("__init__.py")])
    }

    /// The folder above the importing file's top-level package, then each root and its `src/`.
    private static func sourceRoots(for file: String, layout: WorkspaceLayout) -> [String] {
        var dir = file.directory
        while layout.contains(dir.appendingPath("__init__.py")) { dir = dir.directory }
        var roots = [dir]
        for root in layout.roots { roots += [root, root.appendingPath("src"), root.appendingPath("lib")] }
        var seen = Set<String>()
        return roots.filter { seen.insert($0).inserted }
    }
}
