import Foundation
import Syntax

/// Inlining a local assigned once: its uses get the value (parenthesised unless it is atomic) and the
/// declaration goes.
enum InlineVariable {
    struct Binding {
        var name: String
        var statement: Node
        var value: Node
        var uses: [Node]
    }

    /// Value nodes that need no parentheses wherever they are put.
    static let atomicKinds: Set<String> = ["identifier", "integer", "float", "string", "number", "call",
                                           "call_expression", "attribute", "member_expression", "true", "false",
                                           "none", "null", "int_literal", "float_literal", "interpreted_string_literal",
                                           "string_literal", "integer_literal", "parenthesized_expression",
                                           "selector_expression", "field_expression", "subscript", "subscript_expression"]

    /// The local at the cursor when it is bound exactly once in its scope by a declaration with a value.
    static func binding(at site: CodeActions.Site) -> Binding? {
        guard let leaf = site.tree.rootNode.namedDescendant(for: site.selection.lowerBound..<site.selection.lowerBound)
                .flatMap({ $0.namedChildCount == 0 && $0.kind.contains("identifier") ? $0 : nil }),
              !site.rules.isMemberAccess(leaf),
              let scope = Rename.bindingScope(of: leaf, rules: site.rules) else { return nil }
        let name = leaf.text
        let same = Rename.identifierLeaves(in: scope).filter { $0.text == name && !site.rules.isMemberAccess($0) }
        let bindings = same.filter { site.rules.isBinding($0) }
        guard bindings.count == 1, let bound = bindings.first, let statement = site.statement(around: bound),
              let value = value(of: bound, upTo: statement) else { return nil }
        let uses = same.filter { $0.startByte != bound.startByte }
        guard !uses.isEmpty, uses.allSatisfy({ $0.startByte >= statement.endByte }) else { return nil }
        return Binding(name: name, statement: statement, value: value, uses: uses)
    }

    /// The value a binding gets: the `value`/`right` field of the nearest declaration around it.
    static func value(of leaf: Node, upTo statement: Node) -> Node? {
        var current = leaf.parent
        while let n = current {
            for field in ["value", "right"] {
                if var v = n.child(byField: field) {
                    if v.kind == "expression_list" {  // Go: `x := f()` has a list of one value
                        guard v.namedChildCount == 1, let only = v.namedChild(0) else { return nil }
                        v = only
                    }
                    return v.startByte >= leaf.endByte ? v : nil
                }
            }
            if n.startByte == statement.startByte && n.endByte == statement.endByte { return nil }
            current = n.parent
        }
        return nil
    }

    static func edit(_ site: CodeActions.Site) throws -> RefactorEdit {
        guard let b = binding(at: site) else {
            throw RefactorError.noSelection(what: "put the cursor on a local variable that is assigned once and used after, to inline it")
        }
        let text = atomicKinds.contains(b.value.kind) ? b.value.text : "(" + b.value.text + ")"
        var edit = RefactorEdit()
        // The whole line(s) of the declaration go, with their indentation and line break.
        var start = b.statement.startByte
        while start > 0, site.source[start - 1] == 32 || site.source[start - 1] == 9 { start -= 1 }
        var end = b.statement.endByte
        while end < site.source.count, site.source[end] == 32 || site.source[end] == 9 { end += 1 }
        if end < site.source.count, site.source[end] == 10 { end += 1 }
        edit.add(FileTextEdit(path: site.path, startByte: start, endByte: end, newText: ""))
        for use in b.uses { edit.add(FileTextEdit(path: site.path, range: TextRange(use), newText: text)) }
        return edit
    }
}
