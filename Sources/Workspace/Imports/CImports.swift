import Foundation

/// C and C++: `#include "x.h"` looks next to the including file first; both forms then look in the include
/// folders of `compile_commands.json` (`-I`, `-iquote`, `-isystem`) when the workspace has one, then in each
/// root and its `include/`. Unfound `<…>` includes are external (`stdio.h`, `vector`).
enum CImports: LanguageImportResolver {
    static func resolve(_ tag: ImportRow, from file: String, layout: WorkspaceLayout) -> [ImportTarget] {
        let raw = tag.module.trimmingWhitespace()
        let quoted = raw.hasPrefix("\"")
        let name = raw.trimmingASCII(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") },
                                     orElse: CImports.delimiters)
        var candidates: [String] = []
        if quoted { candidates.append(file.directory.appendingPath(name)) }
        for dir in includeDirectories(layout) { candidates.append(dir.appendingPath(name)) }
        for root in layout.roots { candidates += [root.appendingPath(name), root.appendingPath("include").appendingPath(name)] }
        if let found = layout.firstFile(candidates) { return [.file(found)] }
        return [.external(name)]
    }

    /// The quotes and angle brackets around an included name.
    private static let delimiters = CharacterSet(charactersIn: "\"<>")

    /// Include folders named in the workspace's `compile_commands.json` files, absolute, in order, once.
    static func includeDirectories(_ layout: WorkspaceLayout) -> [String] {
        layout.memoized("c:includes") {
            var dirs: [String] = []
            for root in layout.roots {
                for candidate in ["compile_commands.json", "build/compile_commands.json"] {
                    guard let data = FileManager.default.contents(atPath: root.appendingPath(candidate)),
                          let entries = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else { continue }
                    for entry in entries {
                        let base = entry["directory"] as? String ?? root
                        var args = entry["arguments"] as? [String]
                            ?? (entry["command"] as? String)?.split(separator: " ").map(String.init) ?? []
                        var i = 0
                        while i < args.count {
                            let a = args[i]
                            for flag in ["-I", "-iquote", "-isystem"] where a.hasPrefix(flag) {
                                var value = String(a.dropFirst(flag.count))
                                if value.isEmpty, i + 1 < args.count { i += 1; value = args[i] }
                                let dir = value.hasPrefix("/") ? value : base.appendingPath(value)
                                let normalized = (dir as NSString).standardizingPath
                                if !dirs.contains(normalized) { dirs.append(normalized) }
                            }
                            i += 1
                        }
                        args.removeAll()
                    }
                }
            }
            return dirs
        }
    }
}
