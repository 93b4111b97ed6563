import Foundation
import XCTest
@testable import Syntax

/// The repository's `grammars/` folder, found from this file's path so tests need no installed copy.
let repositoryGrammars = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("grammars", isDirectory: true)

/// One clean sample per language; each must parse with no ERROR or MISSING node.
let cleanSamples: [String: String] = [
    "python": """
        import os
        from .util import helper

        class Greeter:
            \"\"\"Says hello.\"\"\"
            def greet(self, name: str) -> str:
                return f"hello {name}" if name else helper(os.sep)
        """,
    "javascript": """
        import { helper } from './util.js';
        export class Greeter {
          greet(name) { return name ? `hello ${name}` : helper(); }
        }
        const g = new Greeter();
        """,
    "typescript": """
        import { helper } from './util';
        export interface Named { name: string }
        export function greet<T extends Named>(x: T): string { return `hello ${x.name}` + helper(); }
        """,
    "tsx": """
        import React from 'react';
        export const Hello = (props: { name: string }) => <div className="hi">Hello {props.name}</div>;
        """,
    "go": """
        package main

        import "fmt"

        type Greeter struct{ Name string }

        func (g Greeter) Greet() string { return fmt.Sprintf("hello %s", g.Name) }

        func main() { fmt.Println(Greeter{Name: "x"}.Greet()) }
        """,
    "rust": """
        use std::collections::HashMap;
        mod util;

        pub struct Greeter { name: String }

        impl Greeter {
            pub fn greet(&self) -> String { format!("hello {}", self.name) }
        }

        fn main() { let mut m: HashMap<&str, i32> = HashMap::new(); m.insert("a", 1); }
        """,
    "c": """
        #include <stdio.h>
        #include "util.h"

        struct point { int x, y; };

        static int add(int a, int b) { return a + b; }

        int main(void) { printf("%d\\n", add(1, 2)); return 0; }
        """,
    "cpp": """
        #include <string>
        #include "util.hpp"

        namespace demo {
        class Greeter {
        public:
            std::string greet(const std::string& name) const { return "hello " + name; }
        };
        }

        int main() { demo::Greeter g; return g.greet("x").size() > 0 ? 0 : 1; }
        """,
    "java": """
        package com.example;

        import java.util.List;

        public class Greeter {
            private final String name;
            public Greeter(String name) { this.name = name; }
            public String greet() { return "hello " + name; }
            public static int count(List<String> xs) { return xs.size(); }
        }
        """,
    "swift": """
        import Foundation

        protocol Named { var name: String { get } }

        struct Greeter: Named {
            let name: String
            func greet() -> String { "hello \\(name)" }
        }

        let g = Greeter(name: "x")
        print(g.greet())
        """,
    "ruby": """
        require 'set'

        class Greeter
          def initialize(name)
            @name = name
          end

          def greet
            "hello #{@name}"
          end
        end
        """,
    "bash": """
        #!/bin/bash
        greet() {
          local name="$1"
          echo "hello ${name}"
        }
        for x in a b; do greet "$x"; done
        """,
    "json": #"{"name": "quorum", "version": [0, 1], "nested": {"ok": true, "none": null}}"#,
]

final class GrammarLoadingTests: XCTestCase {
    func registry() throws -> LanguageRegistry {
        try LanguageRegistry(definitions: repositoryGrammars)
    }

    func testEveryGrammarLoadsAndParsesItsSampleWithoutErrors() throws {
        let registry = try registry()
        let required = ["python", "javascript", "typescript", "tsx", "go", "rust", "c", "cpp", "java", "swift"]
        XCTAssertTrue(Set(required).isSubset(of: Set(registry.languageNames)), "missing grammar folders")
        for name in registry.languageNames {
            let language = try registry.language(named: name)
            XCTAssertTrue((13...14).contains(language.abiVersion), "\(name) has ABI \(language.abiVersion)")
            let sample = try XCTUnwrap(cleanSamples[name], "no sample for \(name): add one to cleanSamples")
            let parser = try Parser(language: language)
            let tree = try XCTUnwrap(parser.parse(sample))
            XCTAssertEqual(tree.errorCount, 0, "\(name) sample has errors: \(tree.rootNode.sExpression)")
            XCTAssertGreaterThan(tree.rootNode.namedChildCount, 0)
        }
    }

    func testWalkVisitsEveryNodeInDocumentOrder() throws {
        let python = try registry().language(named: "python")
        let tree = try XCTUnwrap(try Parser(language: python).parse("def f(a):\n    return a + 1\n"))
        var kinds: [String] = []
        var lastStart = -1
        tree.rootNode.walk { node in
            if node.isNamed { kinds.append(node.kind) }
            XCTAssertGreaterThanOrEqual(node.startByte, lastStart)
            lastStart = node.startByte
            return true
        }
        XCTAssertEqual(kinds, ["module", "function_definition", "identifier", "parameters", "identifier", "block",
                               "return_statement", "binary_operator", "identifier", "integer"])
        let function = try XCTUnwrap(tree.rootNode.namedChild(0))
        XCTAssertEqual(function.child(byField: "name")?.text, "f")
        XCTAssertEqual(function.startPoint, SyntaxPoint(row: 0, column: 0))
    }

    func testSyntaxErrorsAreRecoveredNotThrown() throws {
        let go = try registry().language(named: "go")
        let tree = try XCTUnwrap(try Parser(language: go).parse("package main\nfunc broken( {\n"))
        XCTAssertGreaterThan(tree.errorCount, 0)
    }

    func testIncrementalReparseMatchesFreshParse() throws {
        let python = try registry().language(named: "python")
        let parser = try Parser(language: python)
        let old = "def f(a):\n    return a\n"
        let new = "def f(a, b):\n    return a\n"
        let tree = try XCTUnwrap(parser.parse(old))
        // Insert ", b" after "a" at byte 7.
        tree.edit(InputEdit(startByte: 7, oldEndByte: 7, newEndByte: 10,
                            startPoint: SyntaxPoint(row: 0, column: 7), oldEndPoint: SyntaxPoint(row: 0, column: 7),
                            newEndPoint: SyntaxPoint(row: 0, column: 10)), newSource: Array(new.utf8))
        let incremental = try XCTUnwrap(parser.parse(Array(new.utf8), previous: tree))
        let fresh = try XCTUnwrap(parser.parse(new))
        XCTAssertEqual(incremental.rootNode.sExpression, fresh.rootNode.sExpression)
    }

    func testEmptySourceParses() throws {
        let c = try registry().language(named: "c")
        let tree = try XCTUnwrap(try Parser(language: c).parse(""))
        XCTAssertEqual(tree.rootNode.kind, "translation_unit")
        XCTAssertEqual(tree.errorCount, 0)
    }

    func testLanguageByPath() throws {
        let registry = try registry()
        XCTAssertEqual(registry.languageName(forPath: "/x/a.py"), "python")
        XCTAssertEqual(registry.languageName(forPath: "src/App.TSX"), "tsx")
        XCTAssertEqual(registry.languageName(forPath: "lib/x.hpp"), "cpp")
        XCTAssertEqual(registry.languageName(forPath: "Rakefile"), "ruby")
        XCTAssertNil(registry.languageName(forPath: "README"))
    }
}

/// The registry finds a path's name and extension on its bytes; they must be Foundation's.
final class PathComponentTests: XCTestCase {
    func testFileNameAndExtensionAreFoundations() {
        var paths = ["a/.bashrc", "a/b.", "a/b.c.d", "a/.x.y", "a/b..c", "Makefile", "a/b/", "/x/y.PY", ".", "..", "a/..",
                     "a/.", "a/b.c/", "a//b.c", "/", "", "a/b c.d e", "a/é.py", "x.", "a/.hidden.", "a/b.tar.gz", "/src/main.RS"]
        // Random paths stay ASCII and never hold three slashes in a row: Foundation itself traps on some non-ASCII
        // paths, such as "/.//é", and on "///.//", "a///.//", "///a//" (every one of up to six of these pieces that
        // traps has "///"; ours answers them, but there is nothing to compare with).
        let pieces = ["a", "/", ".", "py", " ", "..", "x.y", "/."]
        var generator = SystemRandomNumberGenerator()
        while paths.count < 3000 {
            let path = (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            if !path.contains("///") { paths.append(path) }
        }
        for path in paths {
            let file = (path as NSString).lastPathComponent
            let (ourFile, ourExt) = LanguageRegistry.fileNameAndExtension(path)
            XCTAssertEqual(ourFile, file, path.debugDescription)
            XCTAssertEqual(ourExt, (file as NSString).pathExtension, path.debugDescription)
        }
    }
}
