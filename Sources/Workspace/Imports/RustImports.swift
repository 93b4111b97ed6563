import Foundation

/// Rust: `mod foo;` loads `foo.rs` or `foo/mod.rs` next to (or below) the declaring file; `use crate::a::b`,
/// `use self::…` and `use super::…` walk module files inside the crate (the folder of `src/lib.rs` or
/// `src/main.rs` under the nearest `Cargo.toml`); `use other_crate::…` of a workspace crate resolves into
/// that crate. Items (`Circle` in `use crate::shapes::Circle`) are not files: the deepest module file wins.
enum RustImports: LanguageImportResolver {
    /// `mod x;` and `use` paths start from the module the file is: `mod.rs`, `lib.rs` and `x.rs` in one folder are
    /// different modules.
    static var dependsOnFileName: Bool { true }

    static func resolve(_ tag: ImportRow, from file: String, layout: WorkspaceLayout) -> [ImportTarget] {
        let ownDir = moduleDirectory(of: file)
        if tag.isSubmodule {
            let name = tag.module
            if let found = layout.firstFile([ownDir.appendingPath(name + ".rs"), ownDir.appendingPath(name + "/mod.rs")]) {
                return [.file(found)]
            }
            return [.external(name)]
        }
        // `a::b::{c, d}` → the path before the brace list; `a::b as c` → without the alias.
        var path = tag.module
        if let brace = path.firstIndex(of: "{") { path = String(path[..<brace]) }
        if let alias = aliasStart(path) { path = String(path[..<alias]) }
        var segments = path.split(separator: ":").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        guard let first = segments.first else { return [.external(tag.module)] }
        var dir: String
        switch first {
        case "crate":
            guard let root = crateSourceDirectory(for: file, layout: layout) else { return [.external("crate")] }
            dir = root; segments.removeFirst()
        case "self":
            dir = ownDir; segments.removeFirst()
        case "super":
            dir = ownDir
            while segments.first == "super" { dir = dir.directory; segments.removeFirst() }
        default:
            guard let root = workspaceCrates(layout)[first] else { return [.external(first)] }
            dir = root; segments.removeFirst()
        }
        var best: String? = segments.isEmpty ? layout.firstFile([dir.appendingPath("lib.rs"), dir.appendingPath("main.rs"),
                                                                   dir.appendingPath("mod.rs")]) : nil
        for segment in segments {
            guard let found = layout.firstFile([dir.appendingPath(segment + ".rs"), dir.appendingPath(segment + "/mod.rs")])
            else { break }
            best = found
            dir = dir.appendingPath(segment)
        }
        if best == nil, first == "self" || first == "super" {
            // `use super::Item` names an item of the parent module file itself.
            best = layout.firstFile([dir + ".rs", dir.appendingPath("mod.rs"), dir.appendingPath("lib.rs"), dir.appendingPath("main.rs")])
        }
        if best == nil, first == "crate" {
            best = layout.firstFile([dir.appendingPath("lib.rs"), dir.appendingPath("main.rs")])
        }
        return best.map { [.file($0)] } ?? [.external(first)]
    }

    /// Where `path`'s first ` as ` starts, as `path.range(of: " as ")` finds it: on the bytes for an ASCII path (every
    /// `use` runs this), through Foundation otherwise, whose search also matches canonically equivalent text.
    static func aliasStart(_ path: String) -> String.Index? {
        let u = Array(path.utf8)
        guard u.allSatisfy({ $0 < 0x80 }) else { return path.range(of: " as ")?.lowerBound }
        let needle: [UInt8] = Array(" as ".utf8)
        guard u.count >= needle.count else { return nil }
        for i in 0...(u.count - needle.count) where u[i..<(i + needle.count)].elementsEqual(needle) {
            return path.utf8.index(path.utf8.startIndex, offsetBy: i)
        }
        return nil
    }

    /// The folder holding a module's child modules: its own folder for `mod.rs`, `lib.rs`, `main.rs`,
    /// else a folder named after the file.
    static func moduleDirectory(of file: String) -> String {
        let name = file.fileName
        if name == "mod.rs" || name == "lib.rs" || name == "main.rs" { return file.directory }
        return file.directory.appendingPath(String(name.dropLast(3)))
    }

    static func crateSourceDirectory(for file: String, layout: WorkspaceLayout) -> String? {
        guard let crate = layout.nearest("Cargo.toml", from: file) else { return nil }
        return crate.appendingPath("src")
    }

    /// Crates of the workspace by the name code uses (`my-crate` is `my_crate`) → their `src` folder.
    static func workspaceCrates(_ layout: WorkspaceLayout) -> [String: String] {
        layout.memoized("rust:crates") {
            var crates: [String: String] = [:]
            for manifest in layout.files(named: "lib.rs") + layout.files(named: "main.rs") {
                let src = manifest.directory
                let dir = src.directory
                guard (src as NSString).lastPathComponent == "src",
                      let text = try? String(contentsOfFile: dir.appendingPath("Cargo.toml"), encoding: .utf8) else { continue }
                var inPackage = false
                for line in text.split(separator: "\n") {
                    let l = line.trimmingCharacters(in: .whitespaces)
                    if l.hasPrefix("[") { inPackage = l == "[package]" || l == "[lib]"; continue }
                    if inPackage, l.hasPrefix("name"), let q1 = l.firstIndex(of: "\""),
                       let q2 = l[l.index(after: q1)...].firstIndex(of: "\"") {
                        crates[l[l.index(after: q1)..<q2].replacingOccurrences(of: "-", with: "_")] = src
                    }
                }
            }
            return crates
        }
    }
}
