import Foundation

/// Swift: a SwiftPM module is the folder `Sources/<Module>` (or `Tests/<Module>`) of a package in the
/// workspace; `import Module` resolves to that folder's files. Others (`Foundation`, `XCTest`) are external.
enum SwiftImports: LanguageImportResolver {
    static func resolve(_ tag: ImportRow, from file: String, layout: WorkspaceLayout) -> [ImportTarget] {
        let name = tag.module.split(separator: ".").first.map(String.init) ?? tag.module
        if let folders = modules(layout)[name] {
            // Memoized: every file of a module imports the same modules, and listing a folder scans the file set.
            let files: [String] = layout.memoized("swift:files:" + name) {
                folders.flatMap { layout.files(under: $0) }.filter { $0.hasSuffix(".swift") }
            }
            if !files.isEmpty { return files.map { .file($0) } }
        }
        return [.external(name)]
    }

    /// Module name → target folders, for every `Package.swift` in the workspace.
    static func modules(_ layout: WorkspaceLayout) -> [String: [String]] {
        layout.memoized("swift:modules") {
            var result: [String: [String]] = [:]
            for manifest in layout.roots.flatMap({ layout.files(under: $0) }) where manifest.hasSuffix("/Package.swift") {
                let package = manifest.directory
                for group in ["Sources", "Tests"] {
                    let dir = package.appendingPath(group)
                    for entry in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
                        result[entry, default: []].append(dir.appendingPath(entry))
                    }
                }
            }
            return result
        }
    }
}
