import CTreeSitter

/// Re-tagging after an edit: the query runs over the top-level definitions the edit touched, and the tags of
/// the rest of the file are kept (those after the edit shifted by it).
///
/// Why this gives exactly the tags of a full pass: a tag depends on its node's subtree and, through a query's
/// parent and sibling steps, on that node's ancestors and neighbours. Outside the ranges libtree-sitter reports
/// changed (`Tree.changedRanges`) and the edited bytes, every node has the same text and the same ancestors as
/// before. The window is widened to whole top-level nodes, plus one more on each side (with the comments between)
/// for patterns that look at siblings, so every node whose tags may differ lies inside it. Definitions, references
/// and imports never span two top-level nodes (our queries capture no root node), so nesting (`parent`,
/// `container`, `enclosing`) never crosses the window's edges and only their indices shift.
/// When either tree has a syntax error the changed ranges are not trusted and the whole file is queried.
/// `IncrementalTagsTests` holds the result equal to a full pass over thousands of random edits.
extension Tagger {
    /// The tags of `tree`, parsed incrementally from `old` (the tree `previous` was computed for, already
    /// `edit`ed) after `edit`.
    public func retag(_ tree: Tree, from old: Tree, after edit: InputEdit, previous: FileTags,
                      queries: LanguageQueries) -> FileTags {
        guard let window = Tagger.window(tree, from: old, edit: edit) else { return tags(tree, queries: queries) }
        // A window over most of the file costs as much as a full pass, without the splicing.
        if window.count * 4 > tree.source.count * 3 { return tags(tree, queries: queries) }
        let fresh = tags(tree, queries: queries, within: window)
        let delta = edit.newEndByte - edit.oldEndByte
        // The window in the old text: its start is before the edit, its end after it.
        let oldEnd = window.upperBound - delta
        let shift = Shift(edit: edit)

        var result = FileTags()
        let defsBefore = previous.definitions.prefix { $0.range.startByte < window.lowerBound }
        let defsAfter = previous.definitions.drop { $0.range.startByte < oldEnd }
        let removedDefs = previous.definitions.count - defsBefore.count - defsAfter.count
        // The argument above, checked where it is cheap: a definition reaching across an edge of the window
        // (an edit changed a node's extent further away than it reasons) gets a full pass.
        let firstAfter = defsBefore.count + removedDefs
        guard defsBefore.allSatisfy({ $0.range.endByte <= window.lowerBound }),
              fresh.definitions.allSatisfy({ window.lowerBound <= $0.range.startByte && $0.range.endByte <= window.upperBound }),
              defsAfter.allSatisfy({ $0.parent.map { $0 >= firstAfter } ?? true })
        else { return tags(tree, queries: queries) }
        let before = defsBefore.count
        // An index after the window moves by how many definitions the window gained or lost.
        func movedIndex(_ i: Int) -> Int { i >= before + removedDefs ? i - removedDefs + fresh.definitions.count : i }
        result.definitions.reserveCapacity(before + fresh.definitions.count + defsAfter.count)
        result.definitions.append(contentsOf: defsBefore)
        for var d in fresh.definitions {
            d.parent = d.parent.map { $0 + before }
            result.definitions.append(d)
        }
        for var d in defsAfter {
            d.range = shift(d.range); d.selectionRange = shift(d.selectionRange)
            d.parent = d.parent.map(movedIndex)
            result.definitions.append(d)
        }

        let refsBefore = previous.references.prefix { $0.range.startByte < window.lowerBound }
        let refsAfter = previous.references.drop { $0.range.startByte < oldEnd }
        guard refsAfter.allSatisfy({ $0.enclosing.map { $0 >= firstAfter } ?? true }) else { return tags(tree, queries: queries) }
        result.references.reserveCapacity(refsBefore.count + fresh.references.count + refsAfter.count)
        result.references.append(contentsOf: refsBefore)
        for var r in fresh.references {
            r.enclosing = r.enclosing.map { $0 + before }
            result.references.append(r)
        }
        for var r in refsAfter {
            r.range = shift(r.range)
            r.enclosing = r.enclosing.map(movedIndex)
            result.references.append(r)
        }

        // Imports are in the order of their first match, which is document order across top-level nodes.
        result.imports = previous.imports.filter { $0.range.startByte < window.lowerBound } + fresh.imports
            + previous.imports.filter { $0.range.startByte >= oldEnd }.map { i in
                var i = i
                i.range = shift(i.range); i.moduleRange = shift(i.moduleRange)
                return i
            }
        return result
    }

    /// The byte range (in the new text) to query again: the top-level nodes holding the edit or a changed range,
    /// and one neighbour on each side with the comments in between. Nil when the changed ranges are not to be
    /// trusted (see `Tree.changedRanges`): the whole file is then queried again.
    public static func window(_ tree: Tree, from old: Tree, edit: InputEdit) -> Range<Int>? {
        guard let changed = tree.changedRanges(since: old) else { return nil }
        let lo = changed.reduce(edit.startByte) { min($0, $1.lowerBound) }
        let hi = changed.reduce(edit.newEndByte) { max($0, $1.upperBound) }
        let children = topLevel(tree)
        guard !children.isEmpty else { return 0..<max(hi, tree.source.count) }
        // The last node starting at or before `lo` (it may end exactly where text was appended to it), and the
        // first ending at or after `hi`.
        var first = children.lastIndex { $0.start <= lo } ?? 0
        var last = max(children.firstIndex { $0.end >= hi } ?? children.count - 1, first)
        // One neighbour each side that is not a comment, with the comments in between.
        repeat { first -= 1 } while first >= 0 && children[first].extra
        first = max(first, 0)
        repeat { last += 1 } while last < children.count && children[last].extra
        last = min(last, children.count - 1)
        // Text before the first or after the last top-level node (error recovery can leave some to the root)
        // goes with its neighbour.
        let start = first == 0 ? 0 : min(lo, children[first].start)
        let end = last == children.count - 1 ? max(hi, tree.source.count) : max(hi, children[last].end)
        return start..<end
    }

    /// The root's children: byte range, and whether they are extras (comments).
    private static func topLevel(_ tree: Tree) -> [(start: Int, end: Int, extra: Bool)] {
        var children: [(start: Int, end: Int, extra: Bool)] = []
        var cursor = ts_tree_cursor_new(ts_tree_root_node(tree.raw))
        defer { ts_tree_cursor_delete(&cursor) }
        if ts_tree_cursor_goto_first_child(&cursor) {
            repeat {
                let node = ts_tree_cursor_current_node(&cursor)
                children.append((Int(ts_node_start_byte(node)), Int(ts_node_end_byte(node)), ts_node_is_extra(node)))
            } while ts_tree_cursor_goto_next_sibling(&cursor)
        }
        return children
    }

    /// Moves a range that lies after an edit to where the edit put it (as `ts_tree_edit` moves nodes).
    private struct Shift {
        let delta: Int
        let oldEnd: SyntaxPoint, newEnd: SyntaxPoint

        init(edit: InputEdit) {
            delta = edit.newEndByte - edit.oldEndByte
            oldEnd = edit.oldEndPoint
            newEnd = edit.newEndPoint
        }

        func callAsFunction(_ r: TextRange) -> TextRange {
            TextRange(startByte: r.startByte + delta, endByte: r.endByte + delta, start: point(r.start), end: point(r.end))
        }

        private func point(_ p: SyntaxPoint) -> SyntaxPoint {
            p.row == oldEnd.row ? SyntaxPoint(row: newEnd.row, column: newEnd.column + p.column - oldEnd.column)
                : SyntaxPoint(row: p.row + newEnd.row - oldEnd.row, column: p.column)
        }
    }
}
