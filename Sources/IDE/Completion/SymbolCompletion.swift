import Foundation
import Syntax
import Workspace

/// A completion candidate from the index, merged with the model's suggestions in `textDocument/completion`.
public struct SymbolCandidate: Hashable, Sendable {
    public enum Source: String, Sendable { case member, scope, imported, importable }
    public var name: String
    public var kind: SymbolKind
    /// Where it is defined (workspace-relative), for the item's detail.
    public var definedIn: String
    public var source: Source
    /// For importable symbols: the import line to add and where (UTF-8 offset of a line start).
    public var importLine: String?
    public var importOffset: Int?
}

/// Symbols that may follow the cursor: members of the receiver when the index knows its type, names in
/// scope (this file's definitions and imported names), and importable symbols from other files of the same
/// language family, with the import line to add.
public enum SymbolCompletion {
    public static func candidates(index: Index, path: String, text: [UInt8], offset: Int, limit: Int = 50) -> [SymbolCandidate] {
        let cursor = min(max(0, offset), text.count)
        var start = cursor
        while start > 0, isIdent(text[start - 1]) { start -= 1 }
        let prefix = String(decoding: text[start..<cursor], as: UTF8.self)
        let language = index.registry.languageName(forPath: path)
        let symbols = (try? index.symbols(in: path)) ?? []
        let relative = index.relativePath(path)

        // Member access: `receiver.` + prefix.
        if start > 0, text[start - 1] == UInt8(ascii: ".") {
            var r = start - 1
            while r > 0, isIdent(text[r - 1]) { r -= 1 }
            let receiver = String(decoding: text[r..<(start - 1)], as: UTF8.self)
            return members(of: receiver, index: index, path: path, text: text, cursor: cursor, symbols: symbols)
                .filter { matches($0.name, prefix) }.prefix(limit).map { $0 }
        }

        var result: [SymbolCandidate] = []
        var seen: Set<String> = []
        // Names defined in this file.
        for s in symbols where matches(s.name, prefix) && s.name != prefix && seen.insert(s.name).inserted {
            result.append(SymbolCandidate(name: s.name, kind: s.kind, definedIn: relative, source: .scope))
        }
        // Names this file imports.
        let imports = (try? index.imports(in: path)) ?? []
        for row in imports {
            for name in row.names where matches(name, prefix) && seen.insert(name).inserted {
                let target = row.targets.first { !NodeID.isExternal($0) }
                let kind = target.flatMap { t in ((try? index.symbols(in: t)) ?? []).first { $0.name == name }?.kind } ?? .variable
                result.append(SymbolCandidate(name: name, kind: kind, definedIn: target.map(index.relativePath) ?? row.module,
                                              source: .imported))
            }
        }
        // Importable: top-level definitions elsewhere in the same language family, with an import to add.
        guard prefix.count >= 2 else { return Array(result.prefix(limit)) }
        let family = ContextCollector.languageFamily(language)
        let insertAt = importInsertionOffset(imports: imports, text: text)
        for name in ((try? index.definedNames()) ?? []) where matches(name, prefix) && !seen.contains(name) {
            for def in ((try? index.definitions(named: name)) ?? []) where def.path != path && def.symbol.parent == nil {
                guard ContextCollector.languageFamily(index.registry.languageName(forPath: def.path)) == family,
                      let line = importLine(for: name, from: def.path, into: path, language: language, index: index) else { continue }
                seen.insert(name)
                result.append(SymbolCandidate(name: name, kind: def.symbol.kind, definedIn: index.relativePath(def.path),
                                              source: .importable, importLine: line, importOffset: insertAt))
                break
            }
            if result.count >= limit { break }
        }
        return Array(result.prefix(limit))
    }

    /// Members of `receiver`: the enclosing class for `self`/`this`, a class by name, or a variable whose
    /// class the file states (`x = Cart()`, `x: Cart`, `const x = new Cart()`).
    static func members(of receiver: String, index: Index, path: String, text: [UInt8], cursor: Int,
                        symbols: [SymbolRow]) -> [SymbolCandidate] {
        var className: String?
        if receiver == "self" || receiver == "this" {
            let enclosing = symbols.enumerated().filter { $0.element.kind.isContainer && $0.element.range.startByte <= cursor
                && cursor <= $0.element.range.endByte }.last
            className = enclosing?.element.name
        } else if receiver.first?.isUppercase == true {
            className = receiver
        } else {
            let source = String(decoding: text[..<cursor], as: UTF8.self)
            let pattern = "\\b\(NSRegularExpression.escapedPattern(for: receiver))\\s*(?::\\s*|=\\s*(?:new\\s+)?)([A-Z][A-Za-z0-9_]*)"
            if let re = try? NSRegularExpression(pattern: pattern) {
                let matches = re.matches(in: source, range: NSRange(source.startIndex..., in: source))
                if let last = matches.last, let r = Range(last.range(at: 1), in: source) { className = String(source[r]) }
            }
        }
        guard let className else { return [] }
        var result: [SymbolCandidate] = []
        var seen: Set<String> = []
        for def in ((try? index.definitions(named: className)) ?? []) where def.symbol.kind.isContainer {
            let rows = (try? index.symbols(in: def.path)) ?? []
            for row in rows where (row.parent == def.index || row.container == className) && seen.insert(row.name).inserted {
                result.append(SymbolCandidate(name: row.name, kind: row.kind, definedIn: index.relativePath(def.path), source: .member))
            }
        }
        return result
    }

    /// The import statement that brings `name` from `file` into `into`, for languages where it is one line.
    static func importLine(for name: String, from file: String, into: String, language: String?, index: Index) -> String? {
        switch language {
        case "python":
            var rel = index.relativePath(file)
            guard rel.hasSuffix(".py") else { return nil }
            rel.removeLast(3)
            if rel.hasSuffix("/__init__") { rel.removeLast("/__init__".count) }
            for root in ["src/", "lib/"] where rel.hasPrefix(root) { rel.removeFirst(root.count) }
            return "from \(rel.replacingOccurrences(of: "/", with: ".")) import \(name)\n"
        case "javascript", "typescript", "tsx":
            let from = URL(fileURLWithPath: into).deletingLastPathComponent().standardizedFileURL.pathComponents
            var to = URL(fileURLWithPath: file).standardizedFileURL.pathComponents
            var common = 0
            while common < min(from.count, to.count - 1), from[common] == to[common] { common += 1 }
            let ups = from.count - common
            to = Array(to[common...])
            if var last = to.last, let dot = last.lastIndex(of: ".") { last = String(last[..<dot]); to[to.count - 1] = last }
            let spec = (ups == 0 ? "./" : String(repeating: "../", count: ups)) + to.joined(separator: "/")
            return "import { \(name) } from '\(spec)';\n"
        default:
            return nil
        }
    }

    /// After the last import statement, else at the start of the file.
    static func importInsertionOffset(imports: [ImportRow], text: [UInt8]) -> Int {
        guard let end = imports.map(\.range.endByte).max() else { return 0 }
        var i = min(end, text.count)
        while i < text.count, text[i] != 0x0A { i += 1 }
        return min(i + 1, text.count)
    }

    static func matches(_ name: String, _ prefix: String) -> Bool {
        prefix.isEmpty || name.lowercased().hasPrefix(prefix.lowercased())
    }

    private static func isIdent(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || (c >= 48 && c <= 57)
    }
}
