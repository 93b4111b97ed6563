import Foundation
import Syntax
import Workspace

/// Renaming a name across the workspace, syntactically: the definition is found through the index
/// (definitions, import resolution, dependents), and every identifier leaf with the old name in the files
/// that can see the definition is rewritten — except locals that shadow it. Import lines naming the symbol
/// (`from .pricing import apply_discount`, `import { fetchProducts } from './api'`, `use crate::a::name`)
/// are identifier leaves too, so they follow.
public enum Rename {
    /// What a rename at a position would change: the name, its range there, and where it lives.
    public struct Target: Sendable {
        public var name: String
        public var range: TextRange
        public var language: String
        /// Byte range of the local scope when the name is a local (parameter, local variable, nested function).
        var localScope: Range<Int>?
        /// The definitions renamed, for a workspace symbol.
        var definitions: [SymbolLocation]
        /// The module file (or package folder) named, for a module: renaming it moves the file.
        var module: String? = nil
        /// The file of an instance attribute no index row defines (`self.items = []`): renamed as a member.
        var attributeFile: String? = nil
    }

    /// The name at `point` that a rename would change, or an error saying why there is none.
    public static func prepare(index: Index, path rawPath: String, at point: SyntaxPoint) throws -> Target {
        let path = index.absolutePath(rawPath)
        guard let language = index.registry.languageName(forPath: path),
              let rules = RefactorLanguageRules.forLanguage(language) else { throw RefactorError.unsupportedLanguage(path: path) }
        guard let leaf = NavigationSupport.identifier(at: point, in: path, index: index),
              rules.identifierProblem(leaf.text) == nil else {
            throw RefactorError.noSymbol(path: index.relativePath(path), line: point.row + 1)
        }
        let name = leaf.text
        var target = Target(name: name, range: TextRange(leaf), language: language, localScope: nil, definitions: [])
        // A module named by an import (`from .pricing import x`, `mod shapes;`, `use crate::shapes::area`).
        if let module = ModuleRename.module(named: leaf, in: path, index: index) {
            target.module = module
            return target
        }
        let symbols = (try? index.symbols(in: path)) ?? []
        // On a definition's own name: that definition, local when it sits inside a function.
        if let i = symbols.lastIndex(where: { $0.selection.startByte == leaf.startByte && $0.name == name }) {
            if let scope = enclosingScope(of: leaf, rules: rules, excludingStart: symbols[i].range.startByte) {
                target.localScope = scope.byteRange
            } else {
                target.definitions = [SymbolLocation(path: path, index: i, symbol: symbols[i])]
            }
            return target
        }
        // A local of some enclosing function: the innermost scope that binds the name.
        if !rules.isMemberAccess(leaf), let scope = bindingScope(of: leaf, rules: rules) {
            target.localScope = scope.byteRange
            return target
        }
        let defs = Navigation.rankedDefinitions(of: name, from: path, index: index)
            .filter { !isLocalDefinition($0, index: index) }
        guard !defs.isEmpty else {
            // `self.items` / `this.items` assigned in methods: an attribute of this file's classes.
            if let object = rules.memberObject(leaf), ["self", "this"].contains(object.text) {
                target.attributeFile = path
                return target
            }
            throw RefactorError.notDefinedInWorkspace(name: name)
        }
        target.definitions = defs
        return target
    }

    /// The edit renaming the name at `point` to `newName`, or why it cannot be done (no symbol, an invalid
    /// identifier, a collision with an existing definition).
    public static func rename(index: Index, path: String, at point: SyntaxPoint, to newName: String) throws -> RefactorEdit {
        let target = try prepare(index: index, path: path, at: point)
        guard let rules = RefactorLanguageRules.forLanguage(target.language) else {
            throw RefactorError.unsupportedLanguage(path: path)
        }
        if let problem = rules.identifierProblem(newName) {
            throw RefactorError.invalidIdentifier(name: newName, language: rules.displayName, reason: problem)
        }
        if newName == target.name { return RefactorEdit() }
        let abs = index.absolutePath(path)
        if let module = target.module { return try ModuleRename.edit(index: index, module: module, newName: newName) }
        if let scope = target.localScope {
            return try renameLocal(index: index, path: abs, scope: scope, target: target, newName: newName, rules: rules)
        }
        return try renameSymbol(index: index, target: target, newName: newName)
    }

    // MARK: Locals

    private static func renameLocal(index: Index, path: String, scope: Range<Int>, target: Target, newName: String,
                                    rules: RefactorLanguageRules) throws -> RefactorEdit {
        guard let tree = index.syntaxTree(for: path), let scopeNode = tree.rootNode.namedDescendant(for: scope) else {
            throw RefactorError.noSymbol(path: index.relativePath(path), line: target.range.start.row + 1)
        }
        var edit = RefactorEdit()
        var clash: Node?
        for leaf in identifierLeaves(in: scopeNode) {
            if leaf.text == newName, !rules.isMemberAccess(leaf) { clash = clash ?? leaf }
            if leaf.text == target.name, !rules.isMemberAccess(leaf) {
                edit.add(FileTextEdit(path: path, range: TextRange(leaf), newText: newName))
            }
        }
        if let clash {
            throw RefactorError.collision(name: newName, path: index.relativePath(path), line: clash.startPoint.row + 1)
        }
        return edit
    }

    // MARK: Workspace symbols

    private static func renameSymbol(index: Index, target: Target, newName: String) throws -> RefactorEdit {
        let name = target.name
        // A definition with the new name next to one being renamed (same file, same container) collides.
        for def in target.definitions {
            let siblings = (try? index.symbols(in: def.path)) ?? []
            if let other = siblings.first(where: { $0.name == newName && $0.parent == def.symbol.parent }) {
                throw RefactorError.collision(name: newName, path: index.relativePath(def.path), line: other.line)
            }
        }
        let isMember = target.attributeFile != nil
            || target.definitions.contains { [.method, .field].contains($0.symbol.kind) || $0.symbol.parent != nil }
        var files = affectedFiles(index: index, definitions: target.definitions, name: name, isMember: isMember)
        if let file = target.attributeFile {
            files.insert(file)
            files.formUnion((try? index.directDependents(of: file)) ?? [])
        }
        var edit = RefactorEdit()
        for file in files.sorted() {
            guard let language = index.registry.languageName(forPath: file),
                  let rules = RefactorLanguageRules.forLanguage(language),
                  let tree = index.syntaxTree(for: file) else { continue }
            if !isMember, let other = ((try? index.symbols(in: file)) ?? []).first(where: { $0.name == newName && $0.parent == nil }) {
                throw RefactorError.collision(name: newName, path: index.relativePath(file), line: other.line)
            }
            var boundCache: [Int: Bool] = [:]
            // For a member, plain names are touched only where they define it (`def total(self)`).
            let definitionStarts = Set(((try? index.symbols(in: file)) ?? []).filter { $0.name == name }.map(\.selection.startByte))
            for leaf in identifierLeaves(in: tree.rootNode) where leaf.text == name || leaf.text == newName {
                let member = rules.isMemberAccess(leaf)
                // A member rename touches member accesses and definitions; a plain name touches plain uses.
                if leaf.text == newName {
                    if member, file == target.attributeFile, let object = rules.memberObject(leaf), ["self", "this"].contains(object.text) {
                        throw RefactorError.collision(name: newName, path: index.relativePath(file), line: leaf.startPoint.row + 1)
                    }
                    // The new name is already a top-level name of a file that will see the renamed one.
                    if !member, !isMember, rules.isBinding(leaf) || isInImport(leaf), enclosingScope(of: leaf, rules: rules) == nil {
                        throw RefactorError.collision(name: newName, path: index.relativePath(file), line: leaf.startPoint.row + 1)
                    }
                    continue
                }
                if !member, isMember, !definitionStarts.contains(leaf.startByte) { continue }
                if !member, isShadowed(leaf, rules: rules, cache: &boundCache) { continue }
                // A top-level name reached through its module (`pricing.apply`, `pkg.Name`): the object is a
                // plain name that no local binds, which is what an imported module looks like.
                if member, !isMember {
                    guard let object = rules.memberObject(leaf), !["self", "this"].contains(object.text),
                          !isShadowed(object, rules: rules, cache: &boundCache) else { continue }
                }
                edit.add(FileTextEdit(path: file, range: TextRange(leaf), newText: newName))
            }
        }
        return edit
    }

    /// Files that can refer to the definitions: their own files, files importing them, Go files of the same
    /// package (they see each other without imports), and for members any file using the name (the index
    /// has no types, so `obj.total()` may be any class's).
    static func affectedFiles(index: Index, definitions: [SymbolLocation], name: String, isMember: Bool) -> Set<String> {
        var files = Set(definitions.map(\.path))
        for def in definitions {
            files.formUnion((try? index.directDependents(of: def.path)) ?? [])
            if def.path.hasSuffix(".go") {
                let dir = (def.path as NSString).deletingLastPathComponent
                for f in (try? index.files()) ?? [] where (f.path as NSString).deletingLastPathComponent == dir && f.language == "go" {
                    files.insert(f.path)
                    files.formUnion((try? index.directDependents(of: f.path)) ?? [])
                }
            }
        }
        if isMember { files.formUnion(((try? index.references(to: name)) ?? []).map(\.path)) }
        return files
    }

    // MARK: Syntax helpers

    /// Whether a leaf is part of an import statement (`import`, `from … import`, `use`).
    static func isInImport(_ leaf: Node) -> Bool {
        var current = leaf.parent
        while let n = current {
            if n.kind.contains("import") || n.kind == "use_declaration" { return true }
            current = n.parent
        }
        return false
    }

    /// Identifier-like leaves (`identifier`, `property_identifier`, `type_identifier`, …) under `node`.
    static func identifierLeaves(in node: Node) -> [Node] {
        var out: [Node] = []
        node.walk { n in
            if n.namedChildCount == 0, n.kind.contains("identifier") { out.append(n) }
            return true
        }
        return out
    }

    /// The innermost scope node containing `node` (not starting at `excludingStart`, the definition itself).
    static func enclosingScope(of node: Node, rules: RefactorLanguageRules, excludingStart: Int? = nil) -> Node? {
        var current = node.parent
        while let n = current {
            if rules.scopeKinds.contains(n.kind), n.startByte != excludingStart { return n }
            current = n.parent
        }
        return nil
    }

    /// The innermost enclosing scope that binds `leaf`'s name somewhere inside it.
    static func bindingScope(of leaf: Node, rules: RefactorLanguageRules) -> Node? {
        var scope = enclosingScope(of: leaf, rules: rules)
        while let s = scope {
            if binds(s, leaf.text, rules: rules) { return s }
            scope = enclosingScope(of: s, rules: rules)
        }
        return nil
    }

    static func binds(_ scope: Node, _ name: String, rules: RefactorLanguageRules) -> Bool {
        identifierLeaves(in: scope).contains { $0.text == name && rules.isBinding($0) && owningScope($0, rules) == scope.startByte }
    }

    /// Start byte of the scope a binding belongs to (the innermost scope around it).
    private static func owningScope(_ leaf: Node, _ rules: RefactorLanguageRules) -> Int? {
        enclosingScope(of: leaf, rules: rules)?.startByte
    }

    /// Whether a plain use of a workspace name is a local of some enclosing scope instead.
    static func isShadowed(_ leaf: Node, rules: RefactorLanguageRules, cache: inout [Int: Bool]) -> Bool {
        var scope = enclosingScope(of: leaf, rules: rules)
        while let s = scope {
            let bound = cache[s.startByte] ?? binds(s, leaf.text, rules: rules)
            cache[s.startByte] = bound
            if bound { return true }
            scope = enclosingScope(of: s, rules: rules)
        }
        return false
    }

    /// A definition nested in a function is a local (a nested function or a local constant).
    static func isLocalDefinition(_ def: SymbolLocation, index: Index) -> Bool {
        guard let language = index.registry.languageName(forPath: def.path),
              let rules = RefactorLanguageRules.forLanguage(language),
              let tree = index.syntaxTree(for: def.path),
              let node = tree.rootNode.namedDescendant(for: def.symbol.selection.startByte..<def.symbol.selection.endByte) else {
            return false
        }
        return enclosingScope(of: node, rules: rules, excludingStart: def.symbol.range.startByte) != nil
    }
}
