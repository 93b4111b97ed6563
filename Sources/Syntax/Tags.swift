import Foundation

/// A span of source in UTF-8 bytes and zero-based (row, byte column) points.
public struct TextRange: Hashable, Sendable, Codable {
    public var startByte: Int
    public var endByte: Int
    public var start: SyntaxPoint
    public var end: SyntaxPoint

    public init(startByte: Int, endByte: Int, start: SyntaxPoint, end: SyntaxPoint) {
        self.startByte = startByte; self.endByte = endByte; self.start = start; self.end = end
    }

    public init(_ node: Node) {
        self.init(startByte: node.startByte, endByte: node.endByte, start: node.startPoint, end: node.endPoint)
    }

    public func contains(_ other: TextRange) -> Bool { startByte <= other.startByte && other.endByte <= endByte }

    // Stored compactly as `[startByte, endByte, startRow, startColumn, endRow, endColumn]`: the index holds
    // millions of ranges and keyed JSON would triple its size.
    public init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        startByte = try c.decode(Int.self); endByte = try c.decode(Int.self)
        start = SyntaxPoint(row: try c.decode(Int.self), column: try c.decode(Int.self))
        end = SyntaxPoint(row: try c.decode(Int.self), column: try c.decode(Int.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.unkeyedContainer()
        for v in [startByte, endByte, start.row, start.column, end.row, end.column] { try c.encode(v) }
    }
    public func contains(byte: Int) -> Bool { startByte <= byte && byte <= endByte }
}

/// A definition found by `tags.scm`.
public struct DefinitionTag: Hashable, Sendable {
    public var name: String
    public var kind: SymbolKind
    /// The whole definition (body included).
    public var range: TextRange
    /// The name only: what an editor selects.
    public var selectionRange: TextRange
    /// Index (in `FileTags.definitions`) of the innermost enclosing definition.
    public var parent: Int?
    /// The container's name: an explicit `@container` (Go receiver, Rust impl type) or the parent's name.
    public var container: String?
    public var doc: String?
}

/// A use of a name found by `tags.scm`.
public struct ReferenceTag: Hashable, Sendable {
    public var name: String
    public var kind: ReferenceKind
    /// The used name's range.
    public var range: TextRange
    /// Index of the innermost definition containing the use: the caller, for calls.
    public var enclosing: Int?
}

/// One import statement found by `imports.scm`.
public struct ImportTag: Hashable, Sendable {
    /// The module path or file string as written (quotes of C includes kept, so the resolver can tell
    /// `"local.h"` from `<system.h>`).
    public var module: String
    /// True for declarations that load a file by name (Rust `mod foo;`).
    public var isSubmodule: Bool
    /// Names imported from the module (`from m import a, b`).
    public var names: [String]
    /// The whole statement.
    public var range: TextRange
    /// The module path or file string alone (what an editor underlines as a link).
    public var moduleRange: TextRange
}

/// Everything the index keeps from one parsed file.
public struct FileTags: Sendable {
    public var definitions: [DefinitionTag] = []
    public var references: [ReferenceTag] = []
    public var imports: [ImportTag] = []
    public init() {}
}

/// Runs a language's queries over a tree. Stateless apart from the cursor; one per task.
///
/// Rules applied here, the same for every language:
/// - when one definition name matches several patterns, the earliest pattern wins (queries list specific
///   patterns, such as methods, before general ones, such as functions);
/// - a reference whose name is a definition's name (the `Circle` in `struct Circle`) is not a reference;
/// - a reference is recorded once per name range, again earliest pattern first.
public struct Tagger {
    public let cursor: QueryCursor

    public init(cursor: QueryCursor = QueryCursor()) { self.cursor = cursor }

    public func tags(_ tree: Tree, queries: LanguageQueries) -> FileTags {
        var result = FileTags()
        if let tags = queries.tags { collectTags(tree, query: tags, into: &result) }
        if let imports = queries.imports { result.imports = collectImports(tree, query: imports) }
        return result
    }

    private func collectTags(_ tree: Tree, query: Query, into result: inout FileTags) {
        var defsByNode: [Range<Int>: (pattern: Int, tag: DefinitionTag, explicitContainer: String?)] = [:]
        var refsByName: [Range<Int>: (pattern: Int, tag: ReferenceTag)] = [:]
        for match in cursor.matches(query, in: tree.rootNode) {
            guard let nameNode = match.capture("name")?.node else { continue }
            let name = nameNode.text
            guard !name.isEmpty else { continue }
            for capture in match.captures {
                if capture.name.hasPrefix("definition."),
                   let kind = SymbolKind(rawValue: String(capture.name.dropFirst("definition.".count))) {
                    // Keyed by the name: `int x, y;` is one node defining two fields.
                    let key = nameNode.byteRange
                    if let existing = defsByNode[key], existing.pattern <= match.patternIndex { continue }
                    let doc = match.capture("doc").map { Tagger.cleanDoc($0.node.text) }
                    let tag = DefinitionTag(name: name, kind: kind, range: TextRange(capture.node),
                                            selectionRange: TextRange(nameNode), parent: nil, container: nil, doc: doc)
                    defsByNode[key] = (match.patternIndex, tag, match.capture("container")?.node.text)
                } else if capture.name.hasPrefix("reference."),
                          let kind = ReferenceKind(rawValue: String(capture.name.dropFirst("reference.".count))) {
                    let key = nameNode.byteRange
                    if let existing = refsByName[key], existing.pattern <= match.patternIndex { continue }
                    refsByName[key] = (match.patternIndex,
                                       ReferenceTag(name: name, kind: kind, range: TextRange(nameNode), enclosing: nil))
                }
            }
        }
        // Document order; an enclosing definition sorts before what it encloses.
        let ordered = defsByNode.values.sorted {
            ($0.tag.range.startByte, -$0.tag.range.endByte, $0.tag.selectionRange.startByte)
                < ($1.tag.range.startByte, -$1.tag.range.endByte, $1.tag.selectionRange.startByte)
        }
        let nameRanges = Set(ordered.map { $0.tag.selectionRange.startByte..<$0.tag.selectionRange.endByte })
        var defs = ordered.map(\.tag)
        var stack: [Int] = []
        for i in defs.indices {
            // Definitions sharing one node (`int x, y;`) are siblings, not parent and child.
            while let top = stack.last, !defs[top].range.contains(defs[i].range) || defs[top].range == defs[i].range {
                stack.removeLast()
            }
            defs[i].parent = stack.last
            defs[i].container = ordered[i].explicitContainer ?? stack.last.map { defs[$0].name }
            stack.append(i)
        }
        var refs = refsByName.filter { !nameRanges.contains($0.key) }.values.map(\.tag)
        refs.sort { $0.range.startByte < $1.range.startByte }
        // Sweep definitions and references together to find each reference's innermost enclosing definition.
        stack.removeAll()
        var next = 0
        for r in refs.indices {
            while next < defs.count, defs[next].range.startByte <= refs[r].range.startByte {
                while let top = stack.last, !defs[top].range.contains(defs[next].range) { stack.removeLast() }
                stack.append(next)
                next += 1
            }
            while let top = stack.last, !defs[top].range.contains(refs[r].range) { stack.removeLast() }
            refs[r].enclosing = stack.last
        }
        result.definitions = defs
        result.references = refs
    }

    private func collectImports(_ tree: Tree, query: Query) -> [ImportTag] {
        var byStatement: [Range<Int>: ImportTag] = [:]
        var order: [Range<Int>] = []
        for match in cursor.matches(query, in: tree.rootNode) {
            guard let statement = match.capture("import")?.node else { continue }
            let module = match.capture("import.module") ?? match.capture("import.submodule")
            guard let module else { continue }
            let key = statement.byteRange
            let names = match.captures.filter { $0.name == "import.name" }.map { $0.node.text }
            if var existing = byStatement[key] {
                existing.names.append(contentsOf: names.filter { !existing.names.contains($0) })
                byStatement[key] = existing
            } else {
                order.append(key)
                byStatement[key] = ImportTag(module: module.node.text, isSubmodule: module.name == "import.submodule",
                                             names: names, range: TextRange(statement), moduleRange: TextRange(module.node))
            }
        }
        return order.compactMap { byStatement[$0] }
    }

    /// A doc comment or docstring without its quotes and comment markers, at most 500 characters.
    static func cleanDoc(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        lines = lines.map { line in
            var l = Substring(line)
            for marker in ["///", "//", "/**", "/*", "*/", "#", "*", "\"\"\"", "'''"] where l.hasPrefix(marker) {
                l = l.dropFirst(marker.count); break
            }
            for marker in ["*/", "\"\"\"", "'''"] where l.hasSuffix(marker) { l = l.dropLast(marker.count); break }
            return l.trimmingCharacters(in: .whitespaces)
        }
        let joined = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return String(joined.prefix(500))
    }
}
