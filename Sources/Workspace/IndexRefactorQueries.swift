import Foundation

/// Project-configuration questions the refactors ask, answered the way import resolution answers them.
extension Index {
    /// The folder of the `go.mod` governing `path` and its module path, or nil when there is none.
    public func goModule(containing path: String) -> (directory: String, module: String)? {
        guard let dir = layout.nearest("go.mod", from: absolutePath(path)) else { return nil }
        let module = GoImports.modulePath(dir)
        return module.isEmpty ? nil : (dir, module)
    }

    /// The `src` folder of the Rust crate containing `path` (the nearest `Cargo.toml`'s).
    public func rustCrateSource(containing path: String) -> String? {
        RustImports.crateSourceDirectory(for: absolutePath(path), layout: layout)
    }

    /// Whether `path` (absolute) lies inside one of the workspace roots.
    public func isInsideWorkspace(_ path: String) -> Bool {
        let p = (path as NSString).standardizingPath
        return roots.contains { p == $0 || p.hasPrefix($0 + "/") }
    }
}
