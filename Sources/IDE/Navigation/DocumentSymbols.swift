import Foundation
import Syntax
import Workspace

/// A node of the outline of one file.
public struct DocumentSymbolNode: Hashable, Sendable {
    public var name: String
    public var kind: SymbolKind
    /// The container's name when it differs from the parent in this tree (a Go method's receiver type).
    public var detail: String?
    public var range: TextRange
    public var selectionRange: TextRange
    public var children: [DocumentSymbolNode]
}

public enum DocumentSymbols {
    /// The outline of `path` from the index, nested by the definitions' own nesting.
    public static func outline(index: Index, path: String) -> [DocumentSymbolNode] {
        let rows = (try? index.symbols(in: path)) ?? []
        var children: [Int: [Int]] = [:]
        var roots: [Int] = []
        for (i, row) in rows.enumerated() {
            if let parent = row.parent, parent < rows.count, parent != i { children[parent, default: []].append(i) }
            else { roots.append(i) }
        }
        // Depth is bounded by the source's nesting, so recursion is safe here.
        func build(_ i: Int) -> DocumentSymbolNode {
            let row = rows[i]
            let parentName = row.parent.flatMap { $0 < rows.count ? rows[$0].name : nil }
            return DocumentSymbolNode(name: row.name, kind: row.kind,
                                      detail: row.container != parentName ? row.container : nil,
                                      range: row.range, selectionRange: row.selection,
                                      children: (children[i] ?? []).map(build))
        }
        return roots.map(build)
    }
}
