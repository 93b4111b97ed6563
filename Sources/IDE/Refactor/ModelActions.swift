import Foundation
import Syntax
import Workspace

/// Refactors written by the model: implement a function from its signature and docstring, add a docstring,
/// write a unit test. Each is planned from the syntax tree (where the text goes, what surrounds it, how to
/// cut the model's output), generated with the completion backend, and offered only when the result parses
/// as well as the file did before.
public enum ModelActions {
    public static let prefix = "model."
    public static let implement = "model.implement"
    public static let docstring = "model.docstring"
    public static let unitTest = "model.test"
    static let functionKinds: Set<SymbolKind> = [.function, .method]

    /// Where the generated text goes and how to turn the model's output into it.
    public struct Plan: Sendable {
        /// The file receiving the text (a test file may not exist yet).
        public var path: String
        public var language: String
        public var createsFile: Bool
        /// The receiving file's text, and the byte range the generated text replaces.
        public var original: [UInt8]
        public var replace: Range<Int>
        /// What the model sees before and after the text it writes.
        public var promptPrefix: String
        public var promptSuffix: String
        public var stop: [String]
        public var maxTokens: Int
        /// The function the action is about, for messages.
        public var function: String
        /// Turns raw model output into the exact inserted text; nil when nothing usable came back.
        public var finish: @Sendable (String) -> String?
    }

    /// The function symbol around the selection start, with its syntax node.
    static func function(index: Index, path: String, at byte: Int) -> (SymbolRow, Node, CodeActions.Site)? {
        guard let site = CodeActions.Site(index: index, path: path, selection: byte..<byte) else { return nil }
        let symbols = ((try? index.symbols(in: site.path)) ?? []).filter {
            functionKinds.contains($0.kind) && $0.range.startByte <= byte && byte <= $0.range.endByte
        }
        guard let symbol = symbols.min(by: { $0.range.endByte - $0.range.startByte < $1.range.endByte - $1.range.startByte }),
              let node = site.tree.rootNode.namedDescendant(for: symbol.range.startByte..<symbol.range.endByte) else { return nil }
        return (symbol, node, site)
    }

    public static func offers(index: Index, path: String, selection: Range<Int>) -> [RefactorOffer] {
        guard let (symbol, _, site) = function(index: index, path: path, at: selection.lowerBound),
              ModelLanguage.table[site.language] != nil else { return [] }
        var out = [RefactorOffer(id: implement, title: "Implement `\(symbol.name)` with the model", kind: "refactor.rewrite")]
        if symbol.doc == nil {
            out.append(RefactorOffer(id: docstring, title: "Add a docstring to `\(symbol.name)` with the model", kind: "refactor.rewrite"))
        }
        out.append(RefactorOffer(id: unitTest, title: "Write a unit test for `\(symbol.name)` with the model", kind: "refactor.extract"))
        return out
    }

    /// The plan of action `id` for the function at `selection`.
    public static func plan(index: Index, path: String, selection: Range<Int>, id: String) throws -> Plan {
        guard let (symbol, node, site) = function(index: index, path: path, at: selection.lowerBound),
              let language = ModelLanguage.table[site.language] else {
            throw RefactorError.noSelection(what: "put the cursor inside a function to have the model work on it")
        }
        switch id {
        case implement: return try language.implement(site, node, symbol)
        case docstring: return try language.docstring(site, node, symbol)
        case unitTest: return try language.unitTest(index, site, node, symbol)
        default: throw RefactorError.invalid("unknown model action `\(id)`; ask textDocument/codeAction again")
        }
    }

    /// The edit of a plan once the model wrote `raw`, after checking that it parses: an edit adding syntax errors
    /// to the receiving file is refused with an error naming the function.
    public static func edit(plan: Plan, raw: String, registry: LanguageRegistry) throws -> RefactorEdit {
        guard let text = plan.finish(raw), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw RefactorError.invalid("the model wrote nothing usable for `\(plan.function)`; try again")
        }
        let after = Array(plan.original[..<plan.replace.lowerBound]) + Array(text.utf8) + Array(plan.original[plan.replace.upperBound...])
        if let grammar = try? registry.language(named: plan.language), let parser = try? Parser(language: grammar) {
            let before = parser.parse(plan.original)?.errorCount ?? 0
            let now = parser.parse(after)?.errorCount ?? 0
            if now > before {
                throw RefactorError.invalid("the model's text for `\(plan.function)` does not parse (\(now - before) new syntax errors), so it is not offered; try again or write it by hand")
            }
        }
        var edit = RefactorEdit(edits: [FileTextEdit(path: plan.path, startByte: plan.replace.lowerBound,
                                                     endByte: plan.replace.upperBound, newText: text)])
        if plan.createsFile { edit.creates = [plan.path] }
        return edit
    }

    // MARK: Cutting model output

    /// Lines up to the first non-blank one indented less than `minimum` (the end of an indented body).
    static func cutAtDedent(_ raw: String, minimum: Int) -> String {
        var kept: [Substring] = []
        for (i, line) in raw.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            if i > 0, !line.trimmingCharacters(in: .whitespaces).isEmpty, indent < minimum { break }
            kept.append(line)
        }
        return kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Text up to the brace closing the body it starts in (braces in strings are rare in generated bodies).
    static func cutAtClosingBrace(_ raw: String) -> String {
        var depth = 0, end = raw.endIndex
        for i in raw.indices {
            if raw[i] == "{" { depth += 1 }
            if raw[i] == "}" { depth -= 1; if depth < 0 { end = i; break } }
        }
        return String(raw[..<end]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
