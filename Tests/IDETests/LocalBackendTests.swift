import Foundation
import Inference
import PromptCache
import XCTest
@testable import IDE

/// The in-process backend on the tiny generated MoE model (random weights, real Qwen vocabulary):
/// prefix reuse across keystrokes, across a restart through LMDB, token healing, cancellation.
final class LocalBackendTests: XCTestCase {
    static let modelURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("InferenceTests/Models/tiny-qwen3moe-f32.gguf")

    var folder: URL!
    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-local-\(UUID())")
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func backend(store: PromptCacheStore?) throws -> LocalBackend {
        let model = try Model(contentsOf: Self.modelURL, threads: 1)
        return try LocalBackend(model: model, modelURL: Self.modelURL, contextSize: 1024, store: store)
    }

    func prompt(_ backend: LocalBackend, prefix: String, suffix: String = "\n") -> BuiltPrompt {
        let context = [ContextPiece(path: "lib/util.py", text: String(repeating: "def helper(x):\n    return x * 2\n\n", count: 12),
                                    reason: .importedFile, rank: 1)]
        return PromptBuilder(template: backend.template, budget: 900, repositoryName: "demo")
            .build(path: "main.py", prefix: prefix, suffix: suffix, context: context, counter: backend)
    }

    func testTheTinyModelHasQwenFIMTokens() throws {
        let b = try backend(store: nil)
        XCTAssertTrue(b.template.supportsFIM)
        XCTAssertTrue(b.template.supportsRepositoryContext)
    }

    func testASecondKeystrokeReusesThePrefixFromMemory() async throws {
        let b = try backend(store: nil)
        let first = try await b.complete(BackendRequest(prompt: prompt(b, prefix: "import util\n\nx = hel"), maxTokens: 4)) { false }
        XCTAssertEqual(first.tokensReusedMemory, 0)
        XCTAssertEqual(first.tokensComputed, first.promptTokens)
        XCTAssertEqual(first.generatedTokens, 4)
        let second = try await b.complete(BackendRequest(prompt: prompt(b, prefix: "import util\n\nx = help"), maxTokens: 4)) { false }
        // Everything up to the edit is reused; only the changed tail (and the suffix after it) is computed.
        XCTAssertGreaterThan(second.tokensReusedMemory, second.promptTokens - 12)
        XCTAssertEqual(second.tokensReusedMemory + second.tokensComputed, second.promptTokens)
    }

    func testARestartedBackendLoadsThePrefixFromLMDB() async throws {
        let request = { (b: LocalBackend) in BackendRequest(prompt: self.prompt(b, prefix: "import util\n\ny = "), maxTokens: 2) }
        weak var first: PromptCacheStore?
        do {
            let store = try PromptCacheStore(path: folder)
            first = store
            let b = try backend(store: store)
            let r = try await b.complete(request(b)) { false }
            XCTAssertEqual(r.tokensReusedDisk, 0)
            store.flush()
        }
        // The first store closes when its last owner lets go; its write-behind queue may still hold it for a
        // moment after flush() returns, and a store may be open only once per process.
        let deadline = Date().addingTimeInterval(10)
        while first != nil, Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
        XCTAssertNil(first, "the first backend's store was never released")
        let store = try PromptCacheStore(path: folder)
        let b = try backend(store: store)
        let r = try await b.complete(request(b)) { false }
        XCTAssertGreaterThanOrEqual(r.tokensReusedDisk, 64, "at least one whole block comes back from LMDB")
        XCTAssertEqual(r.tokensReusedDisk % 64, 0)
        XCTAssertEqual(r.tokensReusedMemory + r.tokensReusedDisk + r.tokensComputed, r.promptTokens)
    }

    func testCachedAndUncachedPromptsGiveTheSameCompletion() async throws {
        let warm = try backend(store: nil)
        _ = try await warm.complete(BackendRequest(prompt: prompt(warm, prefix: "import util\n\nz = he"), maxTokens: 6)) { false }
        let a = try await warm.complete(BackendRequest(prompt: prompt(warm, prefix: "import util\n\nz = hel"), maxTokens: 6)) { false }
        let cold = try backend(store: nil)
        let b = try await cold.complete(BackendRequest(prompt: prompt(cold, prefix: "import util\n\nz = hel"), maxTokens: 6)) { false }
        XCTAssertGreaterThan(a.tokensReusedMemory, 0)
        XCTAssertEqual(b.tokensReusedMemory, 0)
        XCTAssertEqual(a.text, b.text)
    }

    func testHealedTextIsRegeneratedThenRemoved() async throws {
        let b = try backend(store: nil)
        let (kept, heal) = TokenHealing.split(prefix: "x = helper", lastTokenText: b.lastTokenText(of: "x = helper"))
        XCTAssertFalse(heal.isEmpty)
        XCTAssertEqual(kept + heal, "x = helper")
        let r = try await b.complete(BackendRequest(prompt: prompt(b, prefix: kept), heal: heal, maxTokens: 6)) { false }
        XCTAssertEqual(r.healedText, heal)
        XCTAssertGreaterThan(r.generatedTokens, 0)
    }

    func testCancellationStopsBeforeDecoding() async throws {
        let b = try backend(store: nil)
        let r = try await b.complete(BackendRequest(prompt: prompt(b, prefix: "q = "), maxTokens: 50)) { true }
        XCTAssertEqual(r.stopReason, "cancelled")
        XCTAssertEqual(r.generatedTokens, 0)
    }
}

