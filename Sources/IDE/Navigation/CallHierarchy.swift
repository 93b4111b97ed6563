import Foundation
import Syntax
import Workspace

public enum CallHierarchy {
    /// A call between two symbols, with the ranges of the call sites (in the caller's file).
    public struct Call: Hashable, Sendable {
        /// The other end: the caller for incoming calls, the callee for outgoing ones.
        public var symbol: SymbolInfo
        public var fromRanges: [TextRange]
    }

    /// The function-like symbols at `point`: the definition whose name is there, else the definitions of
    /// the called name there.
    public static func prepare(index: Index, path: String, at point: SyntaxPoint) -> [SymbolInfo] {
        Navigation.definition(index: index, path: path, at: point)
    }

    /// Who calls `item`: every symbol with a call to its name, and where.
    public static func incomingCalls(index: Index, item: SymbolInfo) -> [Call] {
        ((try? index.callers(of: item.name)) ?? []).map { caller in
            let sites = ((try? index.occurrences(in: caller.path)) ?? [])
                .filter { $0.kind == .call && $0.name == item.name && $0.enclosing == caller.index }.map(\.range)
            return Call(symbol: SymbolInfo(caller), fromRanges: sites)
        }
    }

    /// What `item` calls: for each called name, its nearest definitions, with the call sites inside `item`.
    public static func outgoingCalls(index: Index, item: SymbolInfo) -> [Call] {
        let occurrences = (try? index.occurrences(in: item.path)) ?? []
        var result: [Call] = []
        for name in (try? index.callees(path: item.path, index: item.index)) ?? [] {
            let sites = occurrences.filter { $0.kind == .call && $0.name == name && $0.enclosing == item.index }.map(\.range)
            for target in Navigation.rankedDefinitions(of: name, from: item.path, index: index) {
                result.append(Call(symbol: SymbolInfo(target), fromRanges: sites))
            }
        }
        return result
    }
}
