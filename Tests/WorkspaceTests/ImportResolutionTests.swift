import Foundation
import Workspace
import XCTest

/// Edge cases of import resolution, one project each; the per-language project tests cover the common path.
final class ImportResolutionTests: XCTestCase {
    func targets(_ index: Index, _ file: String) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for row in try index.imports(in: file) { out[row.module] = row.targets.map(index.displayID) }
        return out
    }

    func testPythonRelativeFormsAndSubmoduleNames() throws {
        let p = try TestProject([
            "pkg/__init__.py": "",
            "pkg/a.py": "from . import b\nfrom .sub import c\nfrom .. import top\nfrom .missing import x\nimport pkg.sub.c\n",
            "pkg/b.py": "",
            "pkg/sub/__init__.py": "",
            "pkg/sub/c.py": "",
            "top.py": "",
        ])
        let index = try p.index()
        try index.update()
        XCTAssertEqual(try targets(index, "pkg/a.py"), [".": ["pkg/b.py"], ".sub": ["pkg/sub/c.py"], "..": ["top.py"],
                                                        ".missing": [".missing"], "pkg.sub.c": ["pkg/sub/c.py"]])
    }

    func testJavaScriptBaseUrlIndexFilesAndScopedPackages() throws {
        let p = try TestProject([
            "jsconfig.json": "{ \"compilerOptions\": { \"baseUrl\": \"src\" } }",
            "src/lib/index.ts": "export const x = 1;\n",
            "src/util.mjs": "export const y = 2;\n",
            "src/app.js": "import { x } from 'lib';\nimport { y } from './util.mjs';\nimport a from '@scope/pkg/deep';\nimport fs from 'node:fs';\nimport up from '..';\n",
        ])
        let index = try p.index()
        try index.update()
        XCTAssertEqual(try targets(index, "src/app.js"), ["lib": ["src/lib/index.ts"], "./util.mjs": ["src/util.mjs"],
                                                          "@scope/pkg/deep": ["@scope/pkg"], "node:fs": ["fs"], "..": [".."]])
    }

    func testGoSkipsTestFilesAndOtherModules() throws {
        let p = try TestProject([
            "go.mod": "module github.com/acme/tool\n",
            "cmd/main.go": "package main\n\nimport (\n\t\"github.com/acme/tool/internal/db\"\n\t\"github.com/acme/toolkit\"\n)\n",
            "internal/db/db.go": "package db\n",
            "internal/db/db_test.go": "package db\n",
        ])
        let index = try p.index()
        try index.update()
        XCTAssertEqual(try targets(index, "cmd/main.go"), ["github.com/acme/tool/internal/db": ["internal/db/db.go"],
                                                           "github.com/acme/toolkit": ["github.com/acme/toolkit"]])
    }

    func testRustWorkspaceCratesAndSuperItems() throws {
        let p = try TestProject([
            "core/Cargo.toml": "[package]\nname = \"acme-core\"\n",
            "core/src/lib.rs": "pub mod model;\npub fn helper() {}\n",
            "core/src/model.rs": "use super::helper;\npub struct M;\n",
            "app/Cargo.toml": "[package]\nname = \"app\"\n",
            "app/src/main.rs": "use acme_core::model::M;\nuse std::io;\nfn main() {}\n",
        ])
        let index = try p.index()
        try index.update()
        XCTAssertEqual(try targets(index, "core/src/model.rs"), ["super::helper": ["core/src/lib.rs"]])
        XCTAssertEqual(try targets(index, "app/src/main.rs"), ["acme_core::model::M": ["core/src/model.rs"], "std::io": ["std"]])
    }

    func testCParentRelativeIncludesAndJavaStaticImports() throws {
        let p = try TestProject([
            "src/net/socket.c": "#include \"../common/log.h\"\n#include <sys/socket.h>\n",
            "src/common/log.h": "void log_line(const char *s);\n",
            "java/com/acme/A.java": "package com.acme;\nimport static com.acme.util.Strings.upper;\nimport com.acme.util.Strings.Inner;\nclass A {}\n",
            "java/com/acme/util/Strings.java": "package com.acme.util;\npublic class Strings { public static class Inner {} }\n",
        ])
        let index = try p.index()
        try index.update()
        XCTAssertEqual(try targets(index, "src/net/socket.c"), ["\"../common/log.h\"": ["src/common/log.h"], "<sys/socket.h>": ["sys/socket.h"]])
        XCTAssertEqual(try targets(index, "java/com/acme/A.java"), ["com.acme.util.Strings.upper": ["java/com/acme/util/Strings.java"],
                                                                    "com.acme.util.Strings.Inner": ["java/com/acme/util/Strings.java"]])
    }

    /// A full update resolves imports with one memo per worker (same folder, same import, same targets); a file
    /// appearing later makes every other file re-resolved without it. Both must agree, including for imports of the
    /// importing file itself (never a target of its own) and for files in one folder that import alike.
    func testMemoizedResolutionMatchesResolvingEachFile() throws {
        var files: [String: String] = [
            "pkg/__init__.py": "from . import b\nfrom .sub import c\n",
            "pkg/b.py": "from . import b\nimport pkg.sub.c\nimport numpy\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/c.py": "from .. import b\nfrom . import c\n",
            "web/util.ts": "export const u = 1;\n",
            "web/lib/index.ts": "import { u } from '../util';\n",
            "inc/a.h": "#include \"b.h\"\n",
            "inc/b.h": "#include \"a.h\"\n#include <stdio.h>\n",
            "go.mod": "module example.com/m\n",
            "svc/x.go": "package svc\nimport \"example.com/m/svc\"\nimport \"fmt\"\n",
            "svc/y.go": "package svc\nimport \"example.com/m/svc\"\n",
            // The same imports as above, written in other folders: they must not share answers.
            "pkg/sub/d.py": "from . import b\n",
            "web/lib/g.ts": "import { u } from './util';\n",
            "other/e.c": "#include \"a.h\"\n",
        ]
        for i in 0..<6 {
            files["pkg/m\(i).py"] = "from . import b\nfrom .m\((i + 1) % 6) import f\nimport pkg.sub.c\nimport os\n"
            files["web/f\(i).ts"] = "import { u } from './util';\nimport x from './f\((i + 1) % 6)';\nimport r from 'react';\n"
            files["inc/c\(i).c"] = "#include \"a.h\"\n#include \"c\(i).h\"\n#include <stdlib.h>\n"
        }
        let p = try TestProject(files)
        let index = try p.index()
        try index.update()
        func allImports() throws -> [String: [ImportRow]] {
            var out: [String: [ImportRow]] = [:]
            for path in files.keys where path != "go.mod" { out[path] = try index.imports(in: path) }
            return out
        }
        let memoized = try allImports()
        XCTAssertEqual(memoized["pkg/b.py"]?.first?.targets, [], "a file is never a target of its own import")
        XCTAssertEqual(memoized["pkg/__init__.py"]?.first?.targets.map(index.displayID), ["pkg/b.py"])
        XCTAssertEqual(memoized["pkg/sub/d.py"]?.first?.targets.map(index.displayID), ["pkg/sub/__init__.py"])
        XCTAssertEqual(memoized["other/e.c"]?.first?.targets.map(index.displayID), ["a.h"])
        // A new file no import names: the others are resolved again, one by one, without a memo.
        try p.write("zz/new.py", "")
        try index.update()
        XCTAssertEqual(try allImports(), memoized)
    }
}

