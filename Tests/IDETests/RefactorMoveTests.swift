import Foundation
import IDE
import Syntax
import Workspace
import XCTest

/// File and folder moves: the imports of every language follow.
final class RefactorMoveTests: RefactorTestCase {
    // MARK: File moves

    func testMovingAPythonModuleRewritesRelativeAndAbsoluteImports() throws {
        let f = try NavigationFixture([
            "app/__init__.py": "", "app/core/__init__.py": "",
            "app/pricing.py": "from .core import tax\n\n\ndef price():\n    return tax()\n",
            "app/core/tax.py": "def tax():\n    return 1\n",
            "app/main.py": "from .pricing import price\nimport app.pricing\nfrom app import pricing\n",
        ])
        let edit = try FileMoves.edits(index: f.index, moves: [FileMove(from: f.path("app/pricing.py"), to: f.path("app/core/prices.py"))])
        XCTAssertEqual(try applied(edit, f, "app/main.py"),
                       "from .core.prices import price\nimport app.core.prices\nfrom app.core import prices\n")
        XCTAssertEqual(try applied(edit, f, "app/pricing.py"), "from . import tax\n\n\ndef price():\n    return tax()\n")
        XCTAssertThrowsError(try FileMoves.edits(index: f.index, moves: [FileMove(from: f.path("app/main.py"), to: "/elsewhere/main.py")])) {
            XCTAssertEqual($0 as? RefactorError, .outsideWorkspace(path: "/elsewhere/main.py"))
        }
    }

    func testMovingScriptsCHeadersAndJavaClasses() throws {
        let f = try NavigationFixture([
            "web/api.ts": "export const x = 1;\n",
            "web/util/index.ts": "export const y = 2;\n",
            "web/app.ts": "import { x } from './api';\nimport { y } from './util';\nimport { x as z } from './api.js';\n",
            "src/a.h": "int a(void);\n",
            "src/main.c": "#include \"a.h\"\nint main(void) { return a(); }\n",
            "java/com/shop/Cart.java": "package com.shop;\n\npublic class Cart {}\n",
            "java/com/shop/App.java": "package com.shop;\n\nimport com.shop.Cart;\n\npublic class App {}\n",
        ])
        let edit = try FileMoves.edits(index: f.index, moves: [
            FileMove(from: f.path("web/api.ts"), to: f.path("web/services/api.ts")),
            FileMove(from: f.path("web/util"), to: f.path("web/lib/util")),
            FileMove(from: f.path("src/a.h"), to: f.path("src/include/a.h")),
            FileMove(from: f.path("java/com/shop/Cart.java"), to: f.path("java/com/shop/model/Cart.java")),
        ])
        XCTAssertEqual(try applied(edit, f, "web/app.ts"),
                       "import { x } from './services/api';\nimport { y } from './lib/util';\nimport { x as z } from './services/api.js';\n")
        XCTAssertEqual(try applied(edit, f, "src/main.c"), "#include \"include/a.h\"\nint main(void) { return a(); }\n")
        XCTAssertEqual(try applied(edit, f, "java/com/shop/App.java"), "package com.shop;\n\nimport com.shop.model.Cart;\n\npublic class App {}\n")
        XCTAssertEqual(try applied(edit, f, "java/com/shop/Cart.java"), "package com.shop.model;\n\npublic class Cart {}\n")
    }
}
