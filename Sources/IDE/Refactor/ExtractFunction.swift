import Foundation
import Syntax

/// Extract function: whole statements become a new top-level function. Its parameters are the names the
/// statements read that are bound before them in the enclosing function; its results are the names they
/// assign that the enclosing function reads after them.
enum ExtractFunction {
    static let supported: Set<String> = ["python", "javascript", "typescript", "tsx"]

    struct Flow {
        var parameters: [String]
        var results: [String]
        /// Results declared inside the selection (JavaScript needs `const` at the call site for them).
        var declaredInside: Set<String>
    }

    /// Names flowing into and out of `statements` within `scope` (the enclosing function, or the file).
    static func flow(_ site: CodeActions.Site, statements: [Node], scope: Node) -> Flow {
        let lo = statements.first?.startByte ?? 0, hi = statements.last?.endByte ?? 0
        let leaves = Rename.identifierLeaves(in: scope).filter { !site.rules.isMemberAccess($0) }
        let boundBefore = Set(leaves.filter { $0.startByte < lo && site.rules.isBinding($0) }.map(\.text))
        let inside = leaves.filter { $0.startByte >= lo && $0.endByte <= hi }
        let boundInside = inside.filter { site.rules.isBinding($0) }
        let readAfter = Set(leaves.filter { $0.startByte >= hi && !site.rules.isBinding($0) }.map(\.text))
            .union(leaves.filter { $0.startByte >= hi && isAugmented($0) }.map(\.text))
        var parameters: [String] = [], results: [String] = []
        for leaf in inside where !site.rules.isBinding(leaf) && boundBefore.contains(leaf.text) && !parameters.contains(leaf.text) {
            parameters.append(leaf.text)
        }
        for leaf in boundInside where readAfter.contains(leaf.text) && !results.contains(leaf.text) { results.append(leaf.text) }
        // A name assigned inside but also bound before (a reassignment) is both read and written.
        for leaf in boundInside where boundBefore.contains(leaf.text) && isAugmented(leaf) && !parameters.contains(leaf.text) {
            parameters.append(leaf.text)
        }
        let declared = Set(boundInside.filter { $0.parent?.kind == "variable_declarator" }.map(\.text))
        return Flow(parameters: parameters, results: results, declaredInside: declared)
    }

    static func isAugmented(_ leaf: Node) -> Bool { leaf.parent?.kind == "augmented_assignment" }

    static func edit(_ site: CodeActions.Site) throws -> RefactorEdit {
        guard let statements = CodeActions.statements(at: site), let first = statements.first, let last = statements.last else {
            throw RefactorError.noSelection(what: "select whole statements of one block to extract them into a function")
        }
        let returns = statements.contains { s in
            var found = false
            s.walk { n in
                if n.kind == "return_statement" || n.kind == "yield" || n.kind == "break_statement" || n.kind == "continue_statement" { found = true }
                return !found && !site.rules.scopeKinds.contains(n.kind)
            }
            return found
        }
        if returns {
            throw RefactorError.noSelection(what: "the selection leaves its block early (return, break, continue or yield); extract statements that run to their end")
        }
        let scope = Rename.enclosingScope(of: first, rules: site.rules) ?? site.tree.rootNode
        let flow = flow(site, statements: statements, scope: scope)
        let python = site.language == "python"
        let name = site.freshName(python ? "extracted_function" : "extractedFunction")
        let bodyIndent = python ? "    " : "  "
        let body = reindent(site.text(lineStart(site, first.startByte)..<last.endByte), to: bodyIndent)
        let params = flow.parameters.joined(separator: ", ")
        var function: String, call: String
        let resultList = flow.results.joined(separator: ", ")
        if python {
            function = "def \(name)(\(params)):\n" + body + "\n"
            if !flow.results.isEmpty { function += bodyIndent + "return " + resultList + "\n" }
            call = (flow.results.isEmpty ? "" : resultList + " = ") + "\(name)(\(params))"
        } else {
            function = "function \(name)(\(params)) {\n" + body + "\n"
            let many = flow.results.count > 1
            if !flow.results.isEmpty { function += bodyIndent + "return " + (many ? "[" + resultList + "]" : resultList) + ";\n" }
            function += "}\n"
            let target = many ? "[" + resultList + "]" : resultList
            let declare = flow.results.contains { flow.declaredInside.contains($0) } ? "const " : ""
            call = (flow.results.isEmpty ? "" : declare + target + " = ") + "\(name)(\(params));"
        }
        // The new function goes after the top-level statement holding the selection.
        var top = first.parent.map { site.rules.blockKinds.contains($0.kind) && $0.parent == nil } == true ? last : first
        while let parent = top.parent, parent.parent != nil { top = parent }
        let gap = python ? "\n\n\n" : "\n\n"
        return RefactorEdit(edits: [
            FileTextEdit(path: site.path, startByte: first.startByte, endByte: last.endByte, newText: call),
            FileTextEdit(path: site.path, startByte: top.endByte, endByte: top.endByte,
                         newText: gap + String(function.dropLast()) + (top.endByte == site.source.count ? "\n" : "")),
        ])
    }

    static func lineStart(_ site: CodeActions.Site, _ byte: Int) -> Int {
        var start = byte
        while start > 0, site.source[start - 1] != 10 { start -= 1 }
        return start
    }

    /// `text` with its common indentation replaced by `indent`.
    static func reindent(_ text: String, to indent: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let common = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.prefix { $0 == " " || $0 == "\t" }.count }.min() ?? 0
        return lines.map { $0.trimmingCharacters(in: .whitespaces).isEmpty ? "" : indent + $0.dropFirst(common) }
            .joined(separator: "\n")
    }
}
