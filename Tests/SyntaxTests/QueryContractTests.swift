import Foundation
import Syntax
import XCTest

/// The repository's `grammars/` folder, found from this file so tests do not depend on the working directory.
let grammarsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("grammars")

/// The repository's grammars with every language of `QueryContractTests.languages` loaded; the test is skipped
/// (with the command that fixes it) when one is not built.
func builtRegistry() throws -> LanguageRegistry {
    let registry = try LanguageRegistry(definitions: grammarsDirectory)
    for name in QueryContractTests.languages {
        do { _ = try registry.language(named: name) } catch {
            throw XCTSkip("grammar \(name) is not built (\(error)); run `make grammars`")
        }
    }
    return registry
}

final class QueryContractTests: XCTestCase {
    static let languages = ["python", "javascript", "typescript", "tsx", "go", "rust", "c", "cpp", "java", "swift", "ruby", "bash"]

    /// `line kind name [in container]` for every definition of each sample, in document order.
    static let expected: [String: [String]] = [
        "python": ["8 constant MAX", "9 variable counter", "11 class Animal", "13 field legs in Animal",
                   "14 method __init__ in Animal", "18 method speak in Animal", "21 function helper", "27 function decorated"],
        "javascript": ["5 variable fs", "6 variable local", "8 constant MAX_SIZE", "9 variable counter", "10 function old",
                       "11 function arrow", "13 class Widget", "14 field count in Widget", "15 method constructor in Widget",
                       "16 method render in Widget", "17 method make in Widget", "20 function helper", "21 function gen"],
        "typescript": ["3 interface Drawable", "3 method draw in Drawable", "3 field size in Drawable", "4 type Point",
                       "4 field x in Point", "4 field y in Point", "5 enum Color", "6 class Canvas", "7 field items in Canvas",
                       "8 field size in Canvas", "9 method draw in Canvas", "10 method clear in Canvas", "12 function render",
                       "13 module Geo"],
        "tsx": ["2 interface Props", "2 field label in Props", "3 function App", "4 function Header"],
        "go": ["9 constant MaxSize", "10 variable counter", "12 interface Shape", "12 method Area in Shape", "13 struct Circle",
               "13 field Radius in Circle", "14 type ID", "16 method Area in Circle", "17 function NewCircle"],
        "rust": ["1 module geometry", "2 module util", "8 constant MAX", "9 variable COUNTER", "11 struct Point",
                 "11 field x in Point", "11 field y in Point", "12 enum Color", "13 trait Shape", "13 method area in Shape",
                 "14 type Id", "17 method area in Point", "20 method new in Point", "22 function run", "23 macro my_macro",
                 "24 module inline", "24 function f in inline"],
        "c": ["3 macro MAX_SIZE", "4 macro SQUARE", "5 struct Point", "5 struct point in Point", "5 field x in point",
              "5 field y in point", "6 struct shape", "6 field kind in shape", "7 enum color", "7 constant RED in color",
              "7 constant GREEN in color", "8 struct u", "8 field a in u", "8 field b in u", "9 variable counter",
              "10 function area", "11 function area", "12 type callback"],
        "cpp": ["3 module geo", "4 class Shape in geo", "6 method area in Shape", "7 field id in Shape", "8 method print in Shape",
                "10 struct Point in geo", "10 field x in Point", "11 method print in Shape", "12 function maxOf in geo",
                "13 enum Color in geo", "13 constant Red in Color", "14 type Id in geo", "16 function main"],
        "java": ["8 class Circle", "9 constant MAX in Circle", "10 field radius in Circle", "11 method Circle in Circle",
                 "13 method area in Circle", "14 interface Inner in Circle", "14 method go in Inner", "15 enum Kind in Circle",
                 "15 constant SMALL in Kind", "15 constant LARGE in Kind", "16 struct Pair in Circle"],
        "swift": ["5 constant maxSize", "6 variable counter", "8 protocol Shape", "8 method area in Shape", "8 field name in Shape",
                  "9 struct Circle", "10 field radius in Circle", "11 field name in Circle", "12 method init in Circle",
                  "13 method area in Circle", "15 class Box", "15 field items in Box", "16 enum Color", "16 constant red in Color",
                  "16 constant green in Color", "17 method scaled in Circle", "18 type ID", "19 class Counter",
                  "19 method inc in Counter", "20 function helper"],
        "ruby": ["3 module Shop", "4 constant MAX in Shop", "5 class Cart in Shop", "7 method initialize in Cart",
                 "8 method build in Cart", "9 method total in Cart", "14 function top_level"],
        "bash": ["4 variable NAME", "5 function greet", "6 function other"],
    ]

    /// Module strings each sample's imports.scm must find, in order.
    static let expectedImports: [String: [String]] = [
        "python": ["os", "numpy", ".", "..pkg.mod", "pkg.sub", "pkg.sub.deep"],
        "javascript": ["react", "./util", "../lib/index.js", "./reexp", "fs", "./local"],
        "typescript": ["./shapes", "@app/config"],
        "tsx": ["./button"],
        "go": ["fmt", "example.com/proj/internal/mathx", "os"],
        "rust": ["geometry", "util", "crate::geometry::shapes::Circle", "std::collections::HashMap", "super::config",
                 "self::util::{helper, Other}"],
        "c": ["<stdio.h>", "\"util/helper.h\""],
        "cpp": ["\"shapes.hpp\"", "<vector>"],
        "java": ["java.util.List", "com.example.util.Helper", "com.example.util.Helper.assist", "com.example.model"],
        "swift": ["Foundation", "Syntax", "Storage"],
        "ruby": ["json", "lib/helper"],
        "bash": ["./lib/common.sh", "\"$HOME/.env\""],
    ]

    var registry: LanguageRegistry!
    var catalog: QueryCatalog!

    override func setUpWithError() throws {
        registry = try builtRegistry()
        catalog = QueryCatalog(registry: registry)
    }

    /// Every query file of every language compiles against its grammar under the capture contract.
    func testEveryQueryCompilesUnderTheContract() throws {
        var checked = 0
        for name in registry.languageNames {
            for (file, captures) in CaptureContract.queryFiles {
                guard let text = try catalog.source(of: file, language: name) else { continue }
                let language = try registry.language(named: name)
                XCTAssertNoThrow(try Query(language: language, source: text, fileName: file, allowedCaptures: captures),
                                 "\(name)/\(file)")
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 24, "every one of the 12 languages has tags.scm and imports.scm")
    }

    func testSamplesYieldExactDefinitions() throws {
        for name in Self.languages {
            let tags = try tagsOfSample(name)
            let got = tags.definitions.map { d in
                "\(d.selectionRange.start.row + 1) \(d.kind.rawValue) \(d.name)" + (d.container.map { " in \($0)" } ?? "")
            }
            XCTAssertEqual(got, Self.expected[name], name)
        }
    }

    func testSamplesYieldImports() throws {
        for name in Self.languages {
            XCTAssertEqual(try tagsOfSample(name).imports.map(\.module), Self.expectedImports[name], name)
        }
    }

    func testReferencesNameTheirEnclosingDefinition() throws {
        let tags = try tagsOfSample("python")
        let call = try XCTUnwrap(tags.references.first { $0.name == "helper" && $0.kind == .call })
        XCTAssertEqual(call.range.start.row + 1, 19)
        XCTAssertEqual(call.enclosing.map { tags.definitions[$0].name }, "speak")
        // A definition's own name is not a reference to it.
        let go = try tagsOfSample("go")
        XCTAssertFalse(go.references.contains { $0.name == "Circle" && $0.range.start.row + 1 == 13 })
        XCTAssertTrue(go.references.contains { $0.name == "Println" && $0.kind == .call })
    }

    /// Uses the queries record beyond calls and types: imported names, path segments, and no runtime calls.
    func testImportedNamesAndPathsAreReferencesAndRuntimeCallsAreNot() throws {
        func references(_ language: String, _ source: String) throws -> [String] {
            let tree = try XCTUnwrap(try Parser(language: registry.language(named: language)).parse(source))
            return Tagger().tags(tree, queries: try catalog.queries(for: language)).references.map { "\($0.kind.rawValue) \($0.name)" }
        }
        XCTAssertEqual(try references("python", "from .util import slugify, other as o\n"), ["name slugify", "name other"])
        XCTAssertEqual(try references("javascript", "import { add, mul as m } from './math';\nconsole.log(add(1));\nthis.log();\n"),
                       ["name add", "name mul", "call add", "call log"])
        XCTAssertEqual(try references("typescript", "import { Shape } from './shape';\nMath.max(1); reg.add(1);\n"),
                       ["name Shape", "call add"])
        XCTAssertEqual(try references("rust", "use crate::geometry::{Circle, area as a};\nfn f() { Circle::new(); }\n"),
                       ["name geometry", "name Circle", "name area", "name Circle", "call new"])
        let c = try references("c", "typedef struct List { struct List *next; } List;\n")
        XCTAssertEqual(c, ["type List", "type List"], "the tag in the field and the typedef's name use the struct")
    }

    /// An include guard (a valueless `#define X` right inside `#ifndef X`) is no macro; other defines are.
    func testIncludeGuardsAreNotMacros() throws {
        for language in ["c", "cpp"] {
            let source = "#ifndef SHAPE_H\n#define SHAPE_H\n#define DEBUG\n#define N 3\n#ifdef DEBUG\n#define TRACE\n#endif\n#endif\n"
            let tree = try XCTUnwrap(try Parser(language: registry.language(named: language)).parse(source))
            let tags = Tagger().tags(tree, queries: try catalog.queries(for: language))
            XCTAssertEqual(tags.definitions.map { "\($0.kind.rawValue) \($0.name)" }, ["macro DEBUG", "macro N", "macro TRACE"], language)
        }
    }

    func testUnknownCaptureIsRejected() throws {
        let language = try registry.language(named: "python")
        XCTAssertThrowsError(try Query(language: language, source: "(function_definition name: (identifier) @definition.fucntion)",
                                       allowedCaptures: CaptureContract.tags)) { error in
            XCTAssertEqual(error as? SyntaxError, .unknownCapture(language: "python", file: "<inline>", capture: "definition.fucntion"))
        }
        XCTAssertNoThrow(try Query(language: language, source: "((identifier) @_x (#eq? @_x \"a\"))",
                                   allowedCaptures: CaptureContract.tags), "private captures are allowed")
    }

    func testInheritedQueriesIncludeTheParentFile() throws {
        let tsx = try XCTUnwrap(try catalog.source(of: "tags.scm", language: "tsx"))
        XCTAssertTrue(tsx.contains("interface_declaration"), "tsx inherits typescript's tags")
    }

    func testBrokenCodeStillYieldsTags() throws {
        let tree = try XCTUnwrap(try Parser(language: registry.language(named: "python")).parse("def ok():\n    pass\ndef broken(:\n"))
        let tags = Tagger().tags(tree, queries: try catalog.queries(for: "python"))
        XCTAssertTrue(tags.definitions.contains { $0.name == "ok" })
    }

    private func tagsOfSample(_ name: String) throws -> FileTags {
        let source = try XCTUnwrap(Samples.sources[name])
        let tree = try XCTUnwrap(try Parser(language: registry.language(named: name)).parse(source))
        return Tagger().tags(tree, queries: try catalog.queries(for: name))
    }
}
