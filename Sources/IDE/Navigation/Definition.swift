import Foundation
import Syntax
import Workspace

public enum Navigation {
    /// Definitions of the name at `point`: on a definition's own name, that definition; otherwise every
    /// definition with the name, keeping the nearest tier only — this file, else files it imports, else all.
    public static func definition(index: Index, path: String, at point: SyntaxPoint) -> [SymbolInfo] {
        guard let target = NavigationSupport.name(at: point, in: path, index: index) else { return [] }
        if let own = target.definition { return [SymbolInfo(own)] }
        return rankedDefinitions(of: target.name, from: index.absolutePath(path), index: index).map(SymbolInfo.init)
    }

    static func rankedDefinitions(of name: String, from file: String, index: Index) -> [SymbolLocation] {
        let all = (try? index.definitions(named: name)) ?? []
        let local = all.filter { $0.path == file }
        if !local.isEmpty { return local }
        let imported = Set((try? index.directDependencies(of: file)) ?? [])
        let near = all.filter { imported.contains($0.path) }
        return near.isEmpty ? all : near
    }

    /// Every use of the name at `point` across the workspace (by name: the index is syntactic), plus its
    /// definitions when `includeDeclaration`. Sorted by path and position, each location once.
    public static func references(index: Index, path: String, at point: SyntaxPoint,
                                  includeDeclaration: Bool = true) -> [Location] {
        guard let target = NavigationSupport.name(at: point, in: path, index: index) else { return [] }
        var locations = ((try? index.references(to: target.name)) ?? []).map { Location(path: $0.path, range: $0.occurrence.range) }
        if includeDeclaration {
            locations += ((try? index.definitions(named: target.name)) ?? []).map { Location(path: $0.path, range: $0.symbol.selection) }
        }
        var seen = Set<Location>()
        return locations.filter { seen.insert($0).inserted }
            .sorted { ($0.path, $0.range.startByte) < ($1.path, $1.range.startByte) }
    }

    /// A highlight of one occurrence of a name in a document.
    public struct Highlight: Hashable, Sendable {
        public enum Kind: String, Sendable { case text, read, write }
        public var range: TextRange
        public var kind: Kind
    }

    /// Occurrences in the same file of the identifier at `point`, from the syntax tree (so locals count
    /// too); a definition's name is a `write`, other uses `read`. Leaves are compared by text and kind.
    public static func highlights(index: Index, path: String, at point: SyntaxPoint) -> [Highlight] {
        guard let leaf = NavigationSupport.identifier(at: point, in: path, index: index),
              let tree = index.syntaxTree(for: path) else { return [] }
        let name = leaf.text
        let definitions = Set(((try? index.symbols(in: path)) ?? []).filter { $0.name == name }.map(\.selection.startByte))
        var result: [Highlight] = []
        tree.rootNode.walk { node in
            if node.namedChildCount == 0, node.kind == leaf.kind || node.kind.contains("identifier") && leaf.kind.contains("identifier"),
               node.text == name {
                result.append(Highlight(range: TextRange(node), kind: definitions.contains(node.startByte) ? .write : .read))
            }
            return true
        }
        return result
    }
}
