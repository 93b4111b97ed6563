import CTreeSitter

/// One step of a compiled query pattern: a node to match, what to capture, and the steps for its children.
///
/// Quorum reads `.scm` files itself instead of calling `ts_query_new`: libtree-sitter 0.20.7 analyses every
/// pattern against the grammar's whole parse table when it compiles a query (0.3 s for Swift's tags, more than
/// parsing this repository's Swift files on one core), and its cursor advances a state machine at every node
/// of the tree. The patterns our queries use need neither: `QueryCursor` tries each pattern only at the nodes
/// whose type is the pattern's root, and matches the rest by walking that node's children.
final class PatternStep {
    enum Test {
        /// A named node of this (public) symbol: `(identifier)`.
        case named(TSSymbol)
        /// An anonymous node of this symbol: `"init"`.
        case anonymous(TSSymbol)
        /// Any named node: `(_)`.
        case anyNamed
        /// Any node at all: `_`.
        case any
        /// The first alternative that matches: `[(a) (b)]`. Each alternative is tried; each success is a match.
        case alternatives([PatternStep])
    }

    var test: Test
    /// The field this step's node must sit in (`name:`); 0 for none.
    var field: TSFieldId = 0
    /// Capture ids given to the matched node.
    var captures: [UInt32] = []
    /// `?`: the step may match no child.
    var isOptional = false
    /// `.` before this step: it must match the first named child (first step) or the named sibling right after
    /// the previous step's node.
    var isAnchored = false
    /// `.` after the last child step: that step must match the last named child.
    var isAnchoredAtEnd = false
    /// `!field`: the node must have no child in these fields.
    var negatedFields: [TSFieldId] = []
    var children: [PatternStep] = []

    init(test: Test) { self.test = test }

    /// Calls `body` with this step and every step below it (alternatives and children), depth first.
    func forEach(_ body: (PatternStep) -> Void) {
        body(self)
        if case let .alternatives(options) = test { options.forEach { $0.forEach(body) } }
        children.forEach { $0.forEach(body) }
    }
}

/// One top-level pattern of a query file: its root step and predicates, in source order.
struct Pattern {
    let root: PatternStep
    var predicates: [QueryPredicate]
    /// Byte offset of the pattern in the joined query text.
    let startByte: Int
}

/// Reads tree-sitter query syntax into `Pattern`s, resolving node and field names against one grammar.
///
/// Supported: named and anonymous nodes, `_` and `(_)`, fields and `!field`, alternations, captures, `?`,
/// anchors, and the predicates `#eq?`, `#match?`, `#any-of?` (and `not-` forms); directives (`#…!`) are
/// read and ignored. Repetitions (`*`, `+`) and sibling groups are refused with a clear error: no query of
/// ours needs them, and a silently different meaning would be worse.
struct QueryReader {
    struct Failure: Error {
        let offset: Int
        let kind: String
    }

    private let bytes: [UInt8]
    private var at = 0
    private let language: OpaquePointer
    /// Capture names by id, in order of first appearance.
    private(set) var captureNames: [String] = []
    private var captureIds: [String: UInt32] = [:]
    /// Predicate names refused as unsupported, with the pattern they were in (reported by the caller).
    private(set) var unsupportedPredicate: (name: String, offset: Int)?

    init(source: String, language: OpaquePointer) {
        bytes = Array(source.utf8)
        self.language = language
    }

    /// Every pattern of the text, in source order.
    mutating func patterns() throws -> [Pattern] {
        var result: [Pattern] = []
        while true {
            skipTrivia()
            guard at < bytes.count else { return result }
            let start = at
            var predicates: [QueryPredicate] = []
            let root = try step(predicates: &predicates, topLevel: true)
            // A predicate may name a capture before the step that defines it, but the pattern must define it.
            var defined = Set<UInt32>()
            root.forEach { defined.formUnion($0.captures) }
            for predicate in predicates where !predicate.captures.allSatisfy(defined.contains) {
                throw Failure(offset: start, kind: "unknown capture")
            }
            result.append(Pattern(root: root, predicates: predicates, startByte: start))
        }
    }

    // MARK: - Steps

    /// One step with its suffixes (`?`, `@capture`), optionally preceded by `field:`.
    private mutating func step(predicates: inout [QueryPredicate], topLevel: Bool = false) throws -> PatternStep {
        skipTrivia()
        var field: TSFieldId = 0
        if !topLevel, let name = peekFieldPrefix() {
            let start = at
            at += name.count
            skipTrivia()
            at += 1  // the ':'
            field = name.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { ts_language_field_id_for_name(language, $0.baseAddress, UInt32($0.count)) }
            }
            guard field != 0 else { throw Failure(offset: start, kind: "unknown field") }
            skipTrivia()
        }
        let result = try body(predicates: &predicates)
        if field != 0 { result.field = field }
        try suffixes(of: result)
        return result
    }

    /// The part of a step before its suffixes.
    private mutating func body(predicates: inout [QueryPredicate]) throws -> PatternStep {
        guard at < bytes.count else { throw Failure(offset: at, kind: "syntax") }
        switch bytes[at] {
        case UInt8(ascii: "["):
            at += 1
            var options: [PatternStep] = []
            while true {
                if try nextByte() == UInt8(ascii: "]") { at += 1; break }
                options.append(try step(predicates: &predicates))
            }
            guard !options.isEmpty else { throw Failure(offset: at, kind: "syntax") }
            return PatternStep(test: .alternatives(options))
        case UInt8(ascii: "\""):
            let start = at
            let text = try string()
            let symbol = text.withCString { ts_language_symbol_for_name(language, $0, UInt32(text.utf8.count), false) }
            guard symbol != 0 else { throw Failure(offset: start, kind: "unknown node type") }
            return PatternStep(test: .anonymous(symbol))
        case UInt8(ascii: "_") where !isIdentifierByte(at + 1):
            at += 1
            return PatternStep(test: .any)
        case UInt8(ascii: "("):
            return try parenthesized(predicates: &predicates)
        default:
            throw Failure(offset: at, kind: "syntax")
        }
    }

    /// `(type children…)`, `(_ children…)`, or a group `((pattern) (#predicate…))`.
    private mutating func parenthesized(predicates: inout [QueryPredicate]) throws -> PatternStep {
        let open = at
        at += 1
        let first = try nextByte()
        if first == UInt8(ascii: "(") || first == UInt8(ascii: "[") || first == UInt8(ascii: "\"") {
            // A group: one pattern and its predicates.
            var inner: PatternStep?
            while true {
                if try nextByte() == UInt8(ascii: ")") { at += 1; break }
                if isPredicateStart() { try predicate(into: &predicates); continue }
                guard inner == nil else { throw Failure(offset: at, kind: "sibling sequences are not supported") }
                inner = try step(predicates: &predicates)
            }
            guard let inner else { throw Failure(offset: open, kind: "syntax") }
            return inner
        }
        let node: PatternStep
        if bytes[at] == UInt8(ascii: "_"), !isIdentifierByte(at + 1) {
            at += 1
            node = PatternStep(test: .anyNamed)
        } else {
            let start = at
            let name = identifier()
            guard !name.isEmpty else { throw Failure(offset: at, kind: "syntax") }
            let symbol = name.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { ts_language_symbol_for_name(language, $0.baseAddress, UInt32($0.count), true) }
            }
            // `ERROR` resolves to libtree-sitter's error symbol (65535), never to 0.
            guard symbol != 0 else { throw Failure(offset: start, kind: "unknown node type") }
            node = PatternStep(test: .named(symbol))
        }
        var anchorPending = false
        while true {
            switch try nextByte() {
            case UInt8(ascii: ")"):
                at += 1
                if anchorPending {
                    guard !node.children.isEmpty else { throw Failure(offset: at - 1, kind: "syntax") }
                    node.isAnchoredAtEnd = true
                }
                return node
            case UInt8(ascii: "."):
                at += 1
                anchorPending = true
            case UInt8(ascii: "!"):
                at += 1
                let start = at
                let name = identifier()
                let field = name.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { ts_language_field_id_for_name(language, $0.baseAddress, UInt32($0.count)) }
                }
                guard field != 0 else { throw Failure(offset: start, kind: "unknown field") }
                node.negatedFields.append(field)
            default:
                if isPredicateStart() { try predicate(into: &predicates); continue }
                let child = try step(predicates: &predicates)
                child.isAnchored = anchorPending
                anchorPending = false
                node.children.append(child)
            }
        }
    }

    /// `?`, `*`, `+` and `@capture` after a step, in any order.
    private mutating func suffixes(of step: PatternStep) throws {
        while true {
            skipTrivia()
            guard at < bytes.count else { return }
            switch bytes[at] {
            case UInt8(ascii: "?"):
                at += 1
                step.isOptional = true
            case UInt8(ascii: "*"), UInt8(ascii: "+"):
                throw Failure(offset: at, kind: "repetition (\(Character(UnicodeScalar(bytes[at])))) is not supported")
            case UInt8(ascii: "@"):
                at += 1
                let name = String(decoding: identifier(), as: UTF8.self)
                guard !name.isEmpty else { throw Failure(offset: at, kind: "syntax") }
                step.captures.append(captureId(name))
            default:
                return
            }
        }
    }

    private mutating func captureId(_ name: String) -> UInt32 {
        if let id = captureIds[name] { return id }
        let id = UInt32(captureNames.count)
        captureNames.append(name)
        captureIds[name] = id
        return id
    }

    // MARK: - Predicates

    private func isPredicateStart() -> Bool {
        var i = at + 1
        while i < bytes.count, isSpace(bytes[i]) { i += 1 }
        return bytes[at] == UInt8(ascii: "(") && i < bytes.count && bytes[i] == UInt8(ascii: "#")
    }

    private enum Argument { case capture(UInt32), string(String) }

    /// `(#name? @capture "string" …)`; directives (`#set!` …) are read and dropped.
    private mutating func predicate(into predicates: inout [QueryPredicate]) throws {
        let start = at
        at += 1
        skipTrivia()
        at += 1  // '#'
        let name = String(decoding: identifier(allowing: [UInt8(ascii: "?"), UInt8(ascii: "!")]), as: UTF8.self)
        var args: [Argument] = []
        while true {
            switch try nextByte() {
            case UInt8(ascii: ")"):
                at += 1
                if name.hasSuffix("!") { return }
                predicates.append(try build(name, args, at: start))
                return
            case UInt8(ascii: "@"):
                at += 1
                let capture = String(decoding: identifier(), as: UTF8.self)
                guard !capture.isEmpty else { throw Failure(offset: at, kind: "syntax") }
                args.append(.capture(captureId(capture)))
            case UInt8(ascii: "\""):
                args.append(.string(try string()))
            default:
                let word = identifier()
                guard !word.isEmpty else { throw Failure(offset: at, kind: "syntax") }
                args.append(.string(String(decoding: word, as: UTF8.self)))
            }
        }
    }

    private mutating func build(_ name: String, _ args: [Argument], at offset: Int) throws -> QueryPredicate {
        let negated = name.hasPrefix("not-")
        let base = negated ? String(name.dropFirst(4)) : name
        func unsupported() -> Failure {
            unsupportedPredicate = unsupportedPredicate ?? (name, offset)
            return Failure(offset: offset, kind: "predicate")
        }
        guard case let .capture(first)? = args.first else { throw unsupported() }
        switch base {
        case "eq?":
            guard args.count == 2 else { throw unsupported() }
            switch args[1] {
            case let .capture(other): return .eq(capture: first, other: .capture(other), negated: negated)
            case let .string(text): return .eq(capture: first, other: .string(text), negated: negated)
            }
        case "match?":
            guard args.count == 2, case let .string(regex) = args[1] else { throw unsupported() }
            return .match(capture: first, regex: regex, negated: negated)
        case "any-of?":
            var values: [String] = []
            for case let .string(text) in args.dropFirst() { values.append(text) }
            guard values.count == args.count - 1 else { throw unsupported() }
            return .anyOf(capture: first, values: values, negated: negated)
        default:
            throw unsupported()
        }
    }

    // MARK: - Lexing

    private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    private func isIdentifierByte(_ i: Int) -> Bool {
        guard i < bytes.count else { return false }
        let b = bytes[i]
        return (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
            || b == UInt8(ascii: ".") || b >= 0x80
    }

    /// The byte after any trivia, not consumed; the text must not end here.
    private mutating func nextByte() throws -> UInt8 {
        skipTrivia()
        guard at < bytes.count else { throw Failure(offset: at, kind: "syntax") }
        return bytes[at]
    }

    /// Spaces and `;` comments.
    private mutating func skipTrivia() {
        while at < bytes.count {
            if isSpace(bytes[at]) { at += 1 }
            else if bytes[at] == UInt8(ascii: ";") { while at < bytes.count, bytes[at] != 0x0A { at += 1 } }
            else { return }
        }
    }

    private mutating func identifier(allowing extra: [UInt8] = []) -> [UInt8] {
        let start = at
        while at < bytes.count, isIdentifierByte(at) || extra.contains(bytes[at]) {
            // A capture name may contain '.', a node name not; neither ends in it before a ':'.
            at += 1
        }
        return Array(bytes[start..<at])
    }

    /// The field name of a `name:` prefix at the cursor, without consuming it; nil when there is none.
    private func peekFieldPrefix() -> [UInt8]? {
        var i = at
        while i < bytes.count, isIdentifierByte(i), bytes[i] != UInt8(ascii: ".") { i += 1 }
        guard i > at else { return nil }
        var j = i
        while j < bytes.count, isSpace(bytes[j]) { j += 1 }
        guard j < bytes.count, bytes[j] == UInt8(ascii: ":") else { return nil }
        return Array(bytes[at..<i])
    }

    /// A double-quoted string with `\"`, `\\`, `\n`, `\t` escapes.
    private mutating func string() throws -> String {
        let start = at
        at += 1
        var out: [UInt8] = []
        while at < bytes.count, bytes[at] != UInt8(ascii: "\"") {
            if bytes[at] == UInt8(ascii: "\\"), at + 1 < bytes.count {
                at += 1
                switch bytes[at] {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "0"): out.append(0)
                default: out.append(bytes[at])
                }
            } else {
                out.append(bytes[at])
            }
            at += 1
        }
        guard at < bytes.count else { throw Failure(offset: start, kind: "syntax") }
        at += 1
        return String(decoding: out, as: UTF8.self)
    }
}

extension QueryPredicate {
    /// The capture ids this predicate reads.
    var captures: [UInt32] {
        switch self {
        case let .eq(capture, .capture(other), _): return [capture, other]
        case let .eq(capture, .string, _): return [capture]
        case let .match(capture, _, _): return [capture]
        case let .anyOf(capture, _, _): return [capture]
        }
    }
}

/// The steps of every pattern of a query, laid out flat in memory the query owns, so that the matcher reads them
/// without reference counting (it visits every node of every file). A step's children, or an alternation's
/// options, are contiguous.
final class StepProgram: @unchecked Sendable {
    struct Step {
        enum Kind: UInt8 { case named, anonymous, anyNamed, any, alternatives }
        var kind: Kind
        var symbol: TSSymbol
        var field: TSFieldId
        var isOptional: Bool
        var isAnchored: Bool
        var isAnchoredAtEnd: Bool
        /// Into `captureIds`.
        var captures: Range<Int32>
        /// Into `negatedFields`.
        var negatedFields: Range<Int32>
        /// Into `steps`: the children, or for `.alternatives` the options.
        var children: Range<Int32>
    }

    let steps: UnsafeMutableBufferPointer<Step>
    let captureIds: UnsafeMutableBufferPointer<UInt32>
    let negatedFields: UnsafeMutableBufferPointer<TSFieldId>
    /// The root step of each pattern.
    let roots: [Int32]

    init(_ patterns: [Pattern]) {
        var steps: [Step] = []
        var captures: [UInt32] = []
        var negated: [TSFieldId] = []
        func placeholder() -> Step {
            Step(kind: .any, symbol: 0, field: 0, isOptional: false, isAnchored: false, isAnchoredAtEnd: false,
                 captures: 0..<0, negatedFields: 0..<0, children: 0..<0)
        }
        func fill(_ s: PatternStep, at index: Int) {
            var kind = Step.Kind.any
            var symbol: TSSymbol = 0
            var below = s.children
            switch s.test {
            case let .named(sym): kind = .named; symbol = sym
            case let .anonymous(sym): kind = .anonymous; symbol = sym
            case .anyNamed: kind = .anyNamed
            case .any: kind = .any
            case let .alternatives(options): kind = .alternatives; below = options
            }
            let c0 = Int32(captures.count); captures.append(contentsOf: s.captures)
            let ownCaptures = c0..<Int32(captures.count)
            let n0 = Int32(negated.count); negated.append(contentsOf: s.negatedFields)
            let ownNegated = n0..<Int32(negated.count)
            let first = steps.count
            steps.append(contentsOf: repeatElement(placeholder(), count: below.count))
            for (k, child) in below.enumerated() { fill(child, at: first + k) }
            steps[index] = Step(kind: kind, symbol: symbol, field: s.field, isOptional: s.isOptional,
                                isAnchored: s.isAnchored, isAnchoredAtEnd: s.isAnchoredAtEnd,
                                captures: ownCaptures, negatedFields: ownNegated,
                                children: Int32(first)..<Int32(first + below.count))
        }
        var roots: [Int32] = []
        for pattern in patterns {
            roots.append(Int32(steps.count))
            steps.append(placeholder())
            fill(pattern.root, at: steps.count - 1)
        }
        self.roots = roots
        func own<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, array.count))
            _ = buffer.initialize(from: array)
            return UnsafeMutableBufferPointer(rebasing: buffer[0..<array.count])
        }
        self.steps = own(steps)
        captureIds = own(captures)
        negatedFields = own(negated)
    }

    deinit {
        steps.baseAddress?.deallocate()
        captureIds.baseAddress?.deallocate()
        negatedFields.baseAddress?.deallocate()
    }
}
