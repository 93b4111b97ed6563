import CTreeSitter
import Foundation

/// A predicate of a query pattern, evaluated by us: libtree-sitter 0.20.7 returns predicates as data only.
public enum QueryPredicate: Sendable, Equatable {
    case eq(capture: UInt32, other: Operand, negated: Bool)
    case match(capture: UInt32, regex: String, negated: Bool)
    case anyOf(capture: UInt32, values: [String], negated: Bool)

    public enum Operand: Sendable, Equatable {
        case capture(UInt32)
        case string(String)
    }
}

/// One capture of a match: its name in the query and its node.
public struct QueryCapture {
    public let name: String
    public let index: UInt32
    public let node: Node
}

/// A match whose predicates all held.
public struct QueryMatch {
    public let patternIndex: Int
    public let captures: [QueryCapture]

    /// The first capture with this name.
    public func capture(_ name: String) -> QueryCapture? { captures.first { $0.name == name } }
}

/// A compiled query, immutable and shareable between threads; run it with a `QueryCursor` per task.
///
/// Compiled by `QueryReader` (see `PatternStep` for why not by `ts_query_new`), with each pattern indexed by
/// the symbol of its root, so a cursor tries at each node only the patterns that can start there.
public final class Query: @unchecked Sendable {
    public let language: Language
    public let fileName: String
    /// Capture names by capture id.
    public let captureNames: [String]
    /// The patterns' steps, flat, for the matcher (the `Pattern` trees the reader built are not kept).
    let program: StepProgram
    /// Each pattern's predicates, their string operands as UTF-8 bytes, compared against source bytes.
    private let compiledPredicates: [[CompiledPredicate]]
    /// Compiled regexes keyed by their source text.
    private let regexes: [String: NSRegularExpression]
    /// For a query compiled from several files, the pattern indices of each file, in file order.
    public let patternRanges: [(file: String, patterns: Range<Int>)]

    /// Pattern indices by the symbol their root matches, ascending, flattened: the patterns of symbol `s` are
    /// `patternsByRoot.list[starts[s]..<starts[s + 1]]` (symbols past the grammar's count share its last slot).
    let patternsByRoot: SymbolTable
    /// Patterns whose root is `(_)` (any named node) or `_` (any node), tried at every such node…
    let wildcardRoots: [(pattern: Int, namedOnly: Bool)]
    /// …unless one of the root's required children has a known symbol: then the pattern is tried at the parent of
    /// each node of that symbol instead, which visits far fewer nodes.
    let patternsByRequiredChild: SymbolTable

    /// Lists of pattern indices by symbol, in two flat arrays (read at every node of every file).
    struct SymbolTable {
        let starts: [Int32]
        let list: [Int32]
        init(_ lists: [[Int]]) {
            var starts: [Int32] = [0]
            for l in lists { starts.append(starts[starts.count - 1] + Int32(l.count)) }
            self.starts = starts
            list = lists.flatMap { $0.map(Int32.init) }
        }
        var isEmpty: Bool { list.isEmpty }
        /// The slot of a symbol: its own, or the shared last one.
        var slots: Int { starts.count - 1 }
    }

    /// One query file's text, compiled together with others into one `Query` (see `init(language:segments:)`).
    public struct Segment {
        public var fileName: String
        public var source: String
        /// The capture contract of this file; nil allows any capture.
        public var allowedCaptures: Set<String>?
        public init(fileName: String, source: String, allowedCaptures: Set<String>?) {
            self.fileName = fileName; self.source = source; self.allowedCaptures = allowedCaptures
        }
    }

    /// Compiles `source`. When `allowedCaptures` is given, a capture outside it is an error (the capture contract).
    /// Captures starting with `_` are private helpers and always allowed.
    public convenience init(language: Language, source: String, fileName: String = "<inline>",
                            allowedCaptures: Set<String>? = nil) throws {
        try self.init(language: language,
                      segments: [Segment(fileName: fileName, source: source, allowedCaptures: allowedCaptures)])
    }

    /// Compiles several query files as one query, so that one cursor pass over a tree runs them all. Each file
    /// keeps its own capture contract, and errors name the file and the byte offset within it; `patternRanges`
    /// tells which patterns came from which file.
    public init(language: Language, segments: [Segment]) throws {
        // Byte offset of each segment in the joined text (segments are separated by one newline).
        var starts: [Int] = []
        var offset = 0
        for segment in segments {
            starts.append(offset)
            offset += segment.source.utf8.count + 1
        }
        func segmentIndex(at byte: Int) -> Int { max(0, (starts.lastIndex { $0 <= byte }) ?? 0) }
        let fileName = segments.map(\.fileName).joined(separator: "+")
        var reader = QueryReader(source: segments.map(\.source).joined(separator: "\n"), language: language.raw)
        let patterns: [Pattern]
        do {
            patterns = try reader.patterns()
        } catch let failure as QueryReader.Failure {
            let at = segments.isEmpty ? 0 : segmentIndex(at: failure.offset)
            let file = segments.isEmpty ? fileName : segments[at].fileName
            if let unsupported = reader.unsupportedPredicate {
                throw SyntaxError.unsupportedPredicate(language: language.name, file: file, predicate: unsupported.name)
            }
            throw SyntaxError.queryInvalid(language: language.name, file: file,
                                           offset: UInt32(failure.offset - (segments.isEmpty ? 0 : starts[at])),
                                           kind: failure.kind)
        }
        self.language = language
        self.fileName = fileName
        program = StepProgram(patterns)
        let names = reader.captureNames
        captureNames = names
        // Patterns come in source order, so each file's patterns are one contiguous range.
        let segmentOfPattern = patterns.map { segments.isEmpty ? 0 : segmentIndex(at: $0.startByte) }
        patternRanges = segments.indices.map { i in
            let first = segmentOfPattern.firstIndex(of: i) ?? segmentOfPattern.firstIndex { $0 > i } ?? patterns.count
            let end = segmentOfPattern.lastIndex(of: i).map { $0 + 1 } ?? first
            return (segments[i].fileName, first..<end)
        }
        for (pattern, i) in segmentOfPattern.enumerated() {
            guard let allowed = segments[i].allowedCaptures else { continue }
            var used = Set<UInt32>()
            patterns[pattern].root.forEach { used.formUnion($0.captures) }
            for id in used.sorted() where !names[Int(id)].hasPrefix("_") && !allowed.contains(names[Int(id)]) {
                throw SyntaxError.unknownCapture(language: language.name, file: segments[i].fileName, capture: names[Int(id)])
            }
        }
        var regexes: [String: NSRegularExpression] = [:]
        for (pattern, i) in segmentOfPattern.enumerated() {
            for case let .match(_, regex, _) in patterns[pattern].predicates where regexes[regex] == nil {
                do { regexes[regex] = try NSRegularExpression(pattern: regex) } catch {
                    throw SyntaxError.unsupportedPredicate(language: language.name,
                                                           file: segments.isEmpty ? fileName : segments[i].fileName,
                                                           predicate: "match? (\(error))")
                }
            }
        }
        compiledPredicates = patterns.map { $0.predicates.map(CompiledPredicate.init) }
        self.regexes = regexes

        // Root index.
        let symbolCount = Int(ts_language_symbol_count(language.raw))
        var byRoot = [[Int]](repeating: [], count: symbolCount + 1)
        var byChild = [[Int]](repeating: [], count: symbolCount + 1)
        var wildcards: [(Int, Bool)] = []
        func slot(_ symbol: TSSymbol) -> Int { Int(symbol) < symbolCount ? Int(symbol) : symbolCount }
        for (index, pattern) in patterns.enumerated() {
            var roots: [TSSymbol] = []
            var wildcard: Bool?  // nil: no wildcard root; true: any named node; false: any node
            func collect(_ step: PatternStep) {
                switch step.test {
                case let .named(symbol), let .anonymous(symbol): roots.append(symbol)
                case .anyNamed: wildcard = wildcard ?? true
                case .any: wildcard = false
                case let .alternatives(options): options.forEach(collect)
                }
            }
            collect(pattern.root)
            guard let namedOnly = wildcard else {
                for symbol in Set(roots) { byRoot[slot(symbol)].append(index) }
                continue
            }
            let required = pattern.root.children.first { child in
                guard !child.isOptional, case .named = child.test else { return false }
                return true
            }
            if case let .named(symbol)? = required?.test {
                byChild[slot(symbol)].append(index)
            } else {
                wildcards.append((index, namedOnly))
            }
        }
        patternsByRoot = SymbolTable(byRoot)
        patternsByRequiredChild = SymbolTable(byChild)
        wildcardRoots = wildcards
    }

    public var patternCount: Int { program.roots.count }

    /// A predicate with its strings as bytes.
    private enum CompiledPredicate {
        case eq(capture: UInt32, other: Operand, negated: Bool)
        case match(capture: UInt32, regex: String, negated: Bool)
        case anyOf(capture: UInt32, values: Set<[UInt8]>, negated: Bool)

        enum Operand { case capture(UInt32), bytes([UInt8]) }

        init(_ p: QueryPredicate) {
            switch p {
            case let .eq(capture, .capture(other), negated): self = .eq(capture: capture, other: .capture(other), negated: negated)
            case let .eq(capture, .string(s), negated): self = .eq(capture: capture, other: .bytes(Array(s.utf8)), negated: negated)
            case let .match(capture, regex, negated): self = .match(capture: capture, regex: regex, negated: negated)
            case let .anyOf(capture, values, negated):
                self = .anyOf(capture: capture, values: Set(values.map { Array($0.utf8) }), negated: negated)
            }
        }
    }

    /// Whether every predicate of `pattern` holds for `captures`, whose text is in `source`.
    /// Texts are compared as bytes, without building strings (only `#match?` needs one, for the regex).
    func holds(pattern: Int, captures: UnsafeBufferPointer<TSQueryCapture>, source: UnsafeBufferPointer<UInt8>) -> Bool {
        let predicates = compiledPredicates[pattern]
        if predicates.isEmpty { return true }
        func texts(_ id: UInt32) -> [ArraySlice<UInt8>] {
            captures.filter { $0.index == id }.map { c in
                let lo = min(Int(ts_node_start_byte(c.node)), source.count)
                let hi = min(max(Int(ts_node_end_byte(c.node)), lo), source.count)
                return ArraySlice(UnsafeBufferPointer(rebasing: source[lo..<hi]))
            }
        }
        for p in predicates {
            switch p {
            case let .eq(capture, other, negated):
                let lhs = texts(capture)
                let rhs: [ArraySlice<UInt8>]
                switch other {
                case let .capture(id): rhs = texts(id)
                case let .bytes(b): rhs = [b[...]]
                }
                // A predicate on a capture absent from this match does not constrain it.
                if lhs.isEmpty || rhs.isEmpty { continue }
                if (lhs.allSatisfy { l in rhs.contains { Query.same(l, $0) } }) == negated { return false }
            case let .match(capture, regex, negated):
                guard let re = regexes[regex] else { continue }
                for bytes in texts(capture) {
                    let text = String(decoding: bytes, as: UTF8.self)
                    let found = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                    if found == negated { return false }
                }
            case let .anyOf(capture, values, negated):
                for bytes in texts(capture) {
                    let found = values.contains(Array(bytes)) || (!Query.isASCII(bytes) && values.contains { Query.same(bytes, $0[...]) })
                    if found == negated { return false }
                }
            }
        }
        return true
    }

    /// Text equality as Swift strings define it: equal bytes, or (only possible outside ASCII) canonically
    /// equivalent characters such as a precomposed and a decomposed "é".
    private static func same(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        if a.elementsEqual(b) { return true }
        if isASCII(a) && isASCII(b) { return false }
        return String(decoding: a, as: UTF8.self) == String(decoding: b, as: UTF8.self)
    }

    private static func isASCII(_ bytes: ArraySlice<UInt8>) -> Bool { bytes.allSatisfy { $0 < 0x80 } }
}
