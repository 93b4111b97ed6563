import Foundation
import Syntax

/// Organize imports: the file's leading block of imports with unused names removed, sorted the way the
/// language's tools sort them (Python: isort's sections — `__future__`, absolute, relative — `import x` before
/// `from x import`; JavaScript/TypeScript: packages before relative paths, alphabetical).
enum OrganizeImports {
    static let supported: Set<String> = ["python", "javascript", "typescript", "tsx"]

    /// One import statement, broken into what the rewrite needs.
    struct Statement {
        var module: String
        /// Names bound in the file (after `as`) with how each is written (`a as b`).
        var names: [(bound: String, written: String)]
        /// `import x` (Python) / a side-effect or namespace import (JS): rewritten as written.
        var verbatim: String?
        var isFrom: Bool
        var prefix: String
        var quote: String
    }

    static func edit(_ site: CodeActions.Site) throws -> RefactorEdit {
        let top = site.tree.rootNode.namedChildren
        let importKinds: Set<String> = site.language == "python" ? ["import_statement", "import_from_statement", "future_import_statement"]
            : ["import_statement"]
        guard let firstIndex = top.firstIndex(where: { importKinds.contains($0.kind) }) else { return RefactorEdit() }
        var block: [Node] = []
        for node in top[firstIndex...] {
            // The block ends at the first other statement (a comment too: it may describe what follows).
            guard importKinds.contains(node.kind) else { break }
            block.append(node)
        }
        guard let first = block.first, let last = block.last else { return RefactorEdit() }
        // Names used anywhere outside the import block.
        var used = Set<String>()
        site.tree.rootNode.walk { n in
            if n.startByte >= first.startByte && n.endByte <= last.endByte { return false }
            if n.namedChildCount == 0, n.kind.contains("identifier") { used.insert(n.text) }
            if n.kind.contains("string") { used.formUnion(words(n.text)) }  // `__all__ = ["name"]`, type strings
            return true
        }
        let statements = block.compactMap { site.language == "python" ? python($0) : script($0, site) }
        var kept: [Statement] = []
        for var s in statements {
            if s.verbatim == nil {
                s.names = s.names.filter { used.contains($0.bound) || s.module == "__future__" }
                if s.names.isEmpty { continue }
                s.names.sort { $0.written.lowercased() < $1.written.lowercased() }
            }
            kept.append(s)
        }
        let text = site.language == "python" ? renderPython(kept) : renderScript(kept)
        let original = site.text(first.startByte..<last.endByte)
        guard text != original else { return RefactorEdit() }
        return RefactorEdit(edits: [FileTextEdit(path: site.path, startByte: first.startByte, endByte: last.endByte, newText: text)])
    }

    static func words(_ s: String) -> [String] {
        s.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "$") }).map(String.init)
    }

    // MARK: Python

    static func python(_ node: Node) -> Statement? {
        if node.kind == "import_statement" {
            // `import a.b, c as d`: binds `a` and `d`; written back one module per line.
            var names: [(String, String)] = []
            for child in node.namedChildren {
                if child.kind == "aliased_import", let alias = child.child(byField: "alias"), let name = child.child(byField: "name") {
                    names.append((alias.text, name.text + " as " + alias.text))
                } else if child.kind == "dotted_name" {
                    names.append((String(child.text.split(separator: ".").first ?? ""), child.text))
                }
            }
            return Statement(module: names.first?.1 ?? "", names: names, verbatim: nil, isFrom: false, prefix: "", quote: "")
        }
        guard let module = node.child(byField: "module_name") else {
            return Statement(module: "__future__", names: [], verbatim: node.text, isFrom: true, prefix: "", quote: "")
        }
        if node.namedChildren.contains(where: { $0.kind == "wildcard_import" }) {
            return Statement(module: module.text, names: [], verbatim: node.text, isFrom: true, prefix: "", quote: "")
        }
        var names: [(String, String)] = []
        for child in node.namedChildren where child.startByte > module.endByte {
            if child.kind == "aliased_import", let alias = child.child(byField: "alias"), let name = child.child(byField: "name") {
                names.append((alias.text, name.text + " as " + alias.text))
            } else if child.kind == "dotted_name" {
                names.append((child.text, child.text))
            }
        }
        return Statement(module: module.text, names: names, verbatim: nil, isFrom: true, prefix: "", quote: "")
    }

    static func renderPython(_ statements: [Statement]) -> String {
        func section(_ s: Statement) -> Int { s.module == "__future__" ? 0 : s.module.hasPrefix(".") ? 2 : 1 }
        var lines: [(Int, Bool, String, String)] = []
        for s in statements {
            if let v = s.verbatim { lines.append((section(s), s.isFrom, s.module, v)); continue }
            if s.isFrom {
                lines.append((section(s), true, s.module, "from \(s.module) import " + s.names.map(\.written).joined(separator: ", ")))
            } else {
                for n in s.names { lines.append((section(s), false, n.written, "import " + n.written)) }
            }
        }
        var seen = Set<String>()
        lines = lines.filter { seen.insert($0.3).inserted }
            .sorted { ($0.0, $0.1 ? 1 : 0, $0.2.lowercased()) < ($1.0, $1.1 ? 1 : 0, $1.2.lowercased()) }
        var out = "", previous: Int?
        for line in lines {
            if let p = previous, p != line.0 { out += "\n" }
            out += line.3 + "\n"
            previous = line.0
        }
        return String(out.dropLast())
    }

    // MARK: JavaScript, TypeScript

    static func script(_ node: Node, _ site: CodeActions.Site) -> Statement? {
        guard let source = node.child(byField: "source") else { return nil }
        let module = source.namedChildren.first { $0.kind == "string_fragment" }?.text ?? ""
        let quote = String(source.text.prefix(1))
        let prefix = node.text.hasPrefix("import type") ? "import type" : "import"
        guard let clause = node.namedChildren.first(where: { $0.kind == "import_clause" }) else {
            return Statement(module: module, names: [], verbatim: node.text, isFrom: true, prefix: prefix, quote: quote)
        }
        var names: [(String, String)] = []
        var verbatim: String?
        for part in clause.namedChildren {
            switch part.kind {
            case "identifier": names.append((part.text, "default " + part.text))
            case "namespace_import": verbatim = node.text
            case "named_imports":
                for spec in part.namedChildren where spec.kind == "import_specifier" {
                    let bound = spec.child(byField: "alias") ?? spec.child(byField: "name")
                    names.append((bound?.text ?? spec.text, spec.text))
                }
            default: verbatim = node.text
            }
        }
        return Statement(module: module, names: names, verbatim: verbatim, isFrom: true, prefix: prefix, quote: quote)
    }

    static func renderScript(_ statements: [Statement]) -> String {
        let sorted = statements.sorted { a, b in
            let ra = a.module.hasPrefix("."), rb = b.module.hasPrefix(".")
            return ra != rb ? !ra : a.module.lowercased() < b.module.lowercased()
        }
        return sorted.map { s -> String in
            if let v = s.verbatim { return v.hasSuffix(";") ? v : v + ";" }
            let defaults = s.names.filter { $0.written.hasPrefix("default ") }.map { String($0.written.dropFirst(8)) }
            let named = s.names.filter { !$0.written.hasPrefix("default ") }.map(\.written)
            var parts = defaults
            if !named.isEmpty { parts.append("{ " + named.joined(separator: ", ") + " }") }
            return "\(s.prefix) \(parts.joined(separator: ", ")) from \(s.quote)\(s.module)\(s.quote);"
        }.joined(separator: "\n")
    }
}
