import Foundation
import Syntax
import Workspace

/// A place in a file: absolute path and UTF-8 range. The server converts to LSP positions at the edge.
public struct Location: Hashable, Sendable {
    public var path: String
    public var range: TextRange
    public init(path: String, range: TextRange) { self.path = path; self.range = range }
}

/// A definition as the navigation features return it.
public struct SymbolInfo: Hashable, Sendable {
    public var name: String
    public var kind: SymbolKind
    public var container: String?
    public var path: String
    /// The whole definition.
    public var range: TextRange
    /// The name only.
    public var selectionRange: TextRange
    /// Index of the symbol in its file's `symbols` rows; identifies it for call hierarchy requests.
    public var index: Int

    init(_ location: SymbolLocation) {
        let s = location.symbol
        name = s.name; kind = s.kind; container = s.container; path = location.path
        range = s.range; selectionRange = s.selection; index = location.index
    }
}

/// What is under a position: the name, and whether it is a definition's name.
struct NameAtPoint {
    var name: String
    var range: TextRange
    var definition: SymbolLocation?
}

enum NavigationSupport {
    /// The name at `point` in `path`: a definition's name or a reference from the index first (they carry
    /// meaning), else the identifier-like leaf of the syntax tree there.
    static func name(at point: SyntaxPoint, in path: String, index: Index) -> NameAtPoint? {
        let abs = index.absolutePath(path)
        let symbols = (try? index.symbols(in: abs)) ?? []
        if let i = symbols.lastIndex(where: { contains($0.selection, point) }) {
            return NameAtPoint(name: symbols[i].name, range: symbols[i].selection,
                               definition: SymbolLocation(path: abs, index: i, symbol: symbols[i]))
        }
        if let o = ((try? index.occurrences(in: abs)) ?? []).first(where: { contains($0.range, point) }) {
            return NameAtPoint(name: o.name, range: o.range, definition: nil)
        }
        guard let leaf = identifier(at: point, in: abs, index: index) else { return nil }
        return NameAtPoint(name: leaf.text, range: TextRange(leaf), definition: nil)
    }

    /// The named leaf node touching `point` whose kind looks like an identifier (`identifier`,
    /// `type_identifier`, `property_identifier`, `simple_identifier`, …): grammars agree on that naming.
    static func identifier(at point: SyntaxPoint, in path: String, index: Index) -> Node? {
        guard let tree = index.syntaxTree(for: path), let byte = byteOffset(of: point, in: tree.source) else { return nil }
        for candidate in [byte, max(0, byte - 1)] {
            if let node = tree.rootNode.namedDescendant(for: candidate..<candidate), node.namedChildCount == 0,
               node.kind.contains("identifier") || node.kind == "constant" {
                return node
            }
        }
        return nil
    }

    /// The byte offset of a (row, UTF-8 column) point, or nil when the row does not exist.
    static func byteOffset(of point: SyntaxPoint, in source: [UInt8]) -> Int? {
        var row = 0, i = 0
        while row < point.row {
            guard let nl = source[i...].firstIndex(of: 0x0A) else { return nil }
            i = nl + 1; row += 1
        }
        let lineEnd = source[i...].firstIndex(of: 0x0A) ?? source.count
        return min(i + point.column, lineEnd)
    }

    /// Whether a range covers a point, its end included (a cursor right after a name is on it).
    static func contains(_ r: TextRange, _ p: SyntaxPoint) -> Bool { r.start <= p && p <= r.end }
}
