import CTreeSitter
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

    public init(_ node: Node) { self.init(node.raw) }

    init(_ node: TSNode) {
        self.init(startByte: Int(ts_node_start_byte(node)), endByte: Int(ts_node_end_byte(node)),
                  start: SyntaxPoint(ts_node_start_point(node)), end: SyntaxPoint(ts_node_end_point(node)))
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
public struct FileTags: Sendable, Equatable {
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

    /// The tags of `tree`; with `within`, only those whose name (or import statement) starts in that byte range,
    /// from a query pass over that range alone (`retag` splices them with the rest of a file's earlier tags).
    public func tags(_ tree: Tree, queries: LanguageQueries, within: Range<Int>? = nil) -> FileTags {
        var result = FileTags()
        guard let query = queries.query else { return result }
        var tags = TagCollector(within: within)
        var imports = ImportCollector(within: within)
        let roles = queries.roles
        tree.source.withUnsafeBufferPointer { source in
            cursor.forEachMatch(query, in: tree.rootNode, byteRange: within) { pattern, captures in
                if queries.tagPatterns.contains(pattern) {
                    tags.add(pattern: pattern, captures: captures, roles: roles, source: source)
                } else if queries.importPatterns.contains(pattern) {
                    imports.add(captures: captures, roles: roles, source: source)
                }
            }
        }
        tree.source.withUnsafeBufferPointer { finishTags(tags, into: &result, source: $0) }
        result.imports = imports.order.compactMap { imports.byStatement[$0] }
        return result
    }

    /// Definitions and references of one file as the matches arrive: nodes only, no text. Which match wins for a
    /// name (the earliest pattern, then the earliest match) is decided once all are in, and only the winners'
    /// names and docs are read as strings (`finishTags`).
    private struct TagCollector {
        let within: Range<Int>?
        struct Candidate {
            var key: Range<Int>
            var pattern: Int
            var order: Int
            var node: TSNode
            var name: TSNode
            var role: LanguageQueries.Role
            var doc: TSNode?
            var container: TSNode?
        }
        var definitions: [Candidate] = []
        var references: [Candidate] = []

        mutating func add(pattern: Int, captures: UnsafeBufferPointer<TSQueryCapture>, roles: [LanguageQueries.Role],
                          source: UnsafeBufferPointer<UInt8>) {
            guard let nameNode = captures.first(where: { roles[Int($0.index)].isName })?.node else { return }
            let key = Int(ts_node_start_byte(nameNode))..<Int(ts_node_end_byte(nameNode))
            guard !key.isEmpty, within?.contains(key.lowerBound) ?? true else { return }
            for capture in captures {
                let role = roles[Int(capture.index)]
                switch role {
                case .definition:
                    // Keyed by the name: `int x, y;` is one node defining two fields.
                    definitions.append(Candidate(
                        key: key, pattern: pattern, order: definitions.count, node: capture.node, name: nameNode, role: role,
                        doc: captures.first { roles[Int($0.index)].isDoc }?.node,
                        container: captures.first { roles[Int($0.index)].isContainer }?.node))
                case .reference:
                    references.append(Candidate(key: key, pattern: pattern, order: references.count, node: capture.node,
                                                name: nameNode, role: role, doc: nil, container: nil))
                default:
                    continue
                }
            }
        }

        /// For each name range, the candidates in the order they compete: earliest pattern, then earliest match.
        ///
        /// Sorts small keys and reads the candidates in their order: a candidate is a few hundred bytes, and moving
        /// them while sorting cost more than the comparisons. (Byte offsets, pattern and match numbers fit 32 bits:
        /// a file is smaller than 4 GB.)
        static func ranked(_ candidates: [Candidate]) -> [Candidate] {
            var keys: [(UInt64, UInt64)] = []
            keys.reserveCapacity(candidates.count)
            for (i, c) in candidates.enumerated() {
                let range = UInt64(UInt32(truncatingIfNeeded: c.key.lowerBound)) << 32 | UInt64(UInt32(truncatingIfNeeded: c.key.upperBound))
                // `order` is the candidate's index, so it also says where to find it.
                let rank = UInt64(UInt32(truncatingIfNeeded: c.pattern)) << 32 | UInt64(UInt32(truncatingIfNeeded: i))
                keys.append((range, rank))
            }
            keys.sort { $0 < $1 }
            return keys.map { candidates[Int(truncatingIfNeeded: $0.1 & 0xFFFF_FFFF)] }
        }
    }

    /// Import statements of one file in the order they were first matched; a statement matched by several
    /// patterns (or once per imported name) collects all its names.
    private struct ImportCollector {
        let within: Range<Int>?
        var byStatement: [Range<Int>: ImportTag] = [:]
        var order: [Range<Int>] = []

        mutating func add(captures: UnsafeBufferPointer<TSQueryCapture>, roles: [LanguageQueries.Role],
                          source: UnsafeBufferPointer<UInt8>) {
            guard let statement = captures.first(where: { roles[Int($0.index)].isStatement })?.node else { return }
            let module = captures.first { roles[Int($0.index)].isModule }
                ?? captures.first { roles[Int($0.index)].isSubmodule }
            guard let module else { return }
            let key = Int(ts_node_start_byte(statement))..<Int(ts_node_end_byte(statement))
            if let within, !within.contains(key.lowerBound) { return }
            let names = captures.filter { roles[Int($0.index)].isImportedName }.map { Tagger.text($0.node, source) }
            if var existing = byStatement[key] {
                existing.names.append(contentsOf: names.filter { !existing.names.contains($0) })
                byStatement[key] = existing
            } else {
                order.append(key)
                byStatement[key] = ImportTag(module: Tagger.text(module.node, source),
                                             isSubmodule: roles[Int(module.index)].isSubmodule,
                                             names: names, range: TextRange(statement), moduleRange: TextRange(module.node))
            }
        }
    }

    /// A node's source text (UTF-8, invalid sequences repaired), as `Node.text` gives it.
    static func text(_ node: TSNode, _ source: UnsafeBufferPointer<UInt8>) -> String {
        let lo = min(Int(ts_node_start_byte(node)), source.count)
        let hi = min(max(Int(ts_node_end_byte(node)), lo), source.count)
        return String(decoding: UnsafeBufferPointer(rebasing: source[lo..<hi]), as: UTF8.self)
    }

    private func finishTags(_ collected: TagCollector, into result: inout FileTags,
                            source: UnsafeBufferPointer<UInt8>) {
        // The winner for each name range: the first candidate in rank order whose name reads as non-empty text.
        var winners: [(tag: DefinitionTag, explicitContainer: String?)] = []
        var last: Range<Int>?
        for c in TagCollector.ranked(collected.definitions) where c.key != last {
            guard case let .definition(kind) = c.role else { continue }
            let name = Tagger.text(c.name, source)
            guard !name.isEmpty else { continue }
            last = c.key
            let doc = c.doc.map { Tagger.cleanDoc(Tagger.text($0, source)) }
            winners.append((DefinitionTag(name: name, kind: kind, range: TextRange(c.node), selectionRange: TextRange(c.name),
                                          parent: nil, container: nil, doc: doc),
                            c.container.map { Tagger.text($0, source) }))
        }
        // Document order; an enclosing definition sorts before what it encloses.
        let ordered = winners.sorted {
            ($0.tag.range.startByte, -$0.tag.range.endByte, $0.tag.selectionRange.startByte, $0.tag.selectionRange.endByte)
                < ($1.tag.range.startByte, -$1.tag.range.endByte, $1.tag.selectionRange.startByte, $1.tag.selectionRange.endByte)
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
        // References in document order (ranked sorts by name range first), one per name range, none on a
        // definition's name.
        var refs: [ReferenceTag] = []
        last = nil
        for c in TagCollector.ranked(collected.references) where c.key != last && !nameRanges.contains(c.key) {
            guard case let .reference(kind) = c.role else { continue }
            let name = Tagger.text(c.name, source)
            guard !name.isEmpty else { continue }
            last = c.key
            refs.append(ReferenceTag(name: name, kind: kind, range: TextRange(c.name), enclosing: nil))
        }
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

    /// A doc comment or docstring without its quotes and comment markers, at most 500 characters.
    ///
    /// ASCII text (nearly every docstring) takes a path over bytes that gives the same result as the general
    /// one, `cleanDocUnicode`, without Foundation's trimming, which cost as much as the docstring query itself.
    static func cleanDoc(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return cleanDocUnicode(text) }
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        func trimmed(_ s: ArraySlice<UInt8>, _ strip: (UInt8) -> Bool) -> ArraySlice<UInt8> {
            var s = s
            while let f = s.first, strip(f) { s.removeFirst() }
            while let l = s.last, strip(l) { s.removeLast() }
            return s
        }
        // Lines end at "\n" but not inside "\r\n", which Swift counts as one character (so `split` keeps it).
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for i in bytes.indices where bytes[i] == lf && (i == 0 || bytes[i - 1] != cr) {
            lines.append(bytes[start..<i])
            start = i + 1
        }
        lines.append(bytes[start...])
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for (n, raw) in lines.enumerated() {
            var l = trimmed(raw, isBlank)
            for marker in Tagger.docPrefixes where l.starts(with: marker) { l = l.dropFirst(marker.count); break }
            for marker in Tagger.docSuffixes where l.count >= marker.count && l.suffix(marker.count).elementsEqual(marker) {
                l = l.dropLast(marker.count); break
            }
            if n > 0 { out.append(lf) }
            out.append(contentsOf: trimmed(l, isBlank))
        }
        // Whitespace and newlines as `CharacterSet.whitespacesAndNewlines` has them in ASCII.
        let result = trimmed(out[...]) { $0 == 0x20 || (0x09...0x0D).contains($0) }
        // At most 500 characters, "\r\n" counting as one.
        var end = result.startIndex, count = 0
        while end < result.endIndex, count < 500 {
            end += (result[end] == cr && end + 1 < result.endIndex && result[end + 1] == lf) ? 2 : 1
            count += 1
        }
        return String(decoding: result[..<end], as: UTF8.self)
    }

    static let docPrefixes = ["///", "//", "/**", "/*", "*/", "#", "*", "\"\"\"", "'''"].map { Array($0.utf8) }
    static let docSuffixes = ["*/", "\"\"\"", "'''"].map { Array($0.utf8) }

    /// `cleanDoc` for any text: Unicode whitespace, Swift characters.
    static func cleanDocUnicode(_ text: String) -> String {
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

extension LanguageQueries.Role {
    var isName: Bool { if case .name = self { return true }; return false }
    var isDoc: Bool { if case .doc = self { return true }; return false }
    var isContainer: Bool { if case .container = self { return true }; return false }
    var isStatement: Bool { if case .statement = self { return true }; return false }
    var isModule: Bool { if case .module = self { return true }; return false }
    var isSubmodule: Bool { if case .submodule = self { return true }; return false }
    var isImportedName: Bool { if case .importedName = self { return true }; return false }
}
