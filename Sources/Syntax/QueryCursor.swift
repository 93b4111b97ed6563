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

    /// One child of a node being matched: taken from a tree cursor, which also knows its field.
    private struct Child {
        var node: TSNode
        var field: TSFieldId
        var isNamed: Bool
    }

    /// The children of the nodes being matched, a stack of lists: a step appends its node's children, matches
    /// them, and removes them again.
    private var children: [Child] = []
    /// Captures of the match being built.
    private var captures: [TSQueryCapture] = []
    /// Completed matches of one pattern at one node, flattened; `ends[i]` is where match i ends.
    private var found: [TSQueryCapture] = []
    private var ends: [Int] = []
    private var dropped: [Bool] = []
    /// The node whose children are `children[0..<listedRootEnd]` (its id and start), kept from one pattern to the
    /// next at the same root.
    private var listedRoot: (UnsafeRawPointer?, UInt32)?
    private var listedRootEnd = 0
    /// Walks a node's children; one is enough, since a node's children are listed before any is matched.
    private var childCursor: TSTreeCursor?

    public init() {}

    deinit {
        if var cursor = childCursor { ts_tree_cursor_delete(&cursor) }
    }

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
        var walker = ts_tree_cursor_new(node.raw)
        defer { ts_tree_cursor_delete(&walker) }
        if childCursor == nil { childCursor = ts_tree_cursor_new(node.raw) }
        listedRoot = nil
        let wildcards = query.wildcardRoots
        let hasTriggers = !query.patternsByRequiredChild.isEmpty
        let lastSlot = query.patternsByRoot.slots - 1
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
                guard !stop else { return }
                found.removeAll(keepingCapacity: true)
                ends.removeAll(keepingCapacity: true)
                captures.removeAll(keepingCapacity: true)
                match(query.patterns[pattern].root, Child(node: root, field: 0, isNamed: ts_node_is_named(root)), isRoot: true) {
                    found.append(contentsOf: captures)
                    ends.append(found.count)
                }
                guard !ends.isEmpty else { return }
                let dedupe = ends.count > 1
                if dedupe { dropContainedMatches() }
                found.withUnsafeBufferPointer { all in
                    var start = 0
                    for (i, end) in ends.enumerated() {
                        defer { start = end }
                        if dedupe, dropped[i] { continue }
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

    /// Matches `step` against `child`; calls `then` once for every way it matches, with its captures pushed.
    private func match(_ step: PatternStep, _ child: Child, isRoot: Bool = false, then: () -> Void) {
        if step.field != 0, step.field != child.field { return }
        switch step.test {
        case let .named(symbol):
            guard child.isNamed, ts_node_symbol(child.node) == symbol else { return }
        case let .anonymous(symbol):
            guard !child.isNamed, ts_node_symbol(child.node) == symbol else { return }
        case .anyNamed:
            guard child.isNamed else { return }
        case .any:
            break
        case let .alternatives(options):
            for option in options {
                match(option, child, isRoot: isRoot) {
                    let mark = captures.count
                    for id in step.captures { captures.append(TSQueryCapture(node: child.node, index: id)) }
                    then()
                    captures.removeSubrange(mark...)
                }
            }
            return
        }
        for field in step.negatedFields where !ts_node_is_null(ts_node_child_by_field_id(child.node, field)) { return }
        let mark = captures.count
        for id in step.captures { captures.append(TSQueryCapture(node: child.node, index: id)) }
        defer { captures.removeSubrange(mark...) }
        if step.children.isEmpty {
            then()
            return
        }
        // A root's children stay listed for the next pattern tried at the same node; deeper lists are removed.
        let key = (child.node.id, child.node.context.0)
        if isRoot, let listed = listedRoot, listed.0 == key.0, listed.1 == key.1 {
            matchChildren(of: step, 0, from: 0, end: listedRootEnd, previous: nil, then: then)
            return
        }
        if isRoot { children.removeAll(keepingCapacity: true) }
        let base = children.count
        if var cursor = childCursor {
            ts_tree_cursor_reset(&cursor, child.node)
            if ts_tree_cursor_goto_first_child(&cursor) {
                repeat {
                    let node = ts_tree_cursor_current_node(&cursor)
                    children.append(Child(node: node, field: ts_tree_cursor_current_field_id(&cursor), isNamed: ts_node_is_named(node)))
                } while ts_tree_cursor_goto_next_sibling(&cursor)
            }
            childCursor = cursor
        }
        let end = children.count
        if isRoot {
            listedRoot = key
            listedRootEnd = end
            matchChildren(of: step, 0, from: 0, end: end, previous: nil, then: then)
            return
        }
        defer { children.removeSubrange(base...) }
        matchChildren(of: step, 0, from: base, end: end, previous: nil, then: then)
    }

    /// Matches `step.children[i...]` against `children[from..<end]`, in order; `previous` is where the last step
    /// matched (for anchors).
    private func matchChildren(of step: PatternStep, _ i: Int, from: Int, end: Int, previous: Int?, then: () -> Void) {
        let steps = step.children
        guard i < steps.count else {
            if step.isAnchoredAtEnd {
                guard let previous, !(previous + 1..<end).contains(where: { children[$0].isNamed }) else { return }
            }
            then()
            return
        }
        let next = steps[i]
        if next.isAnchored {
            // The first named child, or the named sibling right after the previous step's node.
            if let c = (from..<end).first(where: { children[$0].isNamed }) {
                match(next, children[c]) { matchChildren(of: step, i + 1, from: c + 1, end: end, previous: c, then: then) }
            }
        } else {
            for c in from..<end {
                match(next, children[c]) { matchChildren(of: step, i + 1, from: c + 1, end: end, previous: c, then: then) }
            }
        }
        if next.isOptional { matchChildren(of: step, i + 1, from: from, end: end, previous: previous, then: then) }
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
