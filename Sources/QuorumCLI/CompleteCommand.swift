import ArgumentParser
import Base
import Foundation
import IDE
import Syntax
import Workspace

/// `quorum complete FILE:LINE:COL`: one completion without an editor, with what it was built from.
struct CompleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complete",
        abstract: "Complete code at FILE:LINE:COL (1-based line and column, column in characters) and explain it.")

    @Argument(help: "FILE:LINE:COL, 1-based.")
    var location: String

    @Option(help: "GGUF model file (default: the one `make models` installs).")
    var model: String?

    @Option(help: "Workspace folder for the graph context (default: the nearest folder above FILE with .git).")
    var workspace: String?

    @Option(help: "Context size in tokens.")
    var contextSize = 4096

    @Option(help: "Most tokens to generate.")
    var maxTokens = 64

    @Option(help: "Threads for the model (default: all cores).")
    var threads: Int?

    @Flag(help: "Complete one line only.")
    var line = false

    @Flag(help: "Show what the completion was built from: context pieces, tokens reused and computed, phases.")
    var explain = false

    @Option(help: "Output format: text or json.")
    var format = "text"

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json") }
    }

    func run() async throws {
        QuorumLog.bootstrap(level: .warning)
        let parts = location.split(separator: ":")
        guard parts.count >= 3, let row = Int(parts[parts.count - 2]), let col = Int(parts[parts.count - 1]), row >= 1, col >= 1 else {
            throw ValidationError("the location must be FILE:LINE:COL with 1-based numbers, e.g. src/app.py:12:5")
        }
        let file = URL(fileURLWithPath: parts.dropLast(2).joined(separator: ":")).standardizedFileURL.resolvingSymlinksInPath()
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw ValidationError("cannot read \(file.path)")
        }
        let bytes = [UInt8](data)
        let offset = try Self.offset(bytes: bytes, line: row, column: col)
        let root = workspace.map { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path }
            ?? Self.workspaceRoot(of: file.path)

        let modelPath = model ?? QuorumPaths.models.appendingPathComponent("gemma3-270m-q4_k_m.gguf").path
        let backend = try BackendFactory.make(BackendConfiguration(
            modelPath: modelPath, contextSize: contextSize, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
            cacheDir: QuorumPaths.cacheRoot.path))
        guard let backend else { throw ValidationError("no model: pass --model PATH") }

        let index = try Index(roots: [root])
        try index.update()
        let context = ContextCollector.collect(index: index, path: file.path, text: bytes, offset: offset) { path in
            FileManager.default.contents(atPath: path).map { [UInt8]($0) }
        }
        let budget = max(64, min(contextSize, backend.contextLimit ?? contextSize) - maxTokens - 32)
        let service = CompletionService(backend: backend, promptBudget: budget, registry: index.registry)
        let query = CompletionQuery(path: index.relativePath(file.path), text: String(decoding: bytes, as: UTF8.self),
                                    offset: offset, mode: line ? .singleLine : .multiLine, context: context,
                                    repositoryName: (root as NSString).lastPathComponent, maxTokens: maxTokens)
        let (candidates, explanation) = try await service.complete(query)
        if format == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(explanation), as: UTF8.self))
            return
        }
        print(candidates.first?.text ?? "")
        guard explain else { return }
        var err = StandardError()
        print("\n--- explain ---", to: &err)
        print("backend: \(explanation.backend); prompt \(explanation.promptTokens) tokens "
              + "(reused memory \(explanation.tokensReusedMemory), disk \(explanation.tokensReusedDisk), "
              + "computed \(explanation.tokensComputed)); generated \(explanation.generatedTokens)", to: &err)
        if !explanation.healedText.isEmpty { print("token healing: regenerated \(explanation.healedText.debugDescription)", to: &err) }
        for p in explanation.pieces {
            print("  \(p.included ? "+" : "-") \(p.path)\(p.symbol.map { " (\($0))" } ?? "") — \(p.reason), rank \(String(format: "%.2f", p.rank)), \(p.tokens) tokens", to: &err)
        }
        let phases = ["context", "prompt", "prefill", "decode", "postprocess"].map { "\($0) \(Int(explanation.phasesMs[$0] ?? 0)) ms" }
        print("phases: " + phases.joined(separator: ", "), to: &err)
    }

    /// The UTF-8 offset of a 1-based line and character column.
    static func offset(bytes: [UInt8], line: Int, column: Int) throws -> Int {
        var i = 0, row = 1
        while row < line {
            guard let nl = bytes[i...].firstIndex(of: 0x0A) else { throw ValidationError("the file has fewer than \(line) lines") }
            i = nl + 1
            row += 1
        }
        let end = bytes[i...].firstIndex(of: 0x0A) ?? bytes.count
        let text = String(decoding: bytes[i..<end], as: UTF8.self)
        let chars = min(column - 1, text.count)
        return i + text.prefix(chars).utf8.count
    }

    /// The nearest folder above `path` holding `.git`, else the file's folder.
    static func workspaceRoot(of path: String) -> String {
        var dir = (path as NSString).deletingLastPathComponent
        while dir != "/" && !dir.isEmpty {
            if FileManager.default.fileExists(atPath: dir + "/.git") { return dir }
            dir = (dir as NSString).deletingLastPathComponent
        }
        return (path as NSString).deletingLastPathComponent
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
