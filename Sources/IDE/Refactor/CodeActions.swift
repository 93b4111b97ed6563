import Foundation
import Syntax
import Workspace

/// A refactor the editor may offer at a selection: listed cheaply, computed when chosen (`resolve`).
public struct RefactorOffer: Hashable, Sendable {
    /// Stable identifier sent back on resolve (`extract.variable`, `model.docstring`, …).
    public var id: String
    public var title: String
    /// LSP code action kind (`refactor.extract`, `source.organizeImports`, …): editor-neutral strings.
    public var kind: String
    public init(id: String, title: String, kind: String) { self.id = id; self.title = title; self.kind = kind }
}

/// The syntax refactors: what is offered at a selection, and the edit of each.
public enum CodeActions {
    public static let extractVariable = "extract.variable"
    public static let extractFunction = "extract.function"
    public static let inlineVariable = "inline.variable"
    public static let organizeImports = "source.organizeImports"

    /// Where a refactor applies: the file's tree and a selection in its bytes.
    public struct Site {
        public var path: String
        public var tree: Tree
        public var rules: RefactorLanguageRules
        public var language: String
        /// The selection with surrounding whitespace trimmed (empty for a cursor).
        public var selection: Range<Int>
        public var source: [UInt8] { tree.source }

        /// The site of `selection` in `path`, or nil when the file has no tree or no rules.
        public init?(index: Index, path: String, selection: Range<Int>) {
            let abs = index.absolutePath(path)
            guard let language = index.registry.languageName(forPath: abs),
                  let rules = RefactorLanguageRules.forLanguage(language),
                  let tree = index.syntaxTree(for: abs) else { return nil }
            self.path = abs
            self.tree = tree
            self.rules = rules
            self.language = language
            self.selection = Site.trim(selection, in: tree.source)
        }

        static func trim(_ r: Range<Int>, in bytes: [UInt8]) -> Range<Int> {
            var lo = max(0, min(r.lowerBound, bytes.count)), hi = max(lo, min(r.upperBound, bytes.count))
            let space: Set<UInt8> = [32, 9, 10, 13]
            while lo < hi, space.contains(bytes[lo]) { lo += 1 }
            while hi > lo, space.contains(bytes[hi - 1]) { hi -= 1 }
            return lo..<hi
        }

        func text(_ r: Range<Int>) -> String { String(decoding: source[r], as: UTF8.self) }

        /// The leading whitespace of the line holding `byte`.
        func indentation(at byte: Int) -> String {
            var start = byte
            while start > 0, source[start - 1] != 10 { start -= 1 }
            var end = start
            while end < source.count, source[end] == 32 || source[end] == 9 { end += 1 }
            return text(start..<end)
        }

        /// The statement holding `node`: its ancestor (or itself) whose parent is a block.
        func statement(around node: Node) -> Node? {
            var current: Node? = node
            while let n = current, let parent = n.parent {
                if rules.blockKinds.contains(parent.kind) { return n }
                current = parent
            }
            return nil
        }

        /// A name like `base` not used anywhere in the file yet.
        func freshName(_ base: String) -> String {
            let used = Set(Rename.identifierLeaves(in: tree.rootNode).map(\.text))
            var name = base, n = 2
            while used.contains(name) { name = base + String(n); n += 1 }
            return name
        }
    }

    /// The refactors available at `selection` (cheap syntactic checks only; nothing is computed yet).
    public static func offers(index: Index, path: String, selection: Range<Int>) -> [RefactorOffer] {
        guard let site = Site(index: index, path: path, selection: selection) else { return [] }
        var out: [RefactorOffer] = []
        if !site.selection.isEmpty {
            if expression(at: site) != nil {
                out.append(RefactorOffer(id: extractVariable, title: "Extract into a variable", kind: "refactor.extract"))
            }
            if statements(at: site) != nil, ExtractFunction.supported.contains(site.language) {
                out.append(RefactorOffer(id: extractFunction, title: "Extract into a function", kind: "refactor.extract"))
            }
        }
        if InlineVariable.binding(at: site) != nil {
            out.append(RefactorOffer(id: inlineVariable, title: "Inline variable", kind: "refactor.inline"))
        }
        if OrganizeImports.supported.contains(site.language) {
            out.append(RefactorOffer(id: organizeImports, title: "Organize imports", kind: "source.organizeImports"))
        }
        return out
    }

    /// The edit of the refactor `id` at `selection`; an error says why it does not apply.
    public static func resolve(index: Index, path: String, selection: Range<Int>, id: String) throws -> RefactorEdit {
        guard let site = Site(index: index, path: path, selection: selection) else {
            throw RefactorError.unsupportedLanguage(path: path)
        }
        switch id {
        case extractVariable: return try extractVariable(site)
        case extractFunction: return try ExtractFunction.edit(site)
        case inlineVariable: return try InlineVariable.edit(site)
        case organizeImports: return try OrganizeImports.edit(site)
        default: throw RefactorError.invalid("unknown refactor `\(id)`; ask textDocument/codeAction again")
        }
    }

    // MARK: Extract variable

    /// The expression the selection covers exactly, when it sits inside a statement (not the statement itself).
    static func expression(at site: Site) -> Node? {
        guard let node = site.tree.rootNode.namedDescendant(for: site.selection), node.byteRange == site.selection,
              let statement = site.statement(around: node), statement.byteRange != node.byteRange,
              !node.kind.contains("statement"), !node.kind.contains("declaration"), node.kind != "block",
              node.parent?.kind != "expression_statement" || node.parent?.byteRange != statement.byteRange
                || !["assignment", "augmented_assignment"].contains(node.kind) else { return nil }
        if site.rules.isBinding(node) || site.rules.isMemberAccess(node) { return nil }
        return node
    }

    static func extractVariable(_ site: Site) throws -> RefactorEdit {
        guard let node = expression(at: site), let statement = site.statement(around: node) else {
            throw RefactorError.noSelection(what: "select a whole expression inside a statement to extract it into a variable")
        }
        let name = site.freshName("extracted")
        let declaration = site.rules.declareTemplate.replacingOccurrences(of: "{name}", with: name)
            .replacingOccurrences(of: "{value}", with: node.text)
        let indent = site.indentation(at: statement.startByte)
        return RefactorEdit(edits: [
            FileTextEdit(path: site.path, startByte: statement.startByte, endByte: statement.startByte,
                         newText: declaration + "\n" + indent),
            FileTextEdit(path: site.path, startByte: node.startByte, endByte: node.endByte, newText: name),
        ])
    }

    /// Whole statements of one block covered by the selection, in order.
    static func statements(at site: Site) -> [Node]? {
        guard let first = site.tree.rootNode.namedDescendant(for: site.selection.lowerBound..<site.selection.lowerBound),
              let statement = site.statement(around: first), let block = statement.parent else { return nil }
        let inside = block.namedChildren.filter { $0.startByte >= site.selection.lowerBound && $0.endByte <= site.selection.upperBound }
        guard let a = inside.first, let b = inside.last, a.startByte == site.selection.lowerBound,
              b.endByte == site.selection.upperBound else { return nil }
        return inside
    }
}
