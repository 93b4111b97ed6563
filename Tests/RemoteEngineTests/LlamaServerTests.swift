import Foundation
import IDE
import Inference
import XCTest
@testable import RemoteEngine

/// The remote backend against a real OpenAI-compatible server: llama-cpp-python's server, started on loopback
/// by the test, serving the tiny generated MoE model.
final class LlamaServerTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var model: URL {
        if let path = ProcessInfo.processInfo.environment["QUORUM_TEST_SERVER_MODEL"] { return URL(fileURLWithPath: path) }
        return repository.appendingPathComponent("Tests/InferenceTests/Models/tiny-qwen3moe-f32.gguf")
    }
    static var python: String {
        ProcessInfo.processInfo.environment["QUORUM_TEST_PYTHON"]
            ?? repository.appendingPathComponent(".venv/bin/python").path
    }

    var server: Process?
    var port = 0

    /// Starts the server and waits until it answers; skips, visibly, when llama-cpp-python is not installed.
    func startServer(file: StaticString = #filePath, line: UInt = #line) throws {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: Self.python)
        check.arguments = ["-c", "import llama_cpp.server"]
        check.standardError = FileHandle.nullDevice
        do { try check.run(); check.waitUntilExit() } catch {
            throw XCTSkip("SKIPPED: \(Self.python) cannot run; `make venv` installs llama-cpp-python[server]")
        }
        guard check.terminationStatus == 0 else {
            throw XCTSkip("SKIPPED: llama-cpp-python[server] is not installed in \(Self.python); run `make venv`")
        }
        if port == 0 { port = 20000 + Int.random(in: 0..<20000) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.python)
        p.arguments = ["-m", "llama_cpp.server", "--model", Self.model.path, "--host", "127.0.0.1",
                       "--port", "\(port)", "--n_ctx", "512", "--n_threads", "1"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        server = p
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let answer = loopbackGet(port: port, path: "/v1/models"), answer.status == 200, !answer.body.isEmpty {
                return
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        XCTFail("llama-cpp-python server did not start on port \(port)", file: file, line: line)
    }

    /// Stops the server at once: uvicorn's graceful shutdown would wait for idle keep-alive connections.
    func stopServer() {
        guard let server else { return }
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        self.server = nil
    }

    override func tearDown() { stopServer() }

    func client(baseBackoff: Double = 0.05) -> RemoteCompletionClient {
        RemoteCompletionClient(config: RemoteEngineConfig(url: URL(string: "http://127.0.0.1:\(port)")!,
                                                          connectTimeout: 10, requestTimeout: 60),
                               health: BackendHealth(baseBackoff: baseBackoff, maxBackoff: 0.2))
    }

    func testStreamingDeliversPiecesThatAddUpToTheText() async throws {
        try startServer()
        let pieces = PieceLog()
        let result = try await client().complete(RemoteCompletionRequest(prompt: "def add(a, b):", maxTokens: 12)) {
            pieces.append($0)
            return true
        }
        XCTAssertGreaterThan(pieces.count, 1, "expected several streamed events")
        XCTAssertEqual(pieces.joined, result.text)
        XCTAssertEqual(result.finishReason, "length")
        XCTAssertNotNil(result.firstTokenMs)
    }

    func testStoppingTheStreamEndsTheRequestEarly() async throws {
        try startServer()
        let pieces = PieceLog()
        let result = try await client().complete(RemoteCompletionRequest(prompt: "x = ", maxTokens: 200)) {
            pieces.append($0)
            return pieces.count < 3
        }
        XCTAssertEqual(result.finishReason, "cancelled")
        XCTAssertEqual(pieces.count, 3)
        // The server keeps serving after a closed stream.
        let next = try await client().complete(RemoteCompletionRequest(prompt: "y = ", maxTokens: 4))
        XCTAssertFalse(next.text.isEmpty)
    }

    func testCancellingTheTaskThrowsCancelled() async throws {
        try startServer()
        let c = client()
        let task = Task { try await c.complete(RemoteCompletionRequest(prompt: "def f():", maxTokens: 400)) { _ in true } }
        try await Task.sleep(nanoseconds: 50_000_000)
        task.cancel()
        do {
            let r = try await task.value
            // A tiny model may finish before the cancel lands; then it must have run to its end.
            XCTAssertNotEqual(r.finishReason, "cancelled")
        } catch let error as RemoteEngineError {
            XCTAssertEqual(error, .cancelled)
        }
        XCTAssertEqual(c.health.snapshot.failures, 0, "a cancellation is not a server failure")
    }

    func testAServerErrorIsReportedWithItsStatusAndTheServerKeepsServing() async throws {
        try startServer()
        let c = client()
        do {
            // llama-cpp-python answers token-id prompts with HTTP 500.
            _ = try await c.complete(RemoteCompletionRequest(prompt: "", promptTokens: [99_999_999], maxTokens: 4))
            XCTFail("expected an HTTP error")
        } catch let RemoteEngineError.httpStatus(_, status, body) {
            XCTAssertEqual(status, 500)
            XCTAssertFalse(body.isEmpty)
        }
        XCTAssertEqual(c.health.snapshot.state, "degraded")
        try await Task.sleep(nanoseconds: 100_000_000)  // past the 50 ms backoff
        let ok = try await c.complete(RemoteCompletionRequest(prompt: "z = ", maxTokens: 4))
        XCTAssertFalse(ok.text.isEmpty)
        XCTAssertEqual(c.health.snapshot.state, "healthy")
    }

    /// The server receives byte for byte the prompt the in-process engine would evaluate: its echo of the
    /// prompt equals the text, and its token count equals ours, so its prefix cache sees the same prefixes.
    func testTheServerGetsExactlyTheInProcessPrompt() async throws {
        try startServer()
        let local = try LocalBackend(model: Model(contentsOf: Self.model, threads: 1), modelURL: Self.model,
                                     contextSize: 512, store: nil)
        let context = [ContextPiece(path: "shop/models.py", text: "class Cart:\n    items = []\n", reason: .importedFile, rank: 1)]
        let prompt = PromptBuilder(template: local.template, budget: 400, repositoryName: "shop")
            .build(path: "shop/main.py", prefix: "from .models import Cart\n\ndef total(cart):\n    ret",
                   suffix: "\n\nprint(total(Cart()))\n", context: context, counter: local)
        XCTAssertTrue(prompt.text.contains("<|fim_middle|>"))
        let remote = RemoteBackend(client: client(), template: local.template, counter: local)
        let echoed = try await remote.client.complete(RemoteCompletionRequest(
            prompt: prompt.text, maxTokens: 2, stream: false, echo: true))
        XCTAssertTrue(echoed.text.hasPrefix(prompt.text), "the server saw: \(echoed.text.prefix(300))")
        XCTAssertEqual(echoed.serverPromptTokens, local.promptTokens(prompt.text).count)
        // And the backend used by completions sends that same text.
        let body = try remote.client.body(for: RemoteCompletionRequest(prompt: prompt.text, maxTokens: 2))
        let sent = try JSONSerialization.jsonObject(with: body) as? [String: Any]
        XCTAssertEqual(sent?["prompt"] as? String, prompt.text)
        let completion = try await remote.complete(BackendRequest(prompt: prompt, maxTokens: 3)) { false }
        XCTAssertEqual(completion.promptTokens, local.promptTokens(prompt.text).count)
    }

    func testServerRestartRecoversAfterBackoff() async throws {
        try startServer()
        let c = client()
        _ = try await c.complete(RemoteCompletionRequest(prompt: "a = ", maxTokens: 2))
        stopServer()
        do {
            _ = try await c.complete(RemoteCompletionRequest(prompt: "b = ", maxTokens: 2))
            XCTFail("expected the stopped server to be unreachable")
        } catch let error as RemoteEngineError {
            guard case .unreachable = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(c.health.snapshot.state, "degraded")
        try startServer()  // same port
        try await Task.sleep(nanoseconds: 300_000_000)
        let again = try await c.complete(RemoteCompletionRequest(prompt: "c = ", maxTokens: 2))
        XCTAssertFalse(again.text.isEmpty)
        XCTAssertEqual(c.health.snapshot.state, "healthy")
    }
}

/// Collects streamed pieces from the delegate's thread.
final class PieceLog: @unchecked Sendable {
    private let lock = NSLock()
    private var pieces: [String] = []
    func append(_ s: String) { lock.lock(); pieces.append(s); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return pieces.count }
    var joined: String { lock.lock(); defer { lock.unlock() }; return pieces.joined() }
}
