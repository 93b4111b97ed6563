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
    /// Compiled regexes keyed by their source text.
    private let regexes: [String: NSRegularExpression]

    /// Compiles `source`. When `allowedCaptures` is given, a capture outside it is an error (the capture contract).
    /// Captures starting with `_` are private helpers and always allowed.
    public init(language: Language, source: String, fileName: String = "<inline>",
                allowedCaptures: Set<String>? = nil) throws {
        var errorOffset: UInt32 = 0
        var errorType = TSQueryErrorNone
        let query = source.withCString { ptr in
            ts_query_new(language.raw, ptr, UInt32(strlen(ptr)), &errorOffset, &errorType)
        }
        guard let query else {
            let kinds = [TSQueryErrorSyntax: "syntax", TSQueryErrorNodeType: "unknown node type",
                         TSQueryErrorField: "unknown field", TSQueryErrorCapture: "unknown capture",
                         TSQueryErrorStructure: "impossible pattern", TSQueryErrorLanguage: "language"]
            throw SyntaxError.queryInvalid(language: language.name, file: fileName, offset: errorOffset,
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
        if let allowed = allowedCaptures {
            for name in names where !name.hasPrefix("_") && !allowed.contains(name) {
                ts_query_delete(query)
                throw SyntaxError.unknownCapture(language: language.name, file: fileName, capture: name)
            }
        }
        var all: [[QueryPredicate]] = []
        var regexes: [String: NSRegularExpression] = [:]
        do {
            for pattern in 0..<ts_query_pattern_count(query) {
                let parsed = try Query.parsePredicates(query, pattern: pattern, language: language.name, file: fileName)
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

    func holds(_ predicates: [QueryPredicate], captures: [QueryCapture]) -> Bool {
        func texts(_ id: UInt32) -> [String] { captures.filter { $0.index == id }.map { $0.node.text } }
        for p in predicates {
            switch p {
            case let .eq(capture, other, negated):
                let lhs = texts(capture)
                let rhs: [String]
                switch other {
                case let .capture(id): rhs = texts(id)
                case let .string(s): rhs = [s]
                }
                // A predicate on a capture absent from this match does not constrain it.
                if lhs.isEmpty || rhs.isEmpty { continue }
                if (lhs.allSatisfy { l in rhs.contains(l) }) == negated { return false }
            case let .match(capture, regex, negated):
                guard let re = regexes[regex] else { continue }
                for text in texts(capture) {
                    let found = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                    if found == negated { return false }
                }
            case let .anyOf(capture, values, negated):
                for text in texts(capture) where values.contains(text) == negated { return false }
            }
        }
        return true
    }
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
        if let r = byteRange { ts_query_cursor_set_byte_range(raw, UInt32(r.lowerBound), UInt32(r.upperBound)) }
        else { ts_query_cursor_set_byte_range(raw, 0, UInt32.max) }
        ts_query_cursor_exec(raw, query.raw, node.raw)
        var result: [QueryMatch] = []
        var m = TSQueryMatch()
        var seen = 0
        while ts_query_cursor_next_match(raw, &m) {
            seen += 1
            if seen % 64 == 0, isCancelled() { break }
            var captures: [QueryCapture] = []
            captures.reserveCapacity(Int(m.capture_count))
            for i in 0..<Int(m.capture_count) {
                let c = m.captures[i]
                captures.append(QueryCapture(name: query.captureNames[Int(c.index)], index: c.index,
                                             node: Node(raw: c.node, tree: node.tree)))
            }
            let pattern = Int(m.pattern_index)
            if query.holds(query.predicates[pattern], captures: captures) {
                result.append(QueryMatch(patternIndex: pattern, captures: captures))
            }
        }
        return result
    }
}
