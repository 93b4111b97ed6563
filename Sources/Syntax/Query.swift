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
public final class Query: @unchecked Sendable {
    let raw: OpaquePointer
    public let language: Language
    public let fileName: String
    /// Capture names by capture id.
    public let captureNames: [String]
    /// Predicates per pattern index.
    let predicates: [[QueryPredicate]]
    /// The same predicates with their string operands as UTF-8 bytes, compared against source bytes.
    private let compiledPredicates: [[CompiledPredicate]]
    /// Compiled regexes keyed by their source text.
    private let regexes: [String: NSRegularExpression]
    /// For a query compiled from several files, the pattern indices of each file, in file order.
    public let patternRanges: [(file: String, patterns: Range<Int>)]

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

    /// Compiles several query files as one query, so that one cursor pass over a tree runs them all (each pass
    /// walks every node, whatever its patterns). Each file keeps its own capture contract, and errors name the
    /// file and the byte offset within it; `patternRanges` tells which patterns came from which file.
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
        let source = segments.map(\.source).joined(separator: "\n")
        var errorOffset: UInt32 = 0
        var errorType = TSQueryErrorNone
        let query = source.withCString { ptr in
            ts_query_new(language.raw, ptr, UInt32(strlen(ptr)), &errorOffset, &errorType)
        }
        guard let query else {
            let kinds = [TSQueryErrorSyntax: "syntax", TSQueryErrorNodeType: "unknown node type",
                         TSQueryErrorField: "unknown field", TSQueryErrorCapture: "unknown capture",
                         TSQueryErrorStructure: "impossible pattern", TSQueryErrorLanguage: "language"]
            let at = segments.isEmpty ? 0 : segmentIndex(at: Int(errorOffset))
            throw SyntaxError.queryInvalid(language: language.name, file: segments.isEmpty ? fileName : segments[at].fileName,
                                           offset: errorOffset - UInt32(segments.isEmpty ? 0 : starts[at]),
                                           kind: kinds[errorType] ?? "unknown")
        }
        raw = query
        self.language = language
        self.fileName = fileName
        var names: [String] = []
        for id in 0..<ts_query_capture_count(query) {
            var length: UInt32 = 0
            // libtree-sitter returns a name for every id below the capture count; "" would only hide a bug.
            let ptr = ts_query_capture_name_for_id(query, id, &length)
            names.append(ptr.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(length)), as: UTF8.self) } ?? "")
        }
        captureNames = names
        // Patterns come in source order, so each file's patterns are one contiguous range.
        let patternCount = Int(ts_query_pattern_count(query))
        var segmentOfPattern: [Int] = []
        for pattern in 0..<patternCount {
            segmentOfPattern.append(segments.isEmpty ? 0 : segmentIndex(at: Int(ts_query_start_byte_for_pattern(query, UInt32(pattern)))))
        }
        patternRanges = segments.indices.map { i in
            let first = segmentOfPattern.firstIndex(of: i) ?? segmentOfPattern.firstIndex { $0 > i } ?? patternCount
            let end = segmentOfPattern.lastIndex(of: i).map { $0 + 1 } ?? first
            return (segments[i].fileName, first..<end)
        }
        for (pattern, i) in segmentOfPattern.enumerated() {
            guard let allowed = segments[i].allowedCaptures else { continue }
            for (id, name) in names.enumerated() where !name.hasPrefix("_") && !allowed.contains(name) {
                // A capture id belongs to the query; it is this file's only if this pattern uses it.
                if ts_query_capture_quantifier_for_id(query, UInt32(pattern), UInt32(id)) == TSQuantifierZero { continue }
                ts_query_delete(query)
                throw SyntaxError.unknownCapture(language: language.name, file: segments[i].fileName, capture: name)
            }
        }
        var all: [[QueryPredicate]] = []
        var regexes: [String: NSRegularExpression] = [:]
        do {
            for pattern in 0..<ts_query_pattern_count(query) {
                let file = segments.isEmpty ? fileName : segments[segmentOfPattern[Int(pattern)]].fileName
                let parsed = try Query.parsePredicates(query, pattern: pattern, language: language.name, file: file)
                for case let .match(_, regex, _) in parsed where regexes[regex] == nil {
                    regexes[regex] = try NSRegularExpression(pattern: regex)
                }
                all.append(parsed)
            }
        } catch {
            ts_query_delete(query)
            throw error as? SyntaxError
                ?? SyntaxError.unsupportedPredicate(language: language.name, file: fileName, predicate: "match? (\(error))")
        }
        predicates = all
        compiledPredicates = all.map { $0.map(CompiledPredicate.init) }
        self.regexes = regexes
    }

    deinit { ts_query_delete(raw) }

    public var patternCount: Int { Int(ts_query_pattern_count(raw)) }

    private static func parsePredicates(_ q: OpaquePointer, pattern: UInt32, language: String,
                                        file: String) throws -> [QueryPredicate] {
        var count: UInt32 = 0
        guard let steps = ts_query_predicates_for_pattern(q, pattern, &count), count > 0 else { return [] }
        func string(_ id: UInt32) -> String {
            var length: UInt32 = 0
            guard let ptr = ts_query_string_value_for_id(q, id, &length) else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: ptr, count: Int(length)), as: UTF8.self)
        }
        var result: [QueryPredicate] = []
        var current: [TSQueryPredicateStep] = []
        for i in 0..<Int(count) {
            let step = steps[i]
            if step.type != TSQueryPredicateStepTypeDone { current.append(step); continue }
            defer { current.removeAll() }
            guard let head = current.first, head.type == TSQueryPredicateStepTypeString else { continue }
            let name = string(head.value_id)
            let args = current.dropFirst()
            let negated = name.hasPrefix("not-")
            let base = negated ? String(name.dropFirst(4)) : name
            // Directives (`#set!`, `#strip!`, `#select-adjacent!`) change no match; tags queries use them for docs.
            if name.hasSuffix("!") { continue }
            guard let first = args.first, first.type == TSQueryPredicateStepTypeCapture else {
                throw SyntaxError.unsupportedPredicate(language: language, file: file, predicate: name)
            }
            switch base {
            case "eq?":
                guard args.count == 2, let other = args.last else {
                    throw SyntaxError.unsupportedPredicate(language: language, file: file, predicate: name)
                }
                let operand: QueryPredicate.Operand = other.type == TSQueryPredicateStepTypeCapture
                    ? .capture(other.value_id) : .string(string(other.value_id))
                result.append(.eq(capture: first.value_id, other: operand, negated: negated))
            case "match?":
                guard args.count == 2, let other = args.last, other.type == TSQueryPredicateStepTypeString else {
                    throw SyntaxError.unsupportedPredicate(language: language, file: file, predicate: name)
                }
                result.append(.match(capture: first.value_id, regex: string(other.value_id), negated: negated))
            case "any-of?":
                let values = args.dropFirst().map { string($0.value_id) }
                result.append(.anyOf(capture: first.value_id, values: values, negated: negated))
            default:
                throw SyntaxError.unsupportedPredicate(language: language, file: file, predicate: name)
            }
        }
        return result
    }

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

/// Runs a `Query` over a node. One per task; reuse it across files.
public final class QueryCursor {
    private let raw: OpaquePointer
    /// Checked every 64 matches; set it to stop a long run early.
    public var isCancelled: () -> Bool = { false }

    public init() { raw = ts_query_cursor_new() }
    deinit { ts_query_cursor_delete(raw) }

    /// Every match of `query` under `node` whose predicates hold, in document order.
    public func matches(_ query: Query, in node: Node, byteRange: Range<Int>? = nil) -> [QueryMatch] {
        var result: [QueryMatch] = []
        forEachMatch(query, in: node, byteRange: byteRange) { pattern, raw in
            let captures = raw.map { c in
                QueryCapture(name: query.captureNames[Int(c.index)], index: c.index, node: Node(raw: c.node, tree: node.tree))
            }
            result.append(QueryMatch(patternIndex: pattern, captures: captures))
        }
        return result
    }

    /// Calls `body` with the pattern index and the raw captures of every match whose predicates hold, in
    /// document order. The captures are valid only during the call. This is the loop the indexer runs over
    /// every file, so it builds no `Node` or `String` per capture.
    func forEachMatch(_ query: Query, in node: Node, byteRange: Range<Int>? = nil,
                      _ body: (Int, UnsafeBufferPointer<TSQueryCapture>) -> Void) {
        if let r = byteRange { ts_query_cursor_set_byte_range(raw, UInt32(r.lowerBound), UInt32(r.upperBound)) }
        else { ts_query_cursor_set_byte_range(raw, 0, UInt32.max) }
        ts_query_cursor_exec(raw, query.raw, node.raw)
        var m = TSQueryMatch()
        var seen = 0
        node.tree.source.withUnsafeBufferPointer { source in
            while ts_query_cursor_next_match(raw, &m) {
                seen += 1
                if seen % 64 == 0, isCancelled() { break }
                let captures = UnsafeBufferPointer(start: m.captures, count: Int(m.capture_count))
                let pattern = Int(m.pattern_index)
                if query.holds(pattern: pattern, captures: captures, source: source) { body(pattern, captures) }
            }
        }
    }
}
