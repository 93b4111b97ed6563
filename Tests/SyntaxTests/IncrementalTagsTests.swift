import Base
import Foundation
import Syntax
import XCTest

/// `Tagger.retag` must give exactly what a full pass over the same tree gives, after any edit: the index keeps the
/// spliced tags of an open document from keystroke to keystroke, so a single difference would stay in it.
final class IncrementalTagsTests: XCTestCase {
    var registry: LanguageRegistry!
    var catalog: QueryCatalog!

    override func setUpWithError() throws {
        registry = try builtRegistry()
        catalog = QueryCatalog(registry: registry)
    }

    /// Random edits (typing, deleting, pasting lines, breaking and mending brackets and strings) of each
    /// language's sample, doubled so that there are definitions before and after every edit; after each edit the
    /// spliced tags of the incrementally parsed tree equal a full pass over it. (Not always a full pass over a fresh
    /// parse: libtree-sitter's error recovery can end differently in an incremental parse of broken code, as the
    /// index's kept trees always could.)
    /// Each round starts again from the sample, so that most edits meet code an editor would hold, not debris.
    func testRandomEditsGiveTheTagsOfAFullPass() throws {
        try checkRandomEdits(rounds: 20, editsPerRound: 10, seed: 20261205)
    }

    func checkRandomEdits(rounds: Int, editsPerRound: Int, seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        var spliced = 0, total = 0
        for name in QueryContractTests.languages {
            guard let sample = Samples.sources[name] else { continue }
            let queries = try catalog.queries(for: name)
            let parser = try Parser(language: registry.language(named: name))
            let tagger = Tagger()
            let comment = registry.manifests[name]?.lineComment ?? "//"
            for round in 0..<rounds {
                var text = Array((sample + "\n" + sample).utf8)
                var tree = try XCTUnwrap(parser.parse(text))
                var tags = tagger.tags(tree, queries: queries)
                for step in 0..<editsPerRound {
                    let (edit, newText) = RandomEdit.make(text, comment: comment, using: &generator)
                    tree.edit(edit, newSource: newText)
                    let newTree = try XCTUnwrap(parser.parse(newText, previous: tree))
                    let window = Tagger.window(newTree, from: tree, edit: edit)
                    let incremental = tagger.retag(newTree, from: tree, after: edit, previous: tags, queries: queries)
                    let full = Tagger().tags(newTree, queries: queries)
                    if incremental != full {
                        XCTFail("\(name), round \(round), edit \(step) \(edit), window \(window): spliced tags differ from a full pass\n"
                                + TagsDiff.describe(incremental, full) + "\ntext before:\n" + String(decoding: text, as: UTF8.self))
                        return
                    }
                    if let window, window.count * 4 <= newText.count * 3 { spliced += 1 }
                    total += 1
                    text = newText; tree = newTree; tags = incremental
                }
            }
        }
        // Edits that leave the code without syntax errors are spliced (others get a full pass): enough of them that
        // the splicing is well tested.
        XCTAssertGreaterThan(spliced, total / 20, "edits spliced")
    }

    /// The typical keystroke: one function of a long file renamed, then another added at the end.
    func testEditInsideALongFileRequeriesOnlyItsDefinition() throws {
        let queries = try catalog.queries(for: "python")
        let parser = try Parser(language: registry.language(named: "python"))
        let source = (0..<200).map { "def f\($0)(x):\n    return g\($0)(x)\n\n" }.joined()
        var text = Array(source.utf8)
        let tree = try XCTUnwrap(parser.parse(text))
        let tags = Tagger().tags(tree, queries: queries)
        // `f100` becomes `f100x` (ASCII: UTF-16 and UTF-8 offsets agree).
        let at = try XCTUnwrap(source.range(of: "def f100(")).lowerBound.utf16Offset(in: source) + "def f100".count
        text.insert(UInt8(ascii: "x"), at: at)
        let row = 300
        let edit = InputEdit(startByte: at, oldEndByte: at, newEndByte: at + 1, startPoint: SyntaxPoint(row: row, column: 8),
                             oldEndPoint: SyntaxPoint(row: row, column: 8), newEndPoint: SyntaxPoint(row: row, column: 9))
        tree.edit(edit, newSource: text)
        let newTree = try XCTUnwrap(parser.parse(text, previous: tree))
        let window = Tagger.window(newTree, from: tree, edit: edit)
        XCTAssertLessThan(try XCTUnwrap(window).count, 200, "the window is the edited function and its neighbours, not the file")
        let incremental = Tagger().retag(newTree, from: tree, after: edit, previous: tags, queries: queries)
        XCTAssertEqual(incremental, Tagger().tags(newTree, queries: queries))
        XCTAssertEqual(incremental.definitions[100].name, "f100x")
    }
}


/// Edits an editor could make: typed or deleted text, pasted lines, unbalanced brackets and quotes.
enum RandomEdit {
    static let snippets = [
        "x", "foo", "(", ")", "{", "}", "[", "]", ";", ",", ".", ":", "\n", "    ", " ", "\"", "'", "/*", "*/", "// note\n",
        "# note\n", "def g(a):\n    return h(a)\n", "class K:\n    pass\n", "fn k() { run(); }\n", "int q = 1;\n",
        "func Z() {}\n", "function w() { return v(); }\n", "struct S { int a; };\n", "public void m() {}\n",
        "let c = 2\n", "import os\n", "#include \"a.h\"\n", "use crate::a::b;\n", "@decorator\n", "return ", "=", "->",
        "éλ", "x.y(z)", "Self", "self.", "new T()", "<T>", "\t",
    ]

    /// One random edit of `text` and the text after it. Half keep the code well-formed as often as not (renaming
    /// an identifier, adding a comment or a blank line, deleting a line): only edits that leave no syntax error
    /// are spliced, so the test needs many of them.
    static func make(_ text: [UInt8], comment: String, using rng: inout SplitMix64) -> (InputEdit, [UInt8]) {
        func boundary(_ i: Int) -> Int {
            var i = min(max(0, i), text.count)
            while i < text.count, text[i] & 0xC0 == 0x80 { i += 1 }  // never inside a UTF-8 sequence
            return i
        }
        func isWord(_ b: UInt8) -> Bool { b == UInt8(ascii: "_") || (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
        func lineStart(_ i: Int) -> Int { var i = i; while i > 0, text[i - 1] != UInt8(ascii: "\n") { i -= 1 }; return i }
        func snippet() -> [UInt8] { Array(snippets[Int.random(in: 0..<snippets.count, using: &rng)].utf8) }
        var start = boundary(Int.random(in: 0...text.count, using: &rng))
        var end = start
        var inserted: [UInt8] = []
        switch Int.random(in: 0..<20, using: &rng) {
        case 0..<6:  // renaming the identifier around a random byte
            while start > 0, isWord(text[start - 1]) { start -= 1 }
            end = start
            while end < text.count, isWord(text[end]) { end += 1 }
            let names = ["value", "renamed", "x", "Thing", "make_it", "run", "helper", "Circle"]
            inserted = Array(names[Int.random(in: 0..<names.count, using: &rng)].utf8)
        case 6..<8:  // a comment line
            start = lineStart(start); end = start
            inserted = Array((comment + " note\n").utf8)
        case 8..<9:  // a blank line
            start = lineStart(start); end = start
            inserted = [UInt8(ascii: "\n")]
        case 9..<10:  // deleting a line
            start = lineStart(start)
            end = start
            while end < text.count, text[end] != UInt8(ascii: "\n") { end += 1 }
            end = min(end + 1, text.count)
        case 10..<13:  // typing
            inserted = snippet()
        case 13..<15:  // deleting
            end = boundary(start + Int.random(in: 1...24, using: &rng))
        case 15..<17:  // replacing
            end = boundary(start + Int.random(in: 1...12, using: &rng))
            inserted = snippet()
        default:  // pasting a copy of some text
            let from = boundary(Int.random(in: 0...text.count, using: &rng))
            inserted = Array(text[from..<boundary(from + Int.random(in: 1...120, using: &rng))])
        }
        var newText = text
        newText.replaceSubrange(start..<end, with: inserted)
        let edit = InputEdit(startByte: start, oldEndByte: end, newEndByte: start + inserted.count,
                             startPoint: point(text, start), oldEndPoint: point(text, end),
                             newEndPoint: point(newText, start + inserted.count))
        return (edit, newText)
    }

    /// Row and byte column of a byte offset, as tree-sitter counts them (rows end at "\n").
    static func point(_ text: [UInt8], _ offset: Int) -> SyntaxPoint {
        var row = 0, lineStart = 0
        for i in 0..<offset where text[i] == UInt8(ascii: "\n") { row += 1; lineStart = i + 1 }
        return SyntaxPoint(row: row, column: offset - lineStart)
    }
}

/// The first differences between two sets of tags, for a failure message.
enum TagsDiff {
    static func describe(_ a: FileTags, _ b: FileTags) -> String {
        var lines: [String] = []
        func compare<T: Equatable>(_ label: String, _ x: [T], _ y: [T]) {
            if x.count != y.count { lines.append("\(label): \(x.count) vs \(y.count)") }
            for i in 0..<min(x.count, y.count) where x[i] != y[i] {
                lines.append("\(label)[\(i)]: \(x[i])\n   vs \(y[i])")
                if lines.count > 6 { return }
            }
        }
        compare("definitions", a.definitions, b.definitions)
        compare("references", a.references, b.references)
        compare("imports", a.imports, b.imports)
        return lines.joined(separator: "\n")
    }
}

