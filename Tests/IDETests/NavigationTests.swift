import Foundation
import IDE
import Syntax
import Workspace
import XCTest

/// A small Python workspace on disk, indexed, for the navigation features.
final class NavigationFixture {
    let root: String
    let index: Index

    init(_ files: [String: String]) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-ide-\(UUID().uuidString)")
        root = FileScanner.realPath(base.path) + "/ws"
        for (path, text) in files {
            let url = URL(fileURLWithPath: root + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let grammars = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("grammars")
        let registry = try LanguageRegistry(definitions: grammars)
        do { _ = try registry.language(named: "python") } catch { throw XCTSkip("python grammar not built; run `make grammars`") }
        index = try Index(roots: [root], store: base.appendingPathComponent("store"), registry: registry)
        try index.update()
    }

    deinit { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }

    func path(_ relative: String) -> String { root + "/" + relative }
}

final class NavigationTests: XCTestCase {
    var f: NavigationFixture!

    override func setUpWithError() throws {
        f = try NavigationFixture([
            "models.py": "class User:\n    def slug(self):\n        return slugify(self.name)\n\n    def save(self):\n        self.slug()\n",
            "util.py": "def slugify(text):\n    value = text.lower()\n    return value\n",
            "app.py": "from models import User\nfrom util import slugify\nimport requests\n\ndef run():\n    u = User()\n    return slugify(u.slug())\n",
        ])
    }

    func testOutlineNestsMethodsUnderTheirClass() {
        let outline = DocumentSymbols.outline(index: f.index, path: f.path("models.py"))
        XCTAssertEqual(outline.map(\.name), ["User"])
        XCTAssertEqual(outline.first?.children.map(\.name), ["slug", "save"])
        XCTAssertEqual(outline.first?.children.first?.kind, .method)
    }

    func testWorkspaceSymbolsFuzzyRanking() {
        let hits = WorkspaceSymbols.search(index: f.index, query: "slg")
        XCTAssertEqual(hits.map(\.symbol.name), ["slug", "slugify"])
        XCTAssertEqual(WorkspaceSymbols.search(index: f.index, query: "user").first?.symbol.name, "User")
        XCTAssertTrue(WorkspaceSymbols.search(index: f.index, query: "zzz").isEmpty)
        XCTAssertGreaterThan(WorkspaceSymbols.score(name: "getUser", query: "gU") ?? 0,
                             WorkspaceSymbols.score(name: "bigUnit", query: "gU") ?? 0)
    }

    /// The byte scoring of ASCII names gives the character scoring's results.
    func testASCIIScoreIsTheCharacterScore() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcXYZ_.09gUu")
        func word(_ length: Int) -> String { String((0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "a" }) }
        for _ in 0..<20_000 {
            let name = word(Int.random(in: 1...12)), query = word(Int.random(in: 1...4))
            XCTAssertEqual(WorkspaceSymbols.asciiScore(name: name, query: query),
                           WorkspaceSymbols.characterScore(name: name, query: query), "\(name) / \(query)")
        }
    }

    func testDefinitionAcrossFilesAndOnItself() {
        // app.py line 7 `    return slugify(u.slug())`: column 11 is inside `slugify`.
        let defs = Navigation.definition(index: f.index, path: f.path("app.py"), at: SyntaxPoint(row: 6, column: 11))
        XCTAssertEqual(defs.map { "\(($0.path as NSString).lastPathComponent):\($0.selectionRange.start.row + 1)" }, ["util.py:1"])
        let own = Navigation.definition(index: f.index, path: f.path("util.py"), at: SyntaxPoint(row: 0, column: 5))
        XCTAssertEqual(own.map(\.name), ["slugify"])
    }

    func testReferencesIncludeDeclarationOnRequest() {
        let refs = Navigation.references(index: f.index, path: f.path("util.py"), at: SyntaxPoint(row: 0, column: 5))
        XCTAssertEqual(refs.map { "\(($0.path as NSString).lastPathComponent):\($0.range.start.row + 1)" },
                       ["app.py:2", "app.py:7", "models.py:3", "util.py:1"], "`from util import slugify` names it too")
        let without = Navigation.references(index: f.index, path: f.path("util.py"), at: SyntaxPoint(row: 0, column: 5),
                                            includeDeclaration: false)
        XCTAssertEqual(without.count, 3)
    }

    func testHighlightsFindLocalsInTheTree() {
        // util.py line 2 `    value = text.lower()`: `value` at column 4.
        let hs = Navigation.highlights(index: f.index, path: f.path("util.py"), at: SyntaxPoint(row: 1, column: 4))
        XCTAssertEqual(hs.map { $0.range.start.row + 1 }, [2, 3])
    }

    func testCallHierarchyBothWays() throws {
        let item = try XCTUnwrap(CallHierarchy.prepare(index: f.index, path: f.path("util.py"), at: SyntaxPoint(row: 0, column: 5)).first)
        let incoming = CallHierarchy.incomingCalls(index: f.index, item: item)
        XCTAssertEqual(Set(incoming.map(\.symbol.name)), ["slug", "run"])
        XCTAssertEqual(incoming.first { $0.symbol.name == "run" }?.fromRanges.map { $0.start.row + 1 }, [7])
        let run = try XCTUnwrap(CallHierarchy.prepare(index: f.index, path: f.path("app.py"), at: SyntaxPoint(row: 4, column: 5)).first)
        let outgoing = CallHierarchy.outgoingCalls(index: f.index, item: run)
        XCTAssertEqual(Set(outgoing.map { "\($0.symbol.name)@\(($0.symbol.path as NSString).lastPathComponent)" }),
                       ["User@models.py", "slugify@util.py", "slug@models.py"])
    }

    func testDocumentLinksPointAtResolvedFilesOnly() {
        let links = DocumentLinks.links(index: f.index, path: f.path("app.py"))
        XCTAssertEqual(links.map { ($0.target as NSString).lastPathComponent }, ["models.py", "util.py"])
        XCTAssertEqual(links.first.map { $0.range.start.column }, 5, "the module name, not the statement")
    }

    func testGraphFeaturesUseDisplayIds() throws {
        XCTAssertEqual(try GraphFeatures.dependencies(index: f.index, path: "app.py").map(\.id), ["models.py", "util.py", "requests"])
        XCTAssertEqual(try GraphFeatures.dependents(index: f.index, path: "requests").map(\.id), ["app.py"])
        XCTAssertEqual(try GraphFeatures.path(index: f.index, from: "app.py", to: "util.py"), ["app.py", "util.py"])
        XCTAssertEqual(try GraphFeatures.cycles(index: f.index), [])
    }
}
