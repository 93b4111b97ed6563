import Foundation
import Syntax
import Workspace

/// A workspace-symbol search hit.
public struct WorkspaceSymbolMatch: Hashable, Sendable {
    public var symbol: SymbolInfo
    /// Higher is better.
    public var score: Int
}

public enum WorkspaceSymbols {
    /// Definitions whose name fuzzily matches `query` (the query's characters in order, case-insensitive),
    /// best first: exact, then prefix, then matches on word starts (`gU` → `getUser`, `get_user`), then
    /// tighter matches. An empty query returns nothing (listing a whole workspace helps no one).
    public static func search(index: Index, query: String, limit: Int = 100) -> [WorkspaceSymbolMatch] {
        guard !query.isEmpty, let names = try? index.definedNames(mayMatch: query) else { return [] }
        let scored = names.compactMap { name in score(name: name, query: query).map { (name, $0) } }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        var result: [WorkspaceSymbolMatch] = []
        for (name, s) in scored {
            for location in (try? index.definitions(named: name)) ?? [] {
                result.append(WorkspaceSymbolMatch(symbol: SymbolInfo(location), score: s))
                if result.count == limit { return result }
            }
        }
        return result
    }

    /// A fuzzy score, or nil when `query` is not a subsequence of `name`.
    public static func score(name: String, query: String) -> Int? {
        isPlainASCII(name) && isPlainASCII(query) ? asciiScore(name: name, query: query) : characterScore(name: name, query: query)
    }

    /// ASCII without carriage returns: there bytes are characters, and lowercasing and `isUppercase` are bytewise.
    static func isPlainASCII(_ text: String) -> Bool { text.utf8.allSatisfy { $0 < 0x80 && $0 != 0x0D } }

    /// `characterScore` over bytes, for plain ASCII (`isPlainASCII`). Searching scores every candidate name, and
    /// building `Character` arrays cost most of that.
    public static func asciiScore(name: String, query: String) -> Int? {
        func lower(_ b: UInt8) -> UInt8 { (0x41...0x5A).contains(b) ? b | 0x20 : b }
        func isUpper(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) }
        let n = Array(name.utf8), q = query.utf8.map(lower)
        var score = 0, qi = 0, last = -2
        for i in n.indices where qi < q.count && lower(n[i]) == q[qi] {
            let wordStart = i == 0 || n[i - 1] == UInt8(ascii: "_") || n[i - 1] == UInt8(ascii: ".")
                || (isUpper(n[i]) && !isUpper(n[i - 1]))
            score += 1 + (wordStart ? 8 : 0) + (i == last + 1 ? 4 : 0)
            last = i; qi += 1
        }
        guard qi == q.count else { return nil }
        if n.count == q.count { score += 100 }
        else if n.starts(with: q, by: { lower($0) == $1 }) { score += 50 }
        return score * 100 - n.count
    }

    /// The score over Swift characters (Unicode case mapping), for any text.
    public static func characterScore(name: String, query: String) -> Int? {
        let n = Array(name), q = Array(query.lowercased())
        let lower = n.map { Character($0.lowercased()) }
        var score = 0, qi = 0, last = -2
        for (i, c) in lower.enumerated() where qi < q.count && c == q[qi] {
            let wordStart = i == 0 || n[i - 1] == "_" || n[i - 1] == "." || (n[i].isUppercase && !n[i - 1].isUppercase)
            score += 1 + (wordStart ? 8 : 0) + (i == last + 1 ? 4 : 0)
            last = i; qi += 1
        }
        guard qi == q.count else { return nil }
        if lower.count == q.count { score += 100 }
        else if lower.starts(with: q) { score += 50 }
        return score * 100 - n.count
    }
}
