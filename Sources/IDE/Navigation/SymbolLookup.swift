import Foundation
import Workspace

extension Navigation {
    /// The symbol in row `row` of `path`'s symbols, or nil when the file changed and it is gone.
    public static func symbol(index: Index, path: String, row: Int) -> SymbolInfo? {
        guard let rows = try? index.symbols(in: path), row >= 0, row < rows.count else { return nil }
        return SymbolInfo(SymbolLocation(path: path, index: row, symbol: rows[row]))
    }
}
