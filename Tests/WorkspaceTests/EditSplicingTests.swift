import Base
import Foundation
import Syntax
import Workspace
import XCTest

/// An open document's rows after editor edits (re-tagged over what each edit changed, `Tagger.retag`) are the rows
/// a from-scratch index of the same text has.
final class EditSplicingTests: XCTestCase {
    static let files = [
        "app/models.py": """
            import os
            from app.util import slugify, helper

            MAX_ITEMS = 10
            registry = {}

            class Base:
                \"\"\"The base model.\"\"\"
                kind = "base"

                def save(self):
                    return helper(self)

            class Item(Base):
                def __init__(self, name):
                    self.name = slugify(name)

                @property
                def label(self):
                    return self.name.upper()

            def make(name):
                \"\"\"Makes an item.\"\"\"
                item = Item(name)
                item.save()
                return item

            def load(path):
                with open(path) as f:
                    return [make(line) for line in f]

            """,
        "app/util.py": "def slugify(s):\n    return s.lower()\n\ndef helper(x):\n    return x\n",
        "cmd/main.go": """
            package main

            import (
            \t"fmt"
            \t"os"
            )

            type Server struct {
            \tName string
            \tPort int
            }

            func (s *Server) Start() error {
            \tfmt.Println(s.Name)
            \treturn nil
            }

            func NewServer(name string) *Server {
            \treturn &Server{Name: name}
            }

            func main() {
            \ts := NewServer(os.Args[0])
            \ts.Start()
            }

            """,
        "web/shapes.ts": """
            import { Config } from './config';

            export interface Shape {
              area(): number;
            }

            export class Circle implements Shape {
              constructor(private radius: number) {}
              area(): number { return Math.PI * square(this.radius); }
            }

            function square(x: number): number {
              return x * x;
            }

            export const DEFAULT = new Circle(1);

            """,
        "web/config.ts": "export interface Config { size: number }\n",
        "src/lib.rs": """
            use std::collections::HashMap;

            pub struct Cache {
                items: HashMap<String, u32>,
            }

            impl Cache {
                pub fn new() -> Self {
                    Cache { items: HashMap::new() }
                }

                pub fn get(&self, key: &str) -> Option<u32> {
                    self.items.get(key).copied()
                }
            }

            pub fn build() -> Cache {
                Cache::new()
            }

            """,
    ]

    func testRandomEditsOfOpenDocumentsKeepTheRowsOfAFreshIndex() throws {
        let edited = try TestProject(Self.files)
        let index = try edited.index()
        try index.update()
        let reference = try TestProject(Self.files)
        let fresh = try reference.index()
        try fresh.update()
        var rng = SplitMix64(seed: 4)
        var compared = 0
        for (relative, original) in Self.files.sorted(by: { $0.key < $1.key }) where !relative.hasSuffix("util.py") && !relative.hasSuffix("config.ts") {
            let path = edited.path(relative)
            var text = Array(original.utf8)
            try index.applyEdit(path: path, edit: nil, newContents: text)
            for step in 0..<60 {
                let (edit, newText) = Self.randomEdit(text, using: &rng)
                try index.applyEdit(path: path, edit: edit, newContents: newText)
                text = newText
                try fresh.updateFile(path: reference.path(relative), contents: newText)
                // libtree-sitter may recover from a syntax error differently in an incremental parse than in a fresh
                // one; rows are compared when both parses agree (they always do on error-free code).
                let kept = try XCTUnwrap(index.tree(for: path)).rootNode.sExpression
                let language = try fresh.registry.language(named: try XCTUnwrap(fresh.registry.languageName(forPath: path)))
                let scratch = try XCTUnwrap(Parser(language: language).parse(newText)).rootNode.sExpression
                guard kept == scratch else { continue }
                XCTAssertEqual(try Self.rows(index, relative), try Self.rows(fresh, relative), "\(relative) after edit \(step): \(edit)")
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 100)
        XCTAssertEqual(try index.verify(), [])
    }

    /// An open document's writes diff against a kept digest of its stored rows; a write of the same file by
    /// another route (here: after the editor closed it) makes that digest stale, and the next edit must diff
    /// against the rows really stored (a stale digest would leave the closed version's keys behind).
    func testAnEditAfterAnotherWriteOfTheFileDiffsAgainstTheStoredRows() throws {
        let project = try TestProject(Self.files)
        let index = try project.index()
        try index.update()
        let relative = "app/models.py", path = project.path(relative)
        let original = Array(try XCTUnwrap(Self.files[relative]).utf8)
        try index.applyEdit(path: path, edit: nil, newContents: original + Array("\ndef opened():\n    return helper(1)\n".utf8))
        index.closeDocument(path: path)
        try index.updateFile(path: path, contents: original + Array("\ndef closed():\n    return slugify(2)\n".utf8))
        let final = original + Array("\ndef reopened():\n    return len(registry)\n".utf8)
        try index.applyEdit(path: path, edit: nil, newContents: final)
        XCTAssertEqual(try index.verify(), [])

        let reference = try TestProject(Self.files)
        let fresh = try reference.index()
        try fresh.update()
        try fresh.updateFile(path: reference.path(relative), contents: final)
        XCTAssertEqual(try Self.rows(index, relative), try Self.rows(fresh, relative))
    }

    /// Every row of a file, with paths relative to the workspace, and the index keys that point at it.
    static func rows(_ index: Index, _ relative: String) throws -> [String] {
        var out = try index.symbols(in: relative).map { "\($0)" }
        out += try index.occurrences(in: relative).map { "\($0)" }
        out += try index.imports(in: relative).map { i in "\(i.module) \(i.names) \(i.range) -> \(i.targets.map(index.relativePath))" }
        let path = index.absolutePath(relative)
        for (i, symbol) in try index.symbols(in: relative).enumerated() {
            let found = try index.definitions(named: symbol.name).contains { $0.path == path && $0.index == i }
            out.append("names key of #\(i) \(symbol.name): \(found)")
            out += try index.callees(path: path, index: i).sorted().map { "#\(i) calls \($0)" }
        }
        return out
    }

    /// Renaming identifiers, adding comment lines, deleting lines, typing brackets.
    static func randomEdit(_ text: [UInt8], using rng: inout SplitMix64) -> (InputEdit, [UInt8]) {
        func isWord(_ b: UInt8) -> Bool { b == UInt8(ascii: "_") || (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
        func lineStart(_ i: Int) -> Int { var i = i; while i > 0, text[i - 1] != UInt8(ascii: "\n") { i -= 1 }; return i }
        var start = Int.random(in: 0...text.count, using: &rng), end = start
        var inserted: [UInt8] = []
        switch Int.random(in: 0..<10, using: &rng) {
        case 0..<6:
            while start > 0, isWord(text[start - 1]) { start -= 1 }
            end = start
            while end < text.count, isWord(text[end]) { end += 1 }
            let names = ["value", "renamed", "Item", "helper", "square", "make", "Cache", "item"]
            inserted = Array(names[Int.random(in: 0..<names.count, using: &rng)].utf8)
        case 6..<8:
            start = lineStart(start); end = start
            inserted = Array("// note\n".utf8)
        case 8:
            start = lineStart(start); end = start
            while end < text.count, text[end] != UInt8(ascii: "\n") { end += 1 }
            end = min(end + 1, text.count)
        default:
            inserted = Array(["(", "}", "{", ":", "\n"][Int.random(in: 0..<5, using: &rng)].utf8)
        }
        var newText = text
        newText.replaceSubrange(start..<end, with: inserted)
        func point(_ t: [UInt8], _ offset: Int) -> SyntaxPoint {
            var row = 0, lineStart = 0
            for i in 0..<offset where t[i] == UInt8(ascii: "\n") { row += 1; lineStart = i + 1 }
            return SyntaxPoint(row: row, column: offset - lineStart)
        }
        let edit = InputEdit(startByte: start, oldEndByte: end, newEndByte: start + inserted.count,
                             startPoint: point(text, start), oldEndPoint: point(text, end),
                             newEndPoint: point(newText, start + inserted.count))
        return (edit, newText)
    }
}

