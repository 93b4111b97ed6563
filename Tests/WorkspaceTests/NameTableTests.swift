import Foundation
import Workspace
import XCTest

/// `definedNames(mayMatch:)` reads the in-memory name table, which writes keep current: after any change it must
/// offer every defined name that holds the query's characters, and no name that is no longer defined.
final class NameTableTests: XCTestCase {
    func expectCandidates(_ index: Index, _ queries: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let all = Set(try index.definedNames())
        for query in queries {
            let candidates = Set(try index.definedNames(mayMatch: query))
            XCTAssertTrue(candidates.isSubset(of: all), "\(query): \(candidates.subtracting(all)) are not defined", file: file, line: line)
            let holding = all.filter { name in query.lowercased().allSatisfy { name.lowercased().contains($0) } }
            XCTAssertEqual(candidates.intersection(holding), holding, "\(query)", file: file, line: line)
            // Exact for ASCII names and a query of letters and digits; other names are always candidates.
            if query.unicodeScalars.allSatisfy({ $0.isASCII }) {
                func ascii(_ names: Set<String>) -> Set<String> { names.filter { $0.unicodeScalars.allSatisfy(\.isASCII) } }
                XCTAssertEqual(ascii(candidates), ascii(holding), "\(query): more than the matches", file: file, line: line)
            }
        }
    }

    func testTheNameTableFollowsEditsUpdatesAndRemovals() throws {
        let p = try TestProject([
            "a.py": "def alpha():\n    pass\n\nclass Beta:\n    def gamma(self):\n        pass\n",
            "b.py": "def alpha():\n    pass\n\ndef délta():\n    pass\n",
        ])
        let index = try p.index()
        try index.update()
        let queries = ["a", "AL", "gam", "z", "é", "ta"]
        try expectCandidates(index, queries)  // builds the table
        // An edit renames a definition: the old name stays (b.py defines it too), the new one appears.
        try index.applyEdit(path: p.path("a.py"), edit: nil, newContents: Array("def zeta():\n    pass\n\nclass Beta:\n    pass\n".utf8))
        try expectCandidates(index, queries)
        XCTAssertFalse(try index.definedNames(mayMatch: "gam").contains("gamma"))
        XCTAssertTrue(try index.definedNames(mayMatch: "zt").contains("zeta"))
        try index.removeFile(path: p.path("b.py"))
        try expectCandidates(index, queries)
        XCTAssertFalse(try index.definedNames(mayMatch: "a").contains("alpha"))
        try p.write("c.py", "def alpha_again():\n    pass\n")
        try index.update()
        try expectCandidates(index, queries)
        try index.updateFile(path: p.path("c.py"), contents: Array("x = 1\n".utf8))
        try expectCandidates(index, queries + ["x"])
        XCTAssertEqual(try index.verify(), [])
    }
}
