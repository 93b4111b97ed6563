import Foundation
import IDE
import Syntax
import Workspace
import XCTest

/// Rename: identifier rules, locals, workspace symbols through imports.
final class RefactorRenameTests: RefactorTestCase {
    // MARK: Identifier rules

    func testIdentifierRulesPerLanguage() throws {
        let python = try XCTUnwrap(RefactorLanguageRules.forLanguage("python"))
        XCTAssertNil(python.identifierProblem("total_2"))
        XCTAssertEqual(python.identifierProblem("lambda"), "it is a reserved word")
        XCTAssertNotNil(python.identifierProblem("2x"))
        XCTAssertNotNil(python.identifierProblem("a-b"))
        XCTAssertNil(try XCTUnwrap(RefactorLanguageRules.forLanguage("typescript")).identifierProblem("$el"))
        XCTAssertNotNil(try XCTUnwrap(RefactorLanguageRules.forLanguage("rust")).identifierProblem("impl"))
        XCTAssertNil(try XCTUnwrap(RefactorLanguageRules.forLanguage("go")).identifierProblem("größe"))
        XCTAssertNil(RefactorLanguageRules.forLanguage("bash"))
    }

    // MARK: Rename

    func testRenameOfALocalStaysInItsFunctionAndCollisionsAreNamed() throws {
        let f = try NavigationFixture([
            "calc.py": "def area(w, h):\n    size = w * h\n    return size\n\n\ndef other():\n    size = 1\n    return size\n",
        ])
        let edit = try Rename.rename(index: f.index, path: f.path("calc.py"), at: try point(f, "calc.py", "size"), to: "surface")
        XCTAssertEqual(try applied(edit, f, "calc.py"),
                       "def area(w, h):\n    surface = w * h\n    return surface\n\n\ndef other():\n    size = 1\n    return size\n")
        XCTAssertThrowsError(try Rename.rename(index: f.index, path: f.path("calc.py"), at: try point(f, "calc.py", "size"), to: "w")) {
            XCTAssertEqual($0 as? RefactorError, .collision(name: "w", path: "calc.py", line: 1))
        }
        XCTAssertThrowsError(try Rename.rename(index: f.index, path: f.path("calc.py"), at: try point(f, "calc.py", "size"), to: "for")) {
            XCTAssertEqual(($0 as? RefactorError)?.description.contains("reserved word"), true)
        }
        XCTAssertThrowsError(try Rename.prepare(index: f.index, path: f.path("calc.py"), at: SyntaxPoint(row: 3, column: 0))) {
            XCTAssertEqual($0 as? RefactorError, .noSymbol(path: "calc.py", line: 4))
        }
    }

    func testRenameOfAFunctionFollowsImportsButNotShadowingLocals() throws {
        let f = try NavigationFixture([
            "pkg/__init__.py": "",
            "pkg/util.py": "def slugify(text):\n    return text.lower()\n",
            "pkg/app.py": "from .util import slugify\nfrom pkg import util\n\n\ndef run(t):\n    return slugify(t) + util.slugify(t)\n\n\ndef local(slugify):\n    return slugify\n",
        ])
        let edit = try Rename.rename(index: f.index, path: f.path("pkg/util.py"), at: try point(f, "pkg/util.py", "slugify"), to: "to_slug")
        XCTAssertEqual(try applied(edit, f, "pkg/util.py"), "def to_slug(text):\n    return text.lower()\n")
        XCTAssertEqual(try applied(edit, f, "pkg/app.py"),
                       "from .util import to_slug\nfrom pkg import util\n\n\ndef run(t):\n    return to_slug(t) + util.to_slug(t)\n\n\ndef local(slugify):\n    return slugify\n")
    }

    func testRenamingAModuleNameMovesTheFile() throws {
        let f = try NavigationFixture([
            "pkg/__init__.py": "",
            "pkg/util.py": "def slugify(text):\n    return text\n",
            "pkg/app.py": "from .util import slugify\nfrom pkg import util\n\nx = util.slugify('a')\n",
        ])
        let edit = try Rename.rename(index: f.index, path: f.path("pkg/app.py"), at: try point(f, "pkg/app.py", "util"), to: "text")
        XCTAssertEqual(edit.moves, [FileMove(from: f.path("pkg/util.py"), to: f.path("pkg/text.py"))])
        XCTAssertEqual(try applied(edit, f, "pkg/app.py"), "from .text import slugify\nfrom pkg import text\n\nx = text.slugify('a')\n")
        let fromName = try Rename.rename(index: f.index, path: f.path("pkg/app.py"), at: try point(f, "pkg/app.py", "import util", offset: 7), to: "text")
        XCTAssertEqual(fromName, edit)
        XCTAssertThrowsError(try Rename.rename(index: f.index, path: f.path("pkg/app.py"), at: try point(f, "pkg/app.py", "util"), to: "app")) {
            XCTAssertEqual($0 as? RefactorError, .collision(name: "app", path: "pkg/app.py", line: 1))
        }
    }

    func testRenamingAnInstanceAttributeRenamesItsAccesses() throws {
        let f = try NavigationFixture([
            "cart.py": "class Cart:\n    def __init__(self):\n        self.items = []\n        self.count = 0\n\n    def add(self, x):\n        self.items.append(x)\n",
            "use.py": "from cart import Cart\n\nc = Cart()\nprint(c.items)\n",
        ])
        let edit = try Rename.rename(index: f.index, path: f.path("cart.py"), at: try point(f, "cart.py", "items"), to: "lines")
        XCTAssertEqual(try applied(edit, f, "cart.py"),
                       "class Cart:\n    def __init__(self):\n        self.lines = []\n        self.count = 0\n\n    def add(self, x):\n        self.lines.append(x)\n")
        XCTAssertEqual(try applied(edit, f, "use.py"), "from cart import Cart\n\nc = Cart()\nprint(c.lines)\n")
        XCTAssertThrowsError(try Rename.rename(index: f.index, path: f.path("cart.py"), at: try point(f, "cart.py", "items"), to: "count")) {
            XCTAssertEqual($0 as? RefactorError, .collision(name: "count", path: "cart.py", line: 4))
        }
    }
}
