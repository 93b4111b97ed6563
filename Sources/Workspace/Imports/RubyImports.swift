import Foundation

/// Ruby: `require_relative 'x'` is `x.rb` next to the requiring file; `require 'x'` looks in each root's
/// `lib/` and the root itself (the load path a Gemfile project sets up), else it is a gem: `json`, `rails`.
enum RubyImports: LanguageImportResolver {
    static func resolve(_ tag: ImportRow, from file: String, layout: WorkspaceLayout) -> [ImportTarget] {
        let name = tag.module.hasSuffix(".rb") ? String(tag.module.dropLast(3)) : tag.module
        if tag.isSubmodule {
            if let found = layout.firstFile([file.directory.appendingPath(name + ".rb")]) { return [.file(found)] }
            return [.external(name)]
        }
        let candidates = layout.roots.flatMap { [$0.appendingPath("lib").appendingPath(name + ".rb"), $0.appendingPath(name + ".rb")] }
        if let found = layout.firstFile(candidates) { return [.file(found)] }
        return [.external(name.split(separator: "/").first.map(String.init) ?? name)]
    }
}
