import Foundation
import Syntax

extension Index {
    /// The syntax tree of a file: the open document's kept tree when there is one (it matches the editor's
    /// buffer), else a fresh parse of the file on disk. Nil when the file is not indexable or unreadable.
    public func syntaxTree(for path: String) -> Tree? {
        let abs = absolutePath(path)
        if let kept = tree(for: abs) { return kept }
        guard let language = indexableLanguage(abs), let data = FileManager.default.contents(atPath: abs),
              let grammar = try? registry.language(named: language), let parser = try? Parser(language: grammar) else {
            return nil
        }
        return parser.parse([UInt8](data))
    }
}
