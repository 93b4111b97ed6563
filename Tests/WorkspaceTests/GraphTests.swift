import Foundation
import Workspace
import XCTest

final class GraphTests: XCTestCase {
    /// a → b → c → a (cycle), c → d, d → d (self-loop), e alone, a → ext:x.
    let graph = DependencyGraph(
        nodes: ["/a", "/b", "/c", "/d", "/e"].map { .init(id: $0, isExternal: false, language: "python") }
            + [.init(id: "ext:x", isExternal: true, language: "python")],
        edges: [("/a", "/b"), ("/b", "/c"), ("/c", "/a"), ("/c", "/d"), ("/d", "/d"), ("/a", "ext:x")].map { .init(from: $0.0, to: $0.1) })

    func testDependenciesAndDependentsWithDepth() {
        XCTAssertEqual(graph.dependencies(of: "/a").map(\.id), ["/b", "ext:x"])
        XCTAssertEqual(graph.dependencies(of: "/a", maxDepth: 2).map { "\($0.id)@\($0.depth)" }, ["/b@1", "ext:x@1", "/c@2"])
        XCTAssertEqual(graph.dependencies(of: "/a", maxDepth: nil).map(\.id), ["/b", "ext:x", "/c", "/d"])
        XCTAssertEqual(graph.dependents(of: "/d", maxDepth: nil).map(\.id), ["/c", "/b", "/a"])
        XCTAssertEqual(graph.dependents(of: "/e", maxDepth: nil), [])
    }

    func testCyclesAreNonTrivialComponentsAndSelfLoops() {
        XCTAssertEqual(graph.cycles(), [["/a", "/b", "/c"], ["/d"]])
    }

    func testShortestPath() {
        XCTAssertEqual(graph.path(from: "/a", to: "/d"), ["/a", "/b", "/c", "/d"])
        XCTAssertEqual(graph.path(from: "/b", to: "/a"), ["/b", "/c", "/a"])
        XCTAssertNil(graph.path(from: "/d", to: "/a"))
        XCTAssertNil(graph.path(from: "/a", to: "/nowhere"))
    }

    func testDeepChainDoesNotOverflow() {
        let n = 20_000
        let g = DependencyGraph(nodes: (0..<n).map { .init(id: "/\($0)", isExternal: false, language: "c") },
                                edges: (0..<n).map { .init(from: "/\($0)", to: "/\(($0 + 1) % n)") })
        XCTAssertEqual(g.cycles().first?.count, n)
    }

    /// The store-backed walks (what the editor's dependents/dependencies requests use) agree with the loaded
    /// graph's, order and depths included, on a project with a cycle, a shared import and an external module.
    func testStoreWalksAgreeWithTheLoadedGraph() throws {
        let p = try TestProject([
            "a.py": "import b\nimport os\n", "b.py": "import c\n", "c.py": "import a\nimport d\n",
            "d.py": "import os\n", "e.py": "import d\nimport b\n", "lone.py": "x = 1\n",
        ])
        let index = try p.index()
        try index.update()
        let graph = try index.graph()
        for node in graph.nodes.map(\.id) {
            for depth in [1, 2, nil] as [Int?] {
                XCTAssertEqual(try index.dependents(of: node, maxDepth: depth), graph.dependents(of: node, maxDepth: depth), node)
                XCTAssertEqual(try index.dependencies(of: node, maxDepth: depth), graph.dependencies(of: node, maxDepth: depth), node)
            }
        }
        for text in ["a.py", p.path("c.py"), "os", "ext:os", "missing.py", "nosuchmodule"] {
            XCTAssertEqual(try index.nodeID(for: text), index.nodeID(for: text, in: graph), text)
        }
        XCTAssertEqual(try index.dependents(of: p.path("d.py"), maxDepth: nil).map { "\(index.relativePath($0.id))@\($0.depth)" },
                       ["c.py@1", "e.py@1", "b.py@2", "a.py@3"])
    }

    func testRankPrefersImportedFilesAndTheirCalledSymbols() throws {
        let p = try TestProject([
            "main.py": "from util import parse\n\ndef run():\n    return parse()\n",
            "util.py": "def parse():\n    return 1\n\ndef unused():\n    pass\n",
            "far.py": "def lonely():\n    pass\n",
        ])
        let index = try p.index()
        try index.update()
        let ranked = try index.rank(around: "main.py", limit: 10)
        XCTAssertEqual(ranked.first?.path, p.path("util.py"))
        let parse = ranked.firstIndex { $0.name == "parse" }
        let unused = ranked.firstIndex { $0.name == "unused" }
        XCTAssertNotNil(parse)
        XCTAssertLessThan(parse ?? 99, unused ?? 100)
        XCTAssertFalse(ranked.contains { $0.path == p.path("far.py") }, "unconnected files get no score")
    }
}
