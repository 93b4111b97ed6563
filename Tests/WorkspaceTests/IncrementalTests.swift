import Foundation
import Syntax
import Workspace
import XCTest

final class IncrementalTests: XCTestCase {
    func project() throws -> TestProject {
        try TestProject([
            "a.py": "from b import helper\n\ndef main():\n    return helper()\n",
            "b.py": "import requests\n\ndef helper():\n    return 1\n",
            "c.py": "def other():\n    pass\n",
        ])
    }

    func testRestartParsesNothingAndAChangedFileAlone() throws {
        let p = try project()
        XCTAssertEqual(try p.index().update().parsed, 3)
        // A new Index on the same store is a restart.
        let second = try p.index().update()
        XCTAssertEqual(second.parsed, 0)
        XCTAssertEqual(second.unchanged, 3)

        try p.write("c.py", "def other():\n    pass\n\ndef added():\n    pass\n")
        try p.touch("c.py", secondsFromNow: 5)
        try p.touch("a.py", secondsFromNow: 5)  // touched, same content: hashed, not parsed
        let index = try p.index()
        let third = try index.update()
        XCTAssertEqual(third.parsedPaths.map(index.relativePath), ["c.py"])
        XCTAssertEqual(try index.definitionLines("c.py"), ["1 function other", "4 function added"])
        XCTAssertEqual(try index.verify(), [])
    }

    func testDeletedFileDisappearsWithItsEdgesAndExternals() throws {
        let p = try project()
        let index = try p.index()
        try index.update()
        XCTAssertEqual(try index.edgeSet(), ["a.py -> b.py", "b.py -> requests"])
        try FileManager.default.removeItem(atPath: p.path("b.py"))
        let report = try index.update()
        XCTAssertEqual(report.removedPaths.map(index.relativePath), ["b.py"])
        XCTAssertNil(try index.file("b.py"))
        XCTAssertEqual(try index.definitions(named: "helper").count, 0)
        XCTAssertEqual(try index.externalNames(), ["b"], "a.py's import now points outside; requests lost its importer")
        XCTAssertEqual(try index.edgeSet(), ["a.py -> b"])
        // The file comes back: the import resolves to it again.
        try p.write("b.py", "def helper():\n    return 2\n")
        try index.update()
        XCTAssertEqual(try index.edgeSet(), ["a.py -> b.py"])
        XCTAssertEqual(try index.verify(), [])
    }

    func testUpdateFileAndRemoveFileAreSingleFileOperations() throws {
        let p = try project()
        let index = try p.index()
        try index.update()
        try index.updateFile(path: p.path("c.py"), contents: Array("class Fresh:\n    pass\n".utf8))
        XCTAssertEqual(try index.definitionLines("c.py"), ["1 class Fresh"])
        try index.updateFile(path: p.path("d.py"), contents: Array("import c\n".utf8))
        XCTAssertEqual(try index.edgeSet(), ["a.py -> b.py", "b.py -> requests", "d.py -> c.py"])
        XCTAssertNil(index.tree(for: p.path("d.py")), "a file updated from disk or a watcher is not an open document")
        try index.removeFile(path: p.path("c.py"))
        XCTAssertEqual(try index.edgeSet(), ["a.py -> b.py", "b.py -> requests", "d.py -> c"])
    }

    func testEditsReparseIncrementallyAndReplaceRows() throws {
        let p = try project()
        let index = try p.index()
        try index.update()
        var text = Array("def one():\n    pass\n".utf8)
        try index.applyEdit(path: p.path("c.py"), edit: nil, newContents: text)
        XCTAssertEqual(try index.definitionLines("c.py"), ["1 function one"])
        // Rename `one` to `three`: bytes 4..<7 replaced.
        let edit = InputEdit(startByte: 4, oldEndByte: 7, newEndByte: 9,
                             startPoint: SyntaxPoint(row: 0, column: 4), oldEndPoint: SyntaxPoint(row: 0, column: 7),
                             newEndPoint: SyntaxPoint(row: 0, column: 9))
        text.replaceSubrange(4..<7, with: Array("three".utf8))
        try index.applyEdit(path: p.path("c.py"), edit: edit, newContents: text)
        XCTAssertEqual(try index.definitionLines("c.py"), ["1 function three"])
        XCTAssertEqual(index.tree(for: p.path("c.py"))?.rootNode.text, "def three():\n    pass\n")
        XCTAssertEqual(try index.definitions(named: "one").count, 0)
    }

    func testUpdateLeavesOpenDocumentsToTheEditor() throws {
        let p = try project()
        let index = try p.index()
        try index.update()
        // The buffer differs from the disk, and an unsaved new file exists only in the editor.
        try index.applyEdit(path: p.path("c.py"), edit: nil, newContents: Array("def buffered():\n    pass\n".utf8))
        try index.applyEdit(path: p.path("new.py"), edit: nil, newContents: Array("import c\n".utf8))
        try p.touch("c.py", secondsFromNow: 10)
        let report = try index.update()
        XCTAssertEqual(report.parsed, 0)
        XCTAssertEqual(report.removedPaths, [])
        XCTAssertEqual(try index.definitionLines("c.py"), ["1 function buffered"])
        XCTAssertTrue(try index.edgeSet().contains("new.py -> c.py"))
        // Closed, the disk is the truth again.
        index.closeDocument(path: p.path("c.py"))
        index.closeDocument(path: p.path("new.py"))
        try index.update()
        XCTAssertEqual(try index.definitionLines("c.py"), ["1 function other"])
        XCTAssertNil(try index.file("new.py"))
    }

    /// The scan writes files in batches, a while after reading them: an editor's edit, a re-read or a removal
    /// of a file in between must win over the scan's older read of it.
    func testSingleFileChangesDuringAScanWinOverItsOlderReads() throws {
        let n = 400
        let p = try TestProject(Dictionary(uniqueKeysWithValues: (0..<n).map { ("m\($0).py", "def disk_\($0)():\n    pass\n") }))
        let index = try p.index()
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            do { try index.update() } catch { XCTFail("\(error)") }
            finished.signal()
        }
        var edited: [Int] = [], removed: [Int] = []
        for i in stride(from: 0, to: n, by: 5) {
            if i % 3 == 0 {
                try FileManager.default.removeItem(atPath: p.path("m\(i).py"))
                try index.removeFile(path: p.path("m\(i).py"))
                removed.append(i)
            } else {
                try index.applyEdit(path: p.path("m\(i).py"), edit: nil, newContents: Array("def buffer_\(i)():\n    pass\n".utf8))
                edited.append(i)
            }
        }
        finished.wait()
        for i in edited { XCTAssertEqual(try index.definitionLines("m\(i).py"), ["1 function buffer_\(i)"], "m\(i).py") }
        for i in removed { XCTAssertNil(try index.file("m\(i).py"), "m\(i).py") }
        XCTAssertEqual(try index.verify(), [])
    }

    /// A re-indexed file's rows are replaced by their difference; every index key must come out as a full
    /// rewrite leaves it: the same file indexed from scratch answers every query the same.
    func testReplacingRowsByDifferenceEqualsRewritingThem() throws {
        let others = ["util.py": "def helper():\n    return 1\n\ndef other():\n    return 2\n",
                      "shapes.py": "class Shape:\n    pass\n"]
        let versions = [
            "import os\nfrom util import helper\n\ndef run():\n    return helper()\n",
            "import os\nimport json\nfrom util import helper, other\n\ndef run():\n    return helper() + other()\n\ndef run2():\n    run()\n",
            "from shapes import Shape\n\nclass Square(Shape):\n    def area(self):\n        return helper()\n\ndef run():\n    pass\n",
            "import json\nfrom util import other\n\ndef first():\n    return other()\n\ndef run():\n    return first() + json.dumps(1)\n",
            "import json\nfrom util import other\n\ndef first():\n    return other()\n\ndef run():\n    return first() + json.dumps(1)\n\ndef last():\n    return run()\n",
        ]
        let p = try TestProject(others.merging(["main.py": versions[0]]) { a, _ in a })
        let edited = try p.index()
        try edited.update()
        for v in versions.dropFirst() {
            try edited.applyEdit(path: p.path("main.py"), edit: nil, newContents: Array(v.utf8))
        }
        let q = try TestProject(others.merging(["main.py": versions.last ?? ""]) { a, _ in a })
        let fresh = try q.index()
        try fresh.update()

        func summary(_ index: Index) throws -> [String] {
            var out: [String] = []
            let g = try index.graph()
            out += g.nodes.map { "node \(index.displayID($0.id)) \($0.language)" }
            out += g.edges.map { "edge \(index.displayID($0.from)) -> \(index.displayID($0.to))" }
            let names = Set(try index.definedNames()).union(["helper", "other", "json", "dumps", "run", "first", "Shape"])
            for name in names.sorted() {
                out += try index.definitions(named: name).map { "def \(name) \(index.relativePath($0.path))#\($0.index)" }
                out += try index.references(to: name).map { "ref \(name) \(index.relativePath($0.path)) \($0.occurrence.range.startByte)" }
                out += try index.callers(of: name).map { "caller of \(name): \(index.relativePath($0.path))#\($0.index)" }
            }
            return out
        }
        XCTAssertEqual(try summary(edited), try summary(fresh))
        XCTAssertEqual(try edited.verify(), [])
    }

    func testCancelledUpdateStopsEarlyAndStaysConsistent() throws {
        let p = try TestProject(Dictionary(uniqueKeysWithValues: (0..<200).map { ("m\($0).py", "def f():\n    pass\n") }))
        let index = try p.index()
        let first = try index.update { done, _ in if done == 10 { index.cancel() } }
        XCTAssertLessThan(first.parsed, 200)
        XCTAssertEqual(try index.verify(), [])
        let second = try index.update()
        XCTAssertEqual(second.parsed, 200 - first.parsed)
        XCTAssertEqual(try index.files().count, 200)
    }

    func testReadersSeeWholeFilesWhileAWriterRuns() throws {
        let p = try TestProject(Dictionary(uniqueKeysWithValues: (0..<60).map {
            ("m\($0).py", (0..<40).map { "def f\($0)():\n    return g()\n" }.joined())
        }))
        let index = try p.index()
        let reader = Thread {
            // Every file seen has all 40 definitions, never a part of them.
            while !Thread.current.isCancelled {
                for f in (try? index.files()) ?? [] {
                    let n = (try? index.symbols(in: f.path).count) ?? -1
                    if n != 40 { XCTFail("\(f.path) seen with \(n) symbols") }
                }
            }
        }
        reader.start()
        try index.update()
        reader.cancel()
        XCTAssertEqual(try index.files().count, 60)
    }
}
