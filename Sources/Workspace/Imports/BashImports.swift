import Foundation

/// Bash: `source file` and `. file` name a script relative to the sourcing script (or the root). A path
/// built from variables (`"$HOME/.env"`) cannot be known statically and stays external, as written.
enum BashImports: LanguageImportResolver {
    static func resolve(_ tag: ImportRow, from file: String, layout: WorkspaceLayout) -> [ImportTarget] {
        let path = tag.module.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        guard !path.contains("$") else { return [.external(path)] }
        if path.hasPrefix("/"), let found = layout.firstFile([path]) { return [.file(found)] }
        var candidates = [file.directory.appendingPath(path)]
        if let root = layout.root(of: file) { candidates.append(root.appendingPath(path)) }
        if let found = layout.firstFile(candidates) { return [.file(found)] }
        return [.external(path)]
    }
}
