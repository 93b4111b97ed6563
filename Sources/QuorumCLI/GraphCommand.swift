import ArgumentParser
import Base
import Foundation
import Workspace

/// `quorum graph <dir>`: the import graph of a workspace, whole or queried.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the workspace's import graph (json, dot or svg) or answer a question about it (JSON).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, dot, svg }

    @OptionGroup var location: IndexLocationOptions

    @Option(help: "Output format of the whole graph: json, dot, or svg (needs `dot` from graphviz).")
    var format: Format = .json

    @Option(help: "Print the files that import FILE.")
    var dependents: String?

    @Option(help: "Print what FILE imports.")
    var dependencies: String?

    @Option(help: "With --dependents/--dependencies: how many import steps to follow (0: unlimited).")
    var depth: Int = 1

    @Flag(help: "Print the import cycles.")
    var cycles = false

    @Option(parsing: .upToNextOption, help: "Print the shortest import path from A to B: --path A B.")
    var path: [String] = []

    @Option(help: "Print the files and symbols most related to FILE (personalised PageRank).")
    var rank: String?

    @Option(help: "With --rank: how many results.")
    var limit: Int = 20

    func validate() throws {
        if !path.isEmpty && path.count != 2 { throw ValidationError("--path takes two files: --path A B") }
    }

    func run() throws {
        let (index, _, flushed) = try location.openUpdated()
        do { try answer(index) } catch { try? flushed(); throw error }
        try flushed()
    }

    private func answer(_ index: Index) throws {
        let graph = try index.graph()
        func node(_ text: String) throws -> String {
            guard let id = index.nodeID(for: text, in: graph) else {
                throw GraphError("\(text) is not a file or module in the index of \(location.directory); "
                    + "pass a workspace-relative path or an external module name as `quorum graph --format json` lists them")
            }
            return id
        }
        let maxDepth = depth <= 0 ? nil : depth
        if let file = dependents {
            let id = try node(file)
            try printJSON(["file": index.displayID(id), "dependents": graph.dependents(of: id, maxDepth: maxDepth).map {
                ["id": index.displayID($0.id), "depth": $0.depth] as [String: Any] }])
        } else if let file = dependencies {
            let id = try node(file)
            try printJSON(["file": index.displayID(id), "dependencies": graph.dependencies(of: id, maxDepth: maxDepth).map {
                ["id": index.displayID($0.id), "depth": $0.depth] as [String: Any] }])
        } else if cycles {
            try printJSON(["cycles": graph.cycles().map { $0.map(index.displayID) }])
        } else if path.count == 2 {
            let found = graph.path(from: try node(path[0]), to: try node(path[1]))
            let shown: Any = found.map { $0.map(index.displayID) as Any } ?? NSNull()
            try printJSON(["path": shown])
        } else if let file = rank {
            let ranked = try index.rank(around: try node(file), limit: limit)
            try printJSON(["file": index.relativePath(index.absolutePath(file)), "ranked": ranked.map { r -> [String: Any] in
                var o: [String: Any] = ["kind": r.kind.rawValue, "path": index.relativePath(r.path),
                                        "score": (r.score * 1e6).rounded() / 1e6]
                if let name = r.name { o["name"] = name }
                if let k = r.symbolKind { o["symbolKind"] = k }
                if let line = r.line { o["line"] = line }
                return o
            }])
        } else {
            switch format {
            case .json: try printJSON(jsonGraph(graph, index))
            case .dot: print(dotGraph(graph, index))
            case .svg: try printSVG(dotGraph(graph, index))
            }
        }
    }

    func jsonGraph(_ graph: DependencyGraph, _ index: Index) -> [String: Any] {
        ["nodes": graph.nodes.map { n -> [String: Any] in
            ["id": index.displayID(n.id), "kind": n.isExternal ? "external" : "file", "language": n.language] },
         "edges": graph.edges.map { ["from": index.displayID($0.from), "to": index.displayID($0.to), "kind": "import"] }]
    }

    func dotGraph(_ graph: DependencyGraph, _ index: Index) -> String {
        func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var lines = ["digraph imports {", "  rankdir=LR;", "  node [shape=box, fontsize=10];"]
        for n in graph.nodes {
            let style = n.isExternal ? " [style=dashed, shape=ellipse]" : ""
            lines.append("  \(quote(index.displayID(n.id)))\(style);")
        }
        for e in graph.edges { lines.append("  \(quote(index.displayID(e.from))) -> \(quote(index.displayID(e.to)));") }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// Renders with Graphviz's `dot -Tsvg` (Debian package `graphviz`).
    func printSVG(_ dot: String) throws {
        let candidates = ["/usr/bin/dot", "/usr/local/bin/dot"] + (ProcessInfo.processInfo.environment["PATH"] ?? "")
            .split(separator: ":").map { "\($0)/dot" }
        guard let exe = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw GraphError("--format svg needs Graphviz's `dot`, which is not installed; run `apt-get install graphviz` or use --format dot")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: exe)
        process.arguments = ["-Tsvg"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(dot.utf8))
        try input.fileHandleForWriting.close()
        let svg = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw GraphError("dot -Tsvg failed with status \(process.terminationStatus)") }
        FileHandle.standardOutput.write(svg)
    }
}

/// A failure that is not a usage mistake: printed as one line, exit status 1, without the help text.
struct GraphError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
