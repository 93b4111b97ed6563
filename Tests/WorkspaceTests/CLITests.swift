import Foundation
import Workspace
import XCTest

/// `quorum index` and `quorum graph` through the built binary: the JSON shapes other tools rely on, and two
/// processes sharing one store.
final class CLITests: XCTestCase {
    var binary: String!

    override func setUpWithError() throws {
        binary = packageRoot.appendingPathComponent(".build/debug/quorum").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("CLITests: SKIPPED — \(binary!) is not built; run `swift build` first")
            throw XCTSkip("\(binary!) is not built; run `swift build` first")
        }
    }

    /// Runs the binary; returns stdout and the exit status.
    func run(_ args: [String]) throws -> (String, Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = args
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus)
    }

    func json(_ args: [String]) throws -> Any {
        let (text, status) = try run(args)
        XCTAssertEqual(status, 0, "quorum \(args.joined(separator: " ")) failed")
        return try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    func project() throws -> TestProject {
        try TestProject([
            "a.py": "import b\nimport numpy\n\nclass A:\n    def go(self):\n        return b.run()\n",
            "b.py": "import a\n\ndef run():\n    return 1\n",
            "c.py": "import b\n",
        ])
    }

    func testIndexJSONShape() throws {
        let p = try project()
        let object = try json(["index", p.root, "--store", p.store.path, "--format", "json"])
        let files = try XCTUnwrap((object as? [String: Any])?["files"] as? [[String: Any]])
        XCTAssertEqual(files.map { $0["path"] as? String }, ["a.py", "b.py", "c.py"])
        XCTAssertEqual(files.first?["language"] as? String, "python")
        let symbols = try XCTUnwrap(files.first?["symbols"] as? [[String: Any]])
        XCTAssertEqual(symbols.count, 2)
        XCTAssertEqual(symbols[1]["name"] as? String, "go")
        XCTAssertEqual(symbols[1]["kind"] as? String, "method")
        XCTAssertEqual(symbols[1]["line"] as? Int, 5)
        XCTAssertEqual(symbols[1]["container"] as? String, "A")
        XCTAssertTrue(symbols[0]["container"] is NSNull, "a top-level symbol has a null container")
    }

    /// The exact text: two-space indentation and sorted keys as every JSON output of the CLI, an empty symbol
    /// list as `[]`, a top-level container as null (the rows are rendered straight into bytes, in parallel chunks).
    func testIndexJSONText() throws {
        let p = try project()
        let (text, status) = try run(["index", p.root, "--store", p.store.path, "--format", "json"])
        XCTAssertEqual(status, 0)
        func symbol(_ container: String?, _ kind: String, _ line: Int, _ name: String, last: Bool) -> String {
            """
                    {
                      "container": \(container.map { "\"\($0)\"" } ?? "null"),
                      "kind": "\(kind)",
                      "line": \(line),
                      "name": "\(name)"
                    }\(last ? "" : ",")

            """
        }
        let expected = """
            {
              "files": [
                {
                  "language": "python",
                  "parseErrors": 0,
                  "path": "a.py",
                  "symbols": [

            """ + symbol(nil, "class", 4, "A", last: false) + symbol("A", "method", 5, "go", last: true) + """
                  ]
                },
                {
                  "language": "python",
                  "parseErrors": 0,
                  "path": "b.py",
                  "symbols": [

            """ + symbol(nil, "function", 3, "run", last: true) + """
                  ]
                },
                {
                  "language": "python",
                  "parseErrors": 0,
                  "path": "c.py",
                  "symbols": []
                }
              ]
            }

            """
        XCTAssertEqual(text, expected)
    }

    /// Elements rendered by the workers for the files a run parses, and elements read back from the store for the
    /// others, print the same text: a fresh store (all parsed), a run after one file changed (one parsed), and a run
    /// with nothing changed (none parsed) agree byte for byte.
    func testIndexJSONIsTheSameWhetherFilesWereParsedOrRead() throws {
        let p = try project()
        let json = ["--format", "json"]
        _ = try run(["index", p.root, "--store", p.store.path] + json)
        try p.write("b.py", "import a\n\ndef run():\n    return 1\n\ndef walk():\n    return 2\n")
        let (oneParsed, s1) = try run(["index", p.root, "--store", p.store.path] + json)
        let (noneParsed, s2) = try run(["index", p.root, "--store", p.store.path] + json)
        let fresh = p.store.deletingLastPathComponent().appendingPathComponent("fresh-store").path
        let (allParsed, s3) = try run(["index", p.root, "--store", fresh] + json)
        XCTAssertEqual([s1, s2, s3], [0, 0, 0])
        XCTAssertTrue(oneParsed.contains("\"walk\""), "the changed file's new function is listed")
        XCTAssertEqual(oneParsed, allParsed)
        XCTAssertEqual(noneParsed, allParsed)
    }

    func testGraphJSONShapeAndQueries() throws {
        let p = try project()
        let base = ["graph", p.root, "--store", p.store.path]
        let graph = try XCTUnwrap(try json(base + ["--format", "json"]) as? [String: Any])
        let nodes = try XCTUnwrap(graph["nodes"] as? [[String: String]])
        XCTAssertEqual(nodes, [["id": "a.py", "kind": "file", "language": "python"], ["id": "b.py", "kind": "file", "language": "python"],
                               ["id": "c.py", "kind": "file", "language": "python"], ["id": "numpy", "kind": "external", "language": "python"]])
        let edges = try XCTUnwrap(graph["edges"] as? [[String: String]])
        XCTAssertEqual(edges, [["from": "a.py", "to": "b.py", "kind": "import"], ["from": "a.py", "to": "numpy", "kind": "import"],
                               ["from": "b.py", "to": "a.py", "kind": "import"], ["from": "c.py", "to": "b.py", "kind": "import"]])

        let cycles = try XCTUnwrap(try json(base + ["--cycles"]) as? [String: [[String]]])
        XCTAssertEqual(cycles["cycles"], [["a.py", "b.py"]])
        let path = try XCTUnwrap(try json(base + ["--path", "c.py", "numpy"]) as? [String: [String]])
        XCTAssertEqual(path["path"], ["c.py", "b.py", "a.py", "numpy"])
        let dependents = try XCTUnwrap(try json(base + ["--dependents", "b.py", "--depth", "0"]) as? [String: Any])
        XCTAssertEqual((dependents["dependents"] as? [[String: Any]])?.map { $0["id"] as? String }, ["a.py", "c.py"])
        let dependencies = try XCTUnwrap(try json(base + ["--dependencies", "a.py"]) as? [String: Any])
        XCTAssertEqual((dependencies["dependencies"] as? [[String: Any]])?.map { $0["id"] as? String }, ["b.py", "numpy"])
        let rank = try XCTUnwrap(try json(base + ["--rank", "c.py", "--limit", "3"]) as? [String: Any])
        XCTAssertEqual((rank["ranked"] as? [[String: Any]])?.first?["path"] as? String, "b.py")

        let (dot, status) = try run(base + ["--format", "dot"])
        XCTAssertEqual(status, 0)
        XCTAssertTrue(dot.contains("\"a.py\" -> \"numpy\";"))
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/dot") {
            let (svg, svgStatus) = try run(base + ["--format", "svg"])
            XCTAssertEqual(svgStatus, 0)
            XCTAssertTrue(svg.contains("<svg"))
        }
        XCTAssertNotEqual(try run(base + ["--dependents", "nope.py"]).1, 0, "an unknown file is an error")
    }

    func testTwoProcessesIndexingOneStoreConcurrently() throws {
        var files: [String: String] = [:]
        for i in 0..<300 { files["m\(i).py"] = "import m\((i + 1) % 300)\n" + (0..<10).map { "def f\($0)():\n    pass\n" }.joined() }
        let p = try TestProject(files)
        let processes = (0..<2).map { _ -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["index", p.root, "--store", p.store.path, "--verify"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return process
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        XCTAssertEqual(processes.map(\.terminationStatus), [0, 0], "both runs succeed and verify their store")
        let index = try p.index()
        XCTAssertEqual(try index.files().count, 300)
        XCTAssertEqual(try index.verify(), [])
    }
}
