import Foundation

/// Go: an import path under the module path of the nearest `go.mod` is a package folder of the workspace;
/// it resolves to that folder's `.go` files. Other paths (`fmt`, `github.com/x/y`) are external.
enum GoImports: LanguageImportResolver {
    static func resolve(_ tag: ImportRow, from file: String, layout: WorkspaceLayout) -> [ImportTarget] {
        let path = tag.module
        if let modDir = layout.nearest("go.mod", from: file),
           let module = layout.memoized("gomod:" + modDir, { modulePath(modDir) }) as String?,
           !module.isEmpty, path == module || path.hasPrefix(module + "/") {
            let dir = modDir.appendingPath(String(path.dropFirst(module.count)))
            let files = layout.files(inDirectory: normalizePath(dir)).filter {
                $0.hasSuffix(".go") && !$0.hasSuffix("_test.go")
            }
            if !files.isEmpty { return files.map { .file($0) } }
        }
        return [.external(path)]
    }

    /// The `module` line of `dir/go.mod`, or "" when there is none.
    static func modulePath(_ dir: String) -> String {
        guard let text = try? String(contentsOfFile: dir.appendingPath("go.mod"), encoding: .utf8) else { return "" }
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("module ") {
                return trimmed.dropFirst(7).trimmingCharacters(in: CharacterSet(charactersIn: " \t\""))
            }
        }
        return ""
    }
}
