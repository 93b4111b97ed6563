import Foundation
import Workspace

extension Navigation {
    /// The symbol a call-hierarchy item names: row `row` of `path`'s symbols when it still has that `name`;
    /// after an edit moved it, the row with that name nearest to `row`; nil when the file has no such symbol.
    /// (Rows are positions in the file's symbol list, so an edit above a symbol shifts them: a row alone
    /// would silently name another symbol.)
    public static func symbol(index: Index, path: String, row: Int, name: String? = nil) -> SymbolInfo? {
        guard let rows = try? index.symbols(in: path) else { return nil }
        var found: Int?
        if row >= 0, row < rows.count, name == nil || rows[row].name == name {
            found = row
        } else if let name {
            found = rows.indices.filter { rows[$0].name == name }.min { abs($0 - row) < abs($1 - row) }
        }
        guard let i = found else { return nil }
        return SymbolInfo(SymbolLocation(path: path, index: i, symbol: rows[i]))
    }
}
