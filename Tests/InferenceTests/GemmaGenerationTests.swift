import Foundation
import Inference
import XCTest

/// The real Gemma 3 270M writes sensible code, through the library and through `quorum generate`.
final class GemmaGenerationTests: XCTestCase {
    func testGreedyPythonContinuation() throws {
        let model = try Fixtures.model(try Fixtures.requireGemma())
        let prompt = model.tokenizer.encode("def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n")
        let result = try model.generate(prompt: prompt, cache: model.makeCache(capacity: 256), maxTokens: 40)
        XCTAssertTrue(result.text.contains("return"), "no return statement in: \(result.text)")
        XCTAssertTrue(result.text.contains("n"), result.text)
    }

    /// `quorum generate` streams only the generated text to stdout and its timings to stderr.
    func testGenerateCommand() throws {
        let model = try Fixtures.requireGemma()
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("quorum")
        let found = FileManager.default.isExecutableFile(atPath: binary.path)
        XCTAssertTrue(found, "build the executable first (swift build): no \(binary.path)")
        guard found else { return }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["generate", "--model", model.path, "--prompt",
                             "func isPrime(_ n: Int) -> Bool {\n", "-n", "48", "--temperature", "0"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertFalse(stdout.hasPrefix("func isPrime"), "the prompt must not be echoed: \(stdout)")
        XCTAssertTrue(stdout.contains("return") || stdout.contains("if"), "not code-like: \(stdout)")
        XCTAssertTrue(stderr.contains("tokens/s"), stderr)
    }
}
