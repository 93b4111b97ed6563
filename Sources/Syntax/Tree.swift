import CTreeSitter
import Foundation

/// A zero-based (row, byte column) position, as tree-sitter counts them.
public struct SyntaxPoint: Hashable, Sendable, Comparable, Codable {
    public var row: Int
    /// Column in UTF-8 bytes from the start of the line.
    public var column: Int
    public init(row: Int, column: Int) { self.row = row; self.column = column }
    public static func < (a: SyntaxPoint, b: SyntaxPoint) -> Bool { (a.row, a.column) < (b.row, b.column) }
    var raw: TSPoint { TSPoint(row: UInt32(row), column: UInt32(column)) }
    init(_ p: TSPoint) { row = Int(p.row); column = Int(p.column) }
}

/// One text edit in byte offsets and points, before and after, as `ts_tree_edit` wants it.
public struct InputEdit: Sendable, Equatable {
    public var startByte: Int, oldEndByte: Int, newEndByte: Int
    public var startPoint: SyntaxPoint, oldEndPoint: SyntaxPoint, newEndPoint: SyntaxPoint
    public init(startByte: Int, oldEndByte: Int, newEndByte: Int,
                startPoint: SyntaxPoint, oldEndPoint: SyntaxPoint, newEndPoint: SyntaxPoint) {
        self.startByte = startByte; self.oldEndByte = oldEndByte; self.newEndByte = newEndByte
        self.startPoint = startPoint; self.oldEndPoint = oldEndPoint; self.newEndPoint = newEndPoint
    }
}

/// A syntax tree together with the exact UTF-8 bytes it was parsed from.
///
/// A tree is not safe to use from two threads at once; hand each task its own `copy()` (cheap: shared nodes).
public final class Tree: @unchecked Sendable {
    let raw: OpaquePointer
    public let language: Language
    /// The source the tree describes. Byte offsets of nodes index into it.
    public private(set) var source: [UInt8]

    init(raw: OpaquePointer, language: Language, source: [UInt8]) {
        self.raw = raw
        self.language = language
        self.source = source
    }

    deinit { ts_tree_delete(raw) }

    public var rootNode: Node { Node(raw: ts_tree_root_node(raw), tree: self) }

    /// A copy that another thread may use; the two share structure.
    /// Nil only if libtree-sitter could not allocate.
    public func copy() -> Tree? {
        ts_tree_copy(raw).map { Tree(raw: $0, language: language, source: source) }
    }

    /// Tells the tree about an edit so that the next parse can reuse the unchanged parts.
    /// `newSource` is the whole text after the edit.
    public func edit(_ edit: InputEdit, newSource: [UInt8]) {
        var e = TSInputEdit(start_byte: UInt32(edit.startByte), old_end_byte: UInt32(edit.oldEndByte),
                            new_end_byte: UInt32(edit.newEndByte), start_point: edit.startPoint.raw,
                            old_end_point: edit.oldEndPoint.raw, new_end_point: edit.newEndPoint.raw)
        ts_tree_edit(raw, &e)
        source = newSource
    }

    /// The byte ranges (in this tree) whose syntactic structure differs from `old`, which must be the tree this
    /// one was parsed from, after its edit (`ts_tree_get_changed_ranges`): outside them every node has the same
    /// ancestors in both trees.
    ///
    /// Nil when that cannot be relied on: when either tree has a syntax error (libtree-sitter 0.20.7 then misses
    /// changes: a random-edit test found Java code whose error recovery re-read a class far from the edit, outside
    /// every reported range), or when the root node's kind changed.
    public func changedRanges(since old: Tree) -> [Range<Int>]? {
        let oldRoot = ts_tree_root_node(old.raw), newRoot = ts_tree_root_node(raw)
        if ts_node_has_error(oldRoot) || ts_node_has_error(newRoot) || ts_node_symbol(oldRoot) != ts_node_symbol(newRoot) {
            return nil
        }
        var count: UInt32 = 0
        guard let ranges = ts_tree_get_changed_ranges(old.raw, raw, &count) else { return [] }
        defer { free(ranges) }
        return (0..<Int(count)).map { i in
            let r = ranges[i]
            return Int(r.start_byte)..<max(Int(r.start_byte), Int(r.end_byte))
        }
    }

    /// Counts ERROR and MISSING nodes: zero means the file parsed clean.
    public var errorCount: Int {
        var count = 0
        rootNode.walk { node in
            if node.isError || node.isMissing { count += 1 }
            return node.hasError  // only descend into subtrees that contain an error
        }
        return count
    }
}

/// A node of a `Tree`. It keeps its tree alive.
public struct Node: @unchecked Sendable {
    let raw: TSNode
    public let tree: Tree

    init(raw: TSNode, tree: Tree) { self.raw = raw; self.tree = tree }

    public var kind: String { String(cString: ts_node_type(raw)) }
    public var isNamed: Bool { ts_node_is_named(raw) }
    public var isMissing: Bool { ts_node_is_missing(raw) }
    public var isError: Bool { kind == "ERROR" }
    public var hasError: Bool { ts_node_has_error(raw) }
    public var startByte: Int { Int(ts_node_start_byte(raw)) }
    public var endByte: Int { Int(ts_node_end_byte(raw)) }
    public var byteRange: Range<Int> { startByte..<endByte }
    public var startPoint: SyntaxPoint { SyntaxPoint(ts_node_start_point(raw)) }
    public var endPoint: SyntaxPoint { SyntaxPoint(ts_node_end_point(raw)) }
    public var childCount: Int { Int(ts_node_child_count(raw)) }
    public var namedChildCount: Int { Int(ts_node_named_child_count(raw)) }

    public func child(_ i: Int) -> Node? { wrap(ts_node_child(raw, UInt32(i))) }
    public func namedChild(_ i: Int) -> Node? { wrap(ts_node_named_child(raw, UInt32(i))) }
    public var parent: Node? { wrap(ts_node_parent(raw)) }
    public var nextSibling: Node? { wrap(ts_node_next_sibling(raw)) }
    public var previousSibling: Node? { wrap(ts_node_prev_sibling(raw)) }

    public func child(byField name: String) -> Node? {
        name.withCString { wrap(ts_node_child_by_field_name(raw, $0, UInt32(strlen($0)))) }
    }

    public var children: [Node] { (0..<childCount).compactMap { child($0) } }
    public var namedChildren: [Node] { (0..<namedChildCount).compactMap { namedChild($0) } }

    /// The smallest named node spanning the byte range.
    public func namedDescendant(for range: Range<Int>) -> Node? {
        wrap(ts_node_named_descendant_for_byte_range(raw, UInt32(range.lowerBound), UInt32(range.upperBound)))
    }

    /// The node's source text (UTF-8, invalid sequences repaired).
    public var text: String {
        let src = tree.source
        let lo = min(startByte, src.count), hi = min(max(endByte, lo), src.count)
        return String(decoding: src[lo..<hi], as: UTF8.self)
    }

    /// The S-expression tree-sitter prints, handy in tests.
    public var sExpression: String {
        guard let c = ts_node_string(raw) else { return "" }
        defer { free(c) }
        return String(cString: c)
    }

    /// Pre-order walk with a cursor (no recursion, so deep trees cannot overflow the stack).
    /// `visit` returns whether to descend into the node's children.
    public func walk(_ visit: (Node) -> Bool) {
        var cursor = ts_tree_cursor_new(raw)
        defer { ts_tree_cursor_delete(&cursor) }
        var descend = visit(self)
        while true {
            if descend, ts_tree_cursor_goto_first_child(&cursor) {
                descend = visit(Node(raw: ts_tree_cursor_current_node(&cursor), tree: tree))
                continue
            }
            while !ts_tree_cursor_goto_next_sibling(&cursor) {
                if !ts_tree_cursor_goto_parent(&cursor) { return }
            }
            descend = visit(Node(raw: ts_tree_cursor_current_node(&cursor), tree: tree))
        }
    }

    private func wrap(_ n: TSNode) -> Node? { ts_node_is_null(n) ? nil : Node(raw: n, tree: tree) }
}
