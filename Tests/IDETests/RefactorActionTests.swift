import Foundation
import IDE
import Syntax
import Workspace
import XCTest

/// Code actions: extract and inline variable, extract function, organize imports.
final class RefactorActionTests: RefactorTestCase {
    // MARK: Code actions

    func testExtractAndInlineVariable() throws {
        let f = try NavigationFixture(["m.py": "def f(a, b):\n    return (a + b) * 2\n\n\ndef g():\n    x = 3 + 4\n    return x * x\n"])
        let path = f.path("m.py")
        let selection = try bytes(f, "m.py", "a + b")
        XCTAssertEqual(CodeActions.offers(index: f.index, path: path, selection: selection).map(\.id),
                       [CodeActions.extractVariable, CodeActions.organizeImports])
        let extract = try CodeActions.resolve(index: f.index, path: path, selection: selection, id: CodeActions.extractVariable)
        XCTAssertEqual(try applied(extract, f, "m.py"),
                       "def f(a, b):\n    extracted = a + b\n    return (extracted) * 2\n\n\ndef g():\n    x = 3 + 4\n    return x * x\n")
        let at = try bytes(f, "m.py", "x = 3").lowerBound
        let inline = try CodeActions.resolve(index: f.index, path: path, selection: at..<at, id: CodeActions.inlineVariable)
        XCTAssertEqual(try applied(inline, f, "m.py"), "def f(a, b):\n    return (a + b) * 2\n\n\ndef g():\n    return (3 + 4) * (3 + 4)\n")
        XCTAssertThrowsError(try CodeActions.resolve(index: f.index, path: path, selection: 0..<3, id: CodeActions.extractVariable))
    }

    func testExtractFunctionPassesFreeVariablesAndReturnsWhatIsUsedAfter() throws {
        let f = try NavigationFixture([
            "m.py": "def total(items, rate):\n    base = sum(items)\n    tax = base * rate\n    final = base + tax\n    return final\n",
        ])
        let selection = try bytes(f, "m.py", "tax = base * rate\n    final = base + tax")
        let edit = try CodeActions.resolve(index: f.index, path: f.path("m.py"), selection: selection, id: CodeActions.extractFunction)
        XCTAssertEqual(try applied(edit, f, "m.py"), """
            def total(items, rate):
                base = sum(items)
                final = extracted_function(base, rate)
                return final


            def extracted_function(base, rate):
                tax = base * rate
                final = base + tax
                return final

            """)
    }

    func testOrganizeImportsPythonAndTypeScript() throws {
        let f = try NavigationFixture([
            "m.py": "from .local import b, a\nimport sys\nimport os\nfrom __future__ import annotations\n\nprint(a, os.sep)\n",
            "m.ts": "import { z, a } from './z';\nimport React from 'react';\nimport { unused } from './u';\n\nexport const v = a + z + React;\n",
        ])
        let py = try CodeActions.resolve(index: f.index, path: f.path("m.py"), selection: 0..<0, id: CodeActions.organizeImports)
        XCTAssertEqual(try applied(py, f, "m.py"),
                       "from __future__ import annotations\n\nimport os\n\nfrom .local import a\n\nprint(a, os.sep)\n")
        let ts = try CodeActions.resolve(index: f.index, path: f.path("m.ts"), selection: 0..<0, id: CodeActions.organizeImports)
        XCTAssertEqual(try applied(ts, f, "m.ts"),
                       "import React from 'react';\nimport { a, z } from './z';\n\nexport const v = a + z + React;\n")
    }

    func testExtractAndInlineInTypeScriptGoAndRust() throws {
        let f = try NavigationFixture([
            "m.ts": "export function f(a: number): number {\n  return a * 2 + 1;\n}\n",
            "m.go": "package m\n\nfunc F(a int) int {\n\tb := a * 2\n\treturn b + 1\n}\n",
            "m.rs": "fn f(a: i32) -> i32 {\n    a * 2 + 1\n}\n",
        ])
        let ts = try CodeActions.resolve(index: f.index, path: f.path("m.ts"), selection: try bytes(f, "m.ts", "a * 2"),
                                         id: CodeActions.extractVariable)
        XCTAssertEqual(try applied(ts, f, "m.ts"), "export function f(a: number): number {\n  const extracted = a * 2;\n  return extracted + 1;\n}\n")
        let at = try bytes(f, "m.go", "b :=").lowerBound
        let go = try CodeActions.resolve(index: f.index, path: f.path("m.go"), selection: at..<at, id: CodeActions.inlineVariable)
        XCTAssertEqual(try applied(go, f, "m.go"), "package m\n\nfunc F(a int) int {\n\treturn (a * 2) + 1\n}\n")
        let rs = try CodeActions.resolve(index: f.index, path: f.path("m.rs"), selection: try bytes(f, "m.rs", "a * 2"),
                                         id: CodeActions.extractVariable)
        XCTAssertEqual(try applied(rs, f, "m.rs"), "fn f(a: i32) -> i32 {\n    let extracted = a * 2;\n    extracted + 1\n}\n")
    }
}
