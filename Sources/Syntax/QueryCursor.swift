import CTreeSitter

/// Runs a `Query` over a node. One per task; reuse it across files.
///
/// The tree is walked once in document order. At each node the cursor tries the patterns whose root matches
/// the node's symbol; a pattern is matched by backtracking over the node's children, so every way the child
/// steps can match yields a match, as with libtree-sitter's own cursor. Two of its rules are kept because our
/// queries rely on them:
/// - of the matches of one pattern at one node, a match whose captures are all in another match is dropped
///   (an optional step that could match counts as matched: a C include guard's `#define X` is compared with the
///   `#ifndef X` around it, not also matched without it);
/// - predicates are checked after that, on the matches left.
public final class QueryCursor {
    /// Checked every 64 matches; set it to stop a long run early.
    public var isCancelled: () -> Bool = { false }

    /// The matcher's buffers, kept from one file to the next.
    private let matcher = Matcher()

    public init() {}

    /// Every match of `query` under `node` whose predicates hold.
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

    /// Calls `body` with the pattern index and the captures of every match whose predicates hold: node by node
    /// in document order, and at one node by pattern index. The captures are valid only during the call. With
    /// `byteRange`, only nodes that overlap it are tried (their children may lie outside it).
    ///
    /// This is the loop the indexer runs over every file, so it builds no `Node` or `String` per capture.
    func forEachMatch(_ query: Query, in node: Node, byteRange: Range<Int>? = nil,
                      _ body: (Int, UnsafeBufferPointer<TSQueryCapture>) -> Void) {
        let matcher = self.matcher
        matcher.begin(query, node.raw)
        defer { matcher.end() }
        let wildcards = query.wildcardRoots
        let hasTriggers = !query.patternsByRequiredChild.isEmpty
        let lastSlot = query.patternsByRoot.slots - 1
        var walker = ts_tree_cursor_new(node.raw)
        defer { ts_tree_cursor_delete(&walker) }
        // Parents of the walker's node (kept only for patterns tried at a parent); a pattern tried at a parent
        // because of one child is not tried again for a later child, as a parent's children come one after another.
        var parents: [TSNode] = []
        var triedAtParent = [UnsafeRawPointer?](repeating: nil, count: hasTriggers ? query.patternCount : 0)
        var emitted = 0
        var stop = false
        query.patternsByRoot.starts.withUnsafeBufferPointer { rootStarts in
        query.patternsByRoot.list.withUnsafeBufferPointer { rootList in
        query.patternsByRequiredChild.starts.withUnsafeBufferPointer { triggerStarts in
        query.patternsByRequiredChild.list.withUnsafeBufferPointer { triggerList in
        node.tree.source.withUnsafeBufferPointer { source in
            func run(_ pattern: Int, at root: TSNode) {
                guard !stop, matcher.match(pattern: pattern, at: root) else { return }
                matcher.found.withUnsafeBufferPointer { all in
                    var start = 0
                    for (i, end) in matcher.ends.enumerated() {
                        defer { start = end }
                        if matcher.isDropped(i) { continue }
                        let one = UnsafeBufferPointer(rebasing: all[start..<end])
                        guard query.holds(pattern: pattern, captures: one, source: source) else { continue }
                        body(pattern, one)
                        emitted += 1
                        if emitted % 64 == 0, isCancelled() { stop = true }
                    }
                }
            }
            while !stop {
                let current = ts_tree_cursor_current_node(&walker)
                var inRange = true
                if let r = byteRange {
                    let lo = Int(ts_node_start_byte(current)), hi = Int(ts_node_end_byte(current))
                    inRange = hi >= r.lowerBound && lo <= r.upperBound
                }
                if inRange {
                    let symbol = Int(ts_node_symbol(current))
                    let slot = symbol < lastSlot ? symbol : lastSlot
                    for k in Int(rootStarts[slot])..<Int(rootStarts[slot + 1]) { run(Int(rootList[k]), at: current) }
                    if !wildcards.isEmpty {
                        let named = ts_node_is_named(current)
                        for (pattern, namedOnly) in wildcards where named || !namedOnly { run(pattern, at: current) }
                    }
                    if hasTriggers, let parent = parents.last {
                        for k in Int(triggerStarts[slot])..<Int(triggerStarts[slot + 1]) {
                            let pattern = Int(triggerList[k])
                            guard triedAtParent[pattern] != parent.id else { continue }
                            triedAtParent[pattern] = parent.id
                            run(pattern, at: parent)
                        }
                    }
                }
                if inRange, ts_tree_cursor_goto_first_child(&walker) {
                    if hasTriggers { parents.append(current) }
                    continue
                }
                var done = false
                while !ts_tree_cursor_goto_next_sibling(&walker) {
                    guard ts_tree_cursor_goto_parent(&walker) else { done = true; break }
                    if hasTriggers { parents.removeLast() }
                }
                if done { break }
            }
        }
        }
        }
        }
        }
    }
}

/// Matches one pattern at one node: every way its steps match, by backtracking, into `found`/`ends`.
///
/// A class with its buffers as properties (and not closures over local variables) so that a step costs no
/// reference counting: the steps are read through pointers into the query's `StepProgram`, kept alive by
/// `program` between `begin` and `end`.
private final class Matcher {
    /// One child of a node being matched: taken from a tree cursor, which also knows its field.
    struct Child {
        var node: TSNode
        var field: TSFieldId
        var isNamed: Bool
    }

    private var program: StepProgram?
    private var steps = UnsafeBufferPointer<StepProgram.Step>(start: nil, count: 0)
    private var captureIds = UnsafeBufferPointer<UInt32>(start: nil, count: 0)
    private var negatedFields = UnsafeBufferPointer<TSFieldId>(start: nil, count: 0)
    private var roots: [Int32] = []
    private var lister: TSTreeCursor?

    /// The children of the nodes being matched, a stack of lists: a step appends its node's children, matches
    /// them, and removes them again. The root's children stay listed for the next pattern tried at the same root.
    private var children = PlainStack<Child>()
    private var listedRoot: (UnsafeRawPointer?, UInt32)?
    private var listedRootEnd = 0
    /// Captures of the match being built.
    private var captures = PlainStack<TSQueryCapture>()
    /// The matches found by the last `match`, flattened: match i ends at `ends[i]` in `found`.
    private(set) var found: [TSQueryCapture] = []
    private(set) var ends: [Int] = []
    private var dropped: [Bool] = []
    private var dedupe = false

    func begin(_ query: Query, _ root: TSNode) {
        let p = query.program
        program = p
        steps = UnsafeBufferPointer(p.steps)
        captureIds = UnsafeBufferPointer(p.captureIds)
        negatedFields = UnsafeBufferPointer(p.negatedFields)
        roots = p.roots
        if lister == nil { lister = ts_tree_cursor_new(root) }
        children.removeAll()
        listedRoot = nil
    }

    func end() {
        program = nil
        steps = UnsafeBufferPointer(start: nil, count: 0)
        captureIds = UnsafeBufferPointer(start: nil, count: 0)
        negatedFields = UnsafeBufferPointer(start: nil, count: 0)
        children.removeAll()
        listedRoot = nil
    }

    deinit {
        if var cursor = lister { ts_tree_cursor_delete(&cursor) }
        children.deallocate()
        captures.deallocate()
    }

    /// Finds the matches of `pattern` at `root`; false when there is none.
    func match(pattern: Int, at root: TSNode) -> Bool {
        found.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        captures.removeAll()
        match(Int(roots[pattern]), Child(node: root, field: 0, isNamed: ts_node_is_named(root)), isRoot: true) {
            found.append(contentsOf: captures.elements)
            ends.append(found.count)
        }
        dedupe = ends.count > 1
        if dedupe { dropContainedMatches() }
        return !ends.isEmpty
    }

    func isDropped(_ i: Int) -> Bool { dedupe && dropped[i] }

    /// Lists `node`'s children at the end of `children`.
    private func list(_ node: TSNode) {
        guard var cursor = lister else { return }
        defer { lister = cursor }
        ts_tree_cursor_reset(&cursor, node)
        guard ts_tree_cursor_goto_first_child(&cursor) else { return }
        repeat {
            let child = ts_tree_cursor_current_node(&cursor)
            children.append(Child(node: child, field: ts_tree_cursor_current_field_id(&cursor), isNamed: ts_node_is_named(child)))
        } while ts_tree_cursor_goto_next_sibling(&cursor)
    }

    /// Matches step `s` against `child`; calls `then` once for every way it matches, with its captures pushed.
    private func match(_ s: Int, _ child: Child, isRoot: Bool, then: () -> Void) {
        let step = steps[s]
        if step.field != 0, step.field != child.field { return }
        switch step.kind {
        case .named:
            guard child.isNamed, ts_node_symbol(child.node) == step.symbol else { return }
        case .anonymous:
            guard !child.isNamed, ts_node_symbol(child.node) == step.symbol else { return }
        case .anyNamed:
            guard child.isNamed else { return }
        case .any:
            break
        case .alternatives:
            for option in step.children {
                match(Int(option), child, isRoot: isRoot) {
                    let mark = captures.count
                    for c in step.captures { captures.append(TSQueryCapture(node: child.node, index: captureIds[Int(c)])) }
                    then()
                    captures.truncate(to: mark)
                }
            }
            return
        }
        for f in step.negatedFields where !ts_node_is_null(ts_node_child_by_field_id(child.node, negatedFields[Int(f)])) {
            return
        }
        let mark = captures.count
        for c in step.captures { captures.append(TSQueryCapture(node: child.node, index: captureIds[Int(c)])) }
        defer { captures.truncate(to: mark) }
        if step.children.isEmpty {
            then()
            return
        }
        if isRoot {
            let key = (child.node.id, child.node.context.0)
            if listedRoot?.0 != key.0 || listedRoot?.1 != key.1 {
                children.removeAll()
                list(child.node)
                listedRoot = key
                listedRootEnd = children.count
            }
            matchChildren(of: s, Int(step.children.lowerBound), from: 0, end: listedRootEnd, previous: nil, then: then)
            return
        }
        let base = children.count
        list(child.node)
        let end = children.count
        matchChildren(of: s, Int(step.children.lowerBound), from: base, end: end, previous: nil, then: then)
        children.truncate(to: base)
    }

    /// Matches the child steps of `parent` from step `i` on against `children[from..<end]`, in order;
    /// `previous` is where the last step matched (for anchors).
    private func matchChildren(of parent: Int, _ i: Int, from: Int, end: Int, previous: Int?, then: () -> Void) {
        let parentStep = steps[parent]
        guard i < Int(parentStep.children.upperBound) else {
            if parentStep.isAnchoredAtEnd {
                guard let previous, !(previous + 1..<end).contains(where: { children[$0].isNamed }) else { return }
            }
            then()
            return
        }
        let next = steps[i]
        if next.isAnchored {
            // The first named child, or the named sibling right after the previous step's node.
            if let c = (from..<end).first(where: { children[$0].isNamed }) {
                match(i, children[c], isRoot: false) {
                    matchChildren(of: parent, i + 1, from: c + 1, end: end, previous: c, then: then)
                }
            }
        } else {
            for c in from..<end {
                match(i, children[c], isRoot: false) {
                    matchChildren(of: parent, i + 1, from: c + 1, end: end, previous: c, then: then)
                }
            }
        }
        if next.isOptional { matchChildren(of: parent, i + 1, from: from, end: end, previous: previous, then: then) }
    }

    /// Marks in `dropped` every match whose captures all appear in another, larger match, and all but the first
    /// of equal matches.
    private func dropContainedMatches() {
        var starts: [Int] = []
        var start = 0
        for end in ends { starts.append(start); start = end }
        func same(_ a: TSQueryCapture, _ b: TSQueryCapture) -> Bool {
            a.index == b.index && a.node.id == b.node.id && a.node.context.0 == b.node.context.0
        }
        func contained(_ a: Int, in b: Int) -> Bool {
            (starts[a]..<ends[a]).allSatisfy { i in (starts[b]..<ends[b]).contains { same(found[i], found[$0]) } }
        }
        dropped.removeAll(keepingCapacity: true)
        dropped.append(contentsOf: repeatElement(false, count: ends.count))
        for a in ends.indices {
            for b in ends.indices where b != a && !dropped[b] && contained(a, in: b) {
                if ends[a] - starts[a] < ends[b] - starts[b] || b < a { dropped[a] = true; break }
            }
        }
    }
}

/// A growable array of plain values (bitwise-copyable: nothing to release when truncated) that the matcher keeps as a property: appending,
/// reading and truncating it costs no reference counting, where a Swift array held by a class is retained and
/// released around accesses in the matcher's recursive closures (about a tenth of the matching time).
/// The owner calls `deallocate` once.
struct PlainStack<Element: BitwiseCopyable> {
    private var base: UnsafeMutablePointer<Element>?
    private var capacity = 0
    private(set) var count = 0

    subscript(i: Int) -> Element {
        precondition(i >= 0 && i < count, "PlainStack index out of range")
        return base.unsafelyUnwrapped[i]
    }

    /// The live elements, valid until the next change.
    var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    mutating func append(_ element: Element) {
        if count == capacity { grow() }
        (base.unsafelyUnwrapped + count).initialize(to: element)
        count += 1
    }

    /// Drops every element from index `n` on.
    mutating func truncate(to n: Int) {
        precondition(n >= 0 && n <= count, "PlainStack truncated past its end")
        count = n
    }

    mutating func removeAll() { count = 0 }

    mutating func deallocate() {
        base?.deallocate()
        base = nil
        capacity = 0
        count = 0
    }

    private mutating func grow() {
        let bigger = max(16, capacity * 2)
        let fresh = UnsafeMutablePointer<Element>.allocate(capacity: bigger)
        if let base {
            fresh.moveInitialize(from: base, count: count)
            base.deallocate()
        }
        base = fresh
        capacity = bigger
    }
}

