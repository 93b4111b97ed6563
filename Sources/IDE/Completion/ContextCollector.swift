import Foundation
import Syntax
import Workspace

/// Chooses repository context for a completion from the project graph: definitions of the names used
/// near the cursor, the files this file imports, and the files PageRank puts close to it.
/// The prompt builder then keeps what fits the token budget, by rank, in a stable order.
public enum ContextCollector {
    /// Lines around the cursor whose names count as "used near the cursor".
    static let window = 12
    /// Definitions longer than this are cut: a signature and the start of the body say most of it.
    static let maxDefinitionBytes = 1200
    static let maxFileBytes = 6000

    /// - Parameters:
    ///   - path: absolute path of the file being edited.
    ///   - text: its current text; `offset` the cursor's UTF-8 offset in it.
    ///   - read: the current text of a file (the editor's buffer when open, else the disk).
    ///   - ranked: the PageRank neighbours of `path` when the caller keeps them (they change only when imports
    ///     do, and computing them loads the whole graph); nil computes them now.
    public static func collect(index: Index, path: String, text: [UInt8], offset: Int, ranked: [RankedNode]? = nil,
                               read: (String) -> [UInt8]?) -> [ContextPiece] {
        var pieces: [ContextPiece] = []
        var seenFiles: Set<String> = [path]
        // Only definitions from the same language family help: a Go `main` says nothing about a Python file.
        let family = languageFamily(index.registry.languageName(forPath: path))
        func sameFamily(_ other: String) -> Bool { languageFamily(index.registry.languageName(forPath: other)) == family }

        // 1. Definitions of names used near the cursor, found in other files.
        let names = identifiers(near: offset, in: text)
        var seenSymbols: Set<String> = []
        for (i, name) in names.enumerated() where seenSymbols.insert(name).inserted {
            for def in ((try? index.definitions(named: name)) ?? []).filter({ $0.path != path && sameFamily($0.path) }).prefix(2) {
                guard let bytes = read(def.path) else { continue }
                let r = def.symbol.range
                let lo = min(r.startByte, bytes.count), hi = min(max(r.endByte, lo), bytes.count, lo + maxDefinitionBytes)
                let snippet = String(decoding: bytes[lo..<hi], as: UTF8.self)
                // Names closer to the cursor rank higher.
                pieces.append(ContextPiece(path: index.relativePath(def.path), text: snippet, reason: .symbolNearCursor,
                                           rank: 2.0 - Double(i) / Double(max(names.count, 1)), symbol: name))
            }
        }

        // 2. The files this file imports.
        for dep in ((try? index.directDependencies(of: path)) ?? []) where !NodeID.isExternal(dep) {
            guard seenFiles.insert(dep).inserted, let bytes = read(dep) else { continue }
            pieces.append(ContextPiece(path: index.relativePath(dep), text: String(decoding: bytes.prefix(maxFileBytes), as: UTF8.self),
                                       reason: .importedFile, rank: 1.0))
        }

        // 3. Files the graph ranks close to this one.
        for node in (ranked ?? (try? index.rank(around: path, limit: 8)) ?? []) where node.kind == .file {
            let abs = index.absolutePath(node.path)
            guard seenFiles.insert(abs).inserted, let bytes = read(abs) else { continue }
            pieces.append(ContextPiece(path: index.relativePath(abs), text: String(decoding: bytes.prefix(maxFileBytes), as: UTF8.self),
                                       reason: .ranked, rank: min(0.9, node.score)))
        }
        return pieces
    }

    /// Languages whose files import each other's definitions.
    static func languageFamily(_ language: String?) -> String? {
        switch language {
        case "javascript", "typescript", "tsx": return "js"
        case "c", "cpp": return "c"
        default: return language
        }
    }

    /// Identifier-like words within `window` lines of the cursor, nearest first, keywords of any language
    /// being harmless (they have no definitions).
    static func identifiers(near offset: Int, in text: [UInt8]) -> [String] {
        let cursor = min(max(0, offset), text.count)
        var start = cursor, lines = 0
        while start > 0, lines <= window { start -= 1; if text[start] == 0x0A { lines += 1 } }
        var end = cursor; lines = 0
        while end < text.count, lines <= window / 3 { if text[end] == 0x0A { lines += 1 }; end += 1 }
        var words: [(String, Int)] = []
        var i = start
        while i < end {
            let c = text[i]
            if isIdentStart(c) {
                var j = i + 1
                while j < end, isIdent(text[j]) { j += 1 }
                if j - i >= 3 { words.append((String(decoding: text[i..<j], as: UTF8.self), abs(cursor - i))) }
                i = j
            } else { i += 1 }
        }
        var seen: Set<String> = []
        return words.sorted { $0.1 < $1.1 }.map(\.0).filter { seen.insert($0).inserted }.prefix(24).map { $0 }
    }

    private static func isIdentStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
    private static func isIdent(_ c: UInt8) -> Bool { isIdentStart(c) || (c >= 48 && c <= 57) }
}
