import ArgumentParser
import Base
import Foundation
import GGUF

/// `quorum model`: commands about GGUF model files.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inspect GGUF model files.",
        subcommands: [ModelInfoCommand.self])
}

/// `quorum model info PATH`: what a GGUF file holds, read from its header only (weights are not touched).
struct ModelInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a GGUF model's architecture, shape, tokenizer, tensor types and parameter counts.")

    @Argument(help: "Path to a .gguf file.")
    var path: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let file: GGUFFile
        do {
            file = try GGUFFile(url: URL(fileURLWithPath: path))
        } catch {
            // One line, naming the file, and exit 1: the error's description says what is wrong and what to do.
            FileHandle.standardError.write(Data("quorum model info: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let summary = GGUFModelSummary(file)
        if json {
            let data = try JSONSerialization.data(withJSONObject: Self.jsonObject(summary, file: file, path: path),
                                                  options: [.sortedKeys, .prettyPrinted])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(Self.text(summary, file: file, path: path))
        }
    }

    static func jsonObject(_ s: GGUFModelSummary, file: GGUFFile, path: String) -> [String: Any] {
        var object: [String: Any] = [
            "path": path, "gguf_version": Int(file.version), "file_size": s.fileSize, "tensor_count": s.tensorCount,
            "total_parameters": s.totalParameters, "active_parameters": s.activeParameters,
            "types": s.types.map { ["type": $0.type.name, "tensors": $0.tensors, "parameters": $0.parameters, "bytes": $0.bytes] },
        ]
        let optional: [(String, Any?)] = [
            ("architecture", s.architecture), ("name", s.name), ("context_length", s.contextLength),
            ("embedding_length", s.embeddingLength), ("block_count", s.blockCount), ("head_count", s.headCount),
            ("head_count_kv", s.headCountKV), ("expert_count", s.expertCount), ("expert_used_count", s.expertUsedCount),
            ("tokenizer_model", s.tokenizerModel), ("vocab_size", s.vocabSize),
        ]
        for (key, value) in optional { object[key] = value ?? NSNull() }
        return object
    }

    static func text(_ s: GGUFModelSummary, file: GGUFFile, path: String) -> String {
        func show(_ value: Int?) -> String { value.map(String.init) ?? "-" }
        var lines: [(String, String)] = [
            ("file", "\(path) (\(bytes(s.fileSize)), GGUF v\(file.version))"),
            ("architecture", s.architecture ?? "-"),
            ("name", s.name ?? "-"),
            ("context length", show(s.contextLength)),
            ("embedding", show(s.embeddingLength)),
            ("blocks", show(s.blockCount)),
            ("heads", show(s.headCount) + (s.headCountKV.map { " (\($0) KV)" } ?? "")),
        ]
        if let experts = s.expertCount {
            lines.append(("experts", "\(experts), \(show(s.expertUsedCount)) used per token"))
        }
        lines.append(("tokenizer", "\(s.tokenizerModel ?? "-"), \(show(s.vocabSize)) tokens"))
        lines.append(("tensors", "\(s.tensorCount)"))
        lines.append(("parameters", "\(count(s.totalParameters)) total, \(count(s.activeParameters)) active per token"))
        var out = lines.map { $0.0.padding(toLength: 16, withPad: " ", startingAt: 0) + $0.1 }
        out.append("types")
        for t in s.types {
            let name = "  " + t.type.name.padding(toLength: 8, withPad: " ", startingAt: 0)
            out.append("\(name)\(String(t.tensors).leftPadded(6)) tensors \(count(t.parameters).leftPadded(20)) params \(bytes(t.bytes).leftPadded(10))")
        }
        return out.joined(separator: "\n")
    }

    /// 86912 -> "86,912 (86.9K)": exact for scripts that grep, short for people.
    static func count(_ n: Int) -> String {
        let exact = n.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]
        guard let unit = units.first(where: { Double(n) >= $0.0 }) else { return exact }
        return "\(exact) (\(String(format: "%.1f", Double(n) / unit.0))\(unit.1))"
    }

    static func bytes(_ n: Int) -> String {
        let units: [(Double, String)] = [(1_073_741_824, "GiB"), (1_048_576, "MiB"), (1024, "KiB")]
        guard let unit = units.first(where: { Double(n) >= $0.0 }) else { return "\(n) B" }
        return String(format: "%.1f", Double(n) / unit.0) + " " + unit.1
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
