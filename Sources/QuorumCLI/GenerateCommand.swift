import ArgumentParser
import Base
import Foundation
import Inference

/// `quorum generate`: continue a prompt (or fill in the middle) and stream the new text to stdout.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text with a GGUF model; only the generated text goes to stdout, timings to stderr.")

    @OptionGroup var options: ModelOptions

    @Option(help: "The prompt to continue.")
    var prompt: String?

    @Option(name: .customShort("n"), help: "Most tokens to generate.")
    var maxTokens: Int = 64

    @Option(help: "0 is greedy.")
    var temperature: Float = 0

    @Option(help: "Keep the k most likely tokens (0: all).")
    var topK: Int = 0

    @Option(help: "Nucleus sampling threshold.")
    var topP: Float = 1

    @Option(help: "Drop tokens below this fraction of the best one's probability.")
    var minP: Float = 0

    @Option(help: "Penalty for recently generated tokens (1: off).")
    var repeatPenalty: Float = 1

    @Option(help: "Seed for sampling.")
    var seed: UInt64 = 0

    @Option(help: "Code before the cursor, for fill-in-the-middle (with --fim-suffix).")
    var fimPrefix: String?

    @Option(help: "Code after the cursor, for fill-in-the-middle.")
    var fimSuffix: String?

    @Option(help: "Stop when the text contains this (repeatable).")
    var stop: [String] = []

    @Flag(help: "Recognise special tokens such as <|fim_prefix|> written in --prompt.")
    var parseSpecial = false

    func validate() throws {
        if prompt == nil && fimPrefix == nil && fimSuffix == nil {
            throw ValidationError("give --prompt TEXT, or --fim-prefix and --fim-suffix")
        }
        if maxTokens < 0 { throw ValidationError("-n must be ≥ 0") }
    }

    func run() throws {
        let loadStart = Date()
        let model = try options.load()
        let tokens: [TokenID]
        if fimPrefix != nil || fimSuffix != nil {
            tokens = model.fillInTheMiddlePrompt(prefix: fimPrefix ?? "", suffix: fimSuffix ?? "")
        } else {
            tokens = model.tokenizer.encode(prompt ?? "", addSpecial: true, parseSpecial: parseSpecial)
        }
        printError("loaded \(model.architecture) in \(String(format: "%.2f", Date().timeIntervalSince(loadStart))) s; prompt \(tokens.count) tokens")
        let settings = SamplerSettings(temperature: temperature, topK: topK, topP: topP, minP: minP,
                                       repetitionPenalty: repeatPenalty, seed: seed)
        let cache = model.makeCache(capacity: min(model.contextLength, tokens.count + maxTokens + 1))
        let result = try model.generate(prompt: tokens, cache: cache, maxTokens: maxTokens, sampler: settings,
                                        stop: stop) { piece in
            FileHandle.standardOutput.write(Data(piece.utf8))
            return true
        }
        let prefillRate = result.promptSeconds > 0 ? Double(result.promptTokensEvaluated) / result.promptSeconds : 0
        printError(String(format: "prompt: %d tokens in %.2f s (%.1f tokens/s); generated: %d tokens in %.2f s (%.1f tokens/s); stop: %@",
                          result.promptTokensEvaluated, result.promptSeconds, prefillRate, result.tokens.count,
                          result.generationSeconds, result.tokensPerSecond, "\(result.stopReason)"))
    }
}
/// The options every model command shares.
struct ModelOptions: ParsableArguments {
    @Option(help: "GGUF model file (default: gemma3-270m-q4_k_m.gguf in $QUORUM_MODEL_DIR or ~/.cache/quorum/models).")
    var model: String?

    @Option(help: "Cores the forward pass may use.")
    var threads: Int = 2

    func load() throws -> Model {
        let url = model.map { URL(fileURLWithPath: $0) }
            ?? QuorumPaths.models.appendingPathComponent("gemma3-270m-q4_k_m.gguf")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ValidationError("no model at \(url.path): pass --model PATH or run `make models`")
        }
        return try Model(contentsOf: url, threads: threads)
    }
}

/// Writes to stderr (progress, timings) so stdout carries only the command's output.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
