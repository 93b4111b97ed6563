import ArgumentParser
import Base
import Foundation
import Syntax

/// `quorum grammars`: which grammars are known, built and loadable, and where they come from.
struct GrammarsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grammars",
        abstract: "List the tree-sitter grammars and check that each one loads.")

    @Option(help: "Folder with the compiled grammars (default: $QUORUM_GRAMMAR_DIR or ~/.cache/quorum/grammars).")
    var grammarDir: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let libraries = grammarDir.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? QuorumPaths.grammarLibraries
        let registry = try LanguageRegistry(libraries: libraries)
        var rows: [[String: String]] = []
        var failed = false
        for name in registry.languageNames {
            var row = ["language": name]
            do {
                let language = try registry.language(named: name)
                row["status"] = "ok"
                row["abi"] = "\(language.abiVersion)"
            } catch {
                failed = true
                row["status"] = "error"
                row["error"] = "\(error)"
            }
            rows.append(row)
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.sortedKeys, .prettyPrinted])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for row in rows {
                let detail = row["status"] == "ok" ? "ABI \(row["abi"] ?? "?")" : (row["error"] ?? "")
                print("\(row["language"]!.padding(toLength: 12, withPad: " ", startingAt: 0)) \(row["status"]!)  \(detail)")
            }
        }
        if failed { throw ExitCode(1) }
    }
}
