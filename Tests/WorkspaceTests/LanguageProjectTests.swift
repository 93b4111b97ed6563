import Foundation
import Workspace
import XCTest

/// One realistic multi-file project per language: exact definitions, cross-file references, import edges
/// (resolved and external). Python also carries an import cycle.
final class LanguageProjectTests: XCTestCase {
    func testPythonPackagesRelativeImportsSrcLayoutAndCycle() throws {
        let p = try TestProject([
            "src/pkg/__init__.py": "",
            "src/pkg/models.py": "from .util import slugify\nimport numpy as np\n\nclass User:\n    def slug(self):\n        return slugify(self.name)\n",
            "src/pkg/util.py": "from pkg import models\n\ndef slugify(text):\n    return text.lower()\n",
            "app.py": "from pkg.models import User\n\ndef main():\n    return User().slug()\n",
        ])
        let index = try p.index()
        let report = try index.update()
        XCTAssertEqual(report.parsed, 4)
        XCTAssertEqual(try index.definitionLines("src/pkg/models.py"), ["4 class User", "5 method slug in User"])
        XCTAssertEqual(try index.definitionLines("src/pkg/util.py"), ["3 function slugify"])
        XCTAssertEqual(try index.edgeSet(), ["src/pkg/models.py -> src/pkg/util.py", "src/pkg/models.py -> numpy",
                                             "src/pkg/util.py -> src/pkg/models.py", "app.py -> src/pkg/models.py"])
        XCTAssertEqual(try index.graph().cycles().map { $0.map(index.displayID) }, [["src/pkg/models.py", "src/pkg/util.py"]])
        let refs = try index.references(to: "slugify")
        XCTAssertEqual(refs.map { "\(index.relativePath($0.path)):\($0.occurrence.range.start.row + 1)" }, ["src/pkg/models.py:1", "src/pkg/models.py:6"])
        XCTAssertEqual(try index.callers(of: "slugify").map(\.symbol.name), ["slug"])
        XCTAssertEqual(try index.definitions(named: "User").map { index.relativePath($0.path) }, ["src/pkg/models.py"])
    }

    func testJavaScriptRelativePathsIndexFilesAndPackages() throws {
        let p = try TestProject([
            "src/index.js": "import { add } from './math';\nimport lodash from 'lodash';\nconst util = require('./lib');\nexport function main() { return add(1, 2); }\n",
            "src/math.js": "export function add(a, b) { return a + b; }\n",
            "src/lib/index.js": "module.exports = { helper() {} };\n",
        ])
        let index = try p.index()
        try index.update()
        XCTAssertEqual(try index.definitionLines("src/index.js"), ["3 variable util", "4 function main"])
        XCTAssertEqual(try index.edgeSet(), ["src/index.js -> src/math.js", "src/index.js -> lodash",
                                             "src/index.js -> src/lib/index.js"])
        XCTAssertEqual(try index.references(to: "add").map { index.relativePath($0.path) }, ["src/index.js", "src/index.js"])
    }

    func testTypeScriptTsconfigPathsJsSpelledImportsAndTSX() throws {
        let p = try TestProject([
            "tsconfig.json": "{\n  // paths for the app\n  \"compilerOptions\": { \"baseUrl\": \".\", \"paths\": { \"@core/*\": [\"src/core/*\"] }, },\n}\n",
            "src/core/shape.ts": "export interface Shape { area(): number }\nexport class Square implements Shape { area(): number { return 1; } }\n",
            "src/app.ts": "import { Square } from '@core/shape';\nimport type { Shape } from './core/shape.js';\nimport express from 'express';\nexport function build(): Shape { return new Square(); }\n",
            "src/view.tsx": "import { build } from './app';\nimport { Card } from './card';\nexport const View = () => <Card>{build().area()}</Card>;\n",
            "src/card.tsx": "export function Card(props: { children: unknown }) { return <div>{props.children}</div>; }\n",
        ])
        let index = try p.index()
        try index.update()
        XCTAssertEqual(try index.definitionLines("src/core/shape.ts"),
                       ["1 interface Shape", "1 method area in Shape", "2 class Square", "2 method area in Square"])
        XCTAssertEqual(try index.definitionLines("src/view.tsx"), ["3 function View"])
        XCTAssertEqual(try index.edgeSet(), ["src/app.ts -> src/core/shape.ts", "src/app.ts -> express",
                                             "src/view.tsx -> src/app.ts", "src/view.tsx -> src/card.tsx"])
        XCTAssertEqual(try index.callers(of: "Card").map(\.symbol.name), ["View"], "a rendered component is called")
        XCTAssertEqual(try index.callers(of: "build").map(\.symbol.name), ["View"])
        let typeRefs = try index.references(to: "Shape").filter { $0.occurrence.kind == .type }
        XCTAssertEqual(typeRefs.map { index.relativePath($0.path) }, ["src/app.ts"])
    }

    func testGoModulePackages() throws {
        let p = try TestProject([
            "go.mod": "module example.com/shop\n\ngo 1.21\n",
            "main.go": "package main\n\nimport (\n\t\"fmt\"\n\t\"example.com/shop/cart\"\n)\n\nfunc main() {\n\tc := cart.New()\n\tfmt.Println(c.Total())\n}\n",
            "cart/cart.go": "package cart\n\ntype Cart struct {\n\tItems []int\n}\n\nfunc New() *Cart { return &Cart{} }\n\nfunc (c *Cart) Total() int { return len(c.Items) }\n",
        ])
        let index = try p.index()
        try index.update()
        XCTAssertEqual(try index.definitionLines("cart/cart.go"),
                       ["3 struct Cart", "4 field Items in Cart", "7 function New", "9 method Total in Cart"])
        XCTAssertEqual(try index.edgeSet(), ["main.go -> cart/cart.go", "main.go -> fmt"])
        XCTAssertEqual(try index.callers(of: "Total").map(\.symbol.name), ["main"])
    }

    func testRustModFilesAndCratePaths() throws {
        let p = try TestProject([
            "Cargo.toml": "[package]\nname = \"geo-lib\"\n",
            "src/lib.rs": "pub mod shapes;\nmod util;\nuse crate::shapes::Circle;\nuse serde::Serialize;\npub fn area(c: &Circle) -> f64 { util::square(c.r) }\n",
            "src/shapes/mod.rs": "pub mod circle;\npub use self::circle::Circle;\n",
            "src/shapes/circle.rs": "pub struct Circle { pub r: f64 }\nimpl Circle {\n    pub fn new(r: f64) -> Self { Circle { r } }\n}\n",
            "src/util.rs": "use super::shapes::circle::Circle;\npub fn square(x: f64) -> f64 { x * x }\n",
        ])
        let index = try p.index()
        try index.update()
        XCTAssertEqual(try index.definitionLines("src/shapes/circle.rs"), ["1 struct Circle", "1 field r in Circle", "3 method new in Circle"])
        XCTAssertEqual(try index.edgeSet(), ["src/lib.rs -> src/shapes/mod.rs", "src/lib.rs -> src/util.rs", "src/lib.rs -> serde",
                                             "src/shapes/mod.rs -> src/shapes/circle.rs", "src/util.rs -> src/shapes/circle.rs"])
        XCTAssertEqual(try index.references(to: "square").map { index.relativePath($0.path) }, ["src/lib.rs"])
    }

    func testCIncludesWithCompileCommands() throws {
        let p = try TestProject([
            "include/geo.h": "#ifndef GEO_H\n#define GEO_H\ntypedef struct { double x, y; } Point;\ndouble dist(Point a, Point b);\n#endif\n",
            "src/main.c": "#include <stdio.h>\n#include \"geo.h\"\n#include \"local.h\"\nint main(void) { Point p = {0, 0}; printf(\"%f\", dist(p, p)); return 0; }\n",
            "src/local.h": "#define LOCAL 1\n",
            "src/geo.c": "#include \"geo.h\"\ndouble dist(Point a, Point b) { return a.x - b.x; }\n",
        ])
        try p.write("compile_commands.json", """
            [{"directory": "\(p.root)", "file": "src/main.c", "arguments": ["cc", "-Iinclude", "-c", "src/main.c"]}]
            """)
        let index = try p.index()
        try index.update()
        XCTAssertEqual(try index.definitionLines("include/geo.h"),
                       ["3 struct Point", "3 field x in Point", "3 field y in Point", "4 function dist"])
        XCTAssertEqual(try index.edgeSet(), ["src/main.c -> include/geo.h", "src/main.c -> src/local.h", "src/main.c -> stdio.h",
                                             "src/geo.c -> include/geo.h"])
        XCTAssertEqual(Set(try index.definitions(named: "dist").map { index.relativePath($0.path) }), ["include/geo.h", "src/geo.c"])
    }

    func testCppIncludeFolderAndMethods() throws {
        let p = try TestProject([
            "include/shapes.hpp": "#pragma once\nnamespace geo {\nclass Shape {\npublic:\n  double area() const;\n};\n}\n",
            "src/shapes.cpp": "#include \"shapes.hpp\"\nnamespace geo {\ndouble Shape::area() const { return 1.0; }\n}\n",
            "src/main.cpp": "#include <vector>\n#include \"shapes.hpp\"\nint main() { geo::Shape s; return (int)s.area(); }\n",
        ])
        let index = try p.index()
        try index.update()
        XCTAssertEqual(try index.definitionLines("include/shapes.hpp"), ["2 module geo", "3 class Shape in geo", "5 method area in Shape"])
        XCTAssertEqual(try index.definitionLines("src/shapes.cpp"), ["2 module geo", "3 method area in Shape"])
        XCTAssertEqual(try index.edgeSet(), ["src/shapes.cpp -> include/shapes.hpp", "src/main.cpp -> include/shapes.hpp",
                                             "src/main.cpp -> vector"])
    }

    func testJavaPackagesWildcardsAndSourceRoots() throws {
        let base = "src/main/java/com/acme/"
        let p = try TestProject([
            base + "App.java": "package com.acme;\n\nimport com.acme.model.User;\nimport com.acme.util.*;\nimport java.util.List;\n\npublic class App {\n    public static void main(String[] args) {\n        User u = new User(\"x\");\n        Strings.upper(u.name());\n    }\n}\n",
            base + "model/User.java": "package com.acme.model;\n\npublic class User {\n    private final String name;\n    public User(String name) { this.name = name; }\n    public String name() { return name; }\n}\n",
            base + "util/Strings.java": "package com.acme.util;\n\npublic final class Strings {\n    public static String upper(String s) { return s.toUpperCase(); }\n}\n",
        ])
        let index = try p.index()
        try index.update()
        XCTAssertEqual(try index.definitionLines(base + "model/User.java"),
                       ["3 class User", "4 field name in User", "5 method User in User", "6 method name in User"])
        XCTAssertEqual(try index.edgeSet(), ["\(base)App.java -> \(base)model/User.java", "\(base)App.java -> \(base)util/Strings.java",
                                             "\(base)App.java -> java.util"])
        XCTAssertEqual(try index.callers(of: "upper").map(\.symbol.name), ["main"])
    }

    func testSwiftPackageModules() throws {
        let p = try TestProject([
            "Package.swift": "// swift-tools-version:5.9\nimport PackageDescription\nlet package = Package(name: \"Shop\")\n",
            "Sources/Model/Item.swift": "public struct Item {\n    public let price: Int\n    public init(price: Int) { self.price = price }\n}\n",
            "Sources/Shop/Cart.swift": "import Foundation\nimport Model\n\nfinal class Cart {\n    var items: [Item] = []\n    func total() -> Int { items.reduce(0) { $0 + $1.price } }\n}\n",
        ])
        let index = try p.index()
        try index.update()
        XCTAssertEqual(try index.definitionLines("Sources/Model/Item.swift"),
                       ["1 struct Item", "2 field price in Item", "3 method init in Item"])
        XCTAssertEqual(try index.definitionLines("Sources/Shop/Cart.swift"),
                       ["4 class Cart", "5 field items in Cart", "6 method total in Cart"])
        XCTAssertEqual(try index.edgeSet(), ["Sources/Shop/Cart.swift -> Sources/Model/Item.swift", "Sources/Shop/Cart.swift -> Foundation",
                                             "Package.swift -> PackageDescription"])
        XCTAssertEqual(try index.references(to: "Item").map { index.relativePath($0.path) }, ["Sources/Shop/Cart.swift"])
    }

    func testRubyRequiresAndBashSources() throws {
        let p = try TestProject([
            "app.rb": "require 'json'\nrequire_relative 'lib/helper'\n\nclass App\n  def run\n    Helper.sum([1])\n  end\nend\n",
            "lib/helper.rb": "module Helper\n  def self.sum(xs)\n    xs.sum\n  end\nend\n",
            "scripts/run.sh": "#!/bin/bash\nsource ./lib/common.sh\n. \"$HOME/.env\"\nmain() { helper; }\n",
            "scripts/lib/common.sh": "helper() { :; }\n",
        ])
        let index = try p.index()
        try index.update()
        XCTAssertEqual(try index.definitionLines("lib/helper.rb"), ["1 module Helper", "2 method sum in Helper"])
        XCTAssertEqual(try index.definitionLines("scripts/run.sh"), ["4 function main"])
        XCTAssertEqual(try index.edgeSet(), ["app.rb -> lib/helper.rb", "app.rb -> json", "scripts/run.sh -> scripts/lib/common.sh",
                                             "scripts/run.sh -> $HOME/.env"])
        XCTAssertEqual(try index.callers(of: "helper").map(\.symbol.name), ["main"])
    }
}
