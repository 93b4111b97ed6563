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
