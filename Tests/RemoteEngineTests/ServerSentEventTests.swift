import XCTest
@testable import RemoteEngine

final class ServerSentEventTests: XCTestCase {
    func testEventsSplitAcrossChunksAndLineEndings() {
        var p = ServerSentEventParser()
        XCTAssertEqual(p.feed(Array("data: {\"a\"".utf8)), [])
        XCTAssertEqual(p.feed(Array(": 1}\r\n\r\n: keep-alive\n\nevent: x\ndata: one\ndata: two\n\n".utf8)),
                       ["{\"a\": 1}", "one\ntwo"])
        XCTAssertEqual(p.feed(Array("data: [DONE]".utf8)), [])
        XCTAssertEqual(p.finish(), "[DONE]")
    }

    func testBackoffGrowsAndResets() {
        let h = BackendHealth(baseBackoff: 1, maxBackoff: 4)
        let t0 = Date()
        XCTAssertTrue(h.failed("down", now: t0))   // the first failure is the one to report
        XCTAssertFalse(h.failed("down", now: t0))
        XCTAssertEqual(h.waitBeforeAttempt(now: t0), 2, accuracy: 0.01)
        h.failed("down", now: t0)
        h.failed("down", now: t0)
        XCTAssertEqual(h.waitBeforeAttempt(now: t0), 4, accuracy: 0.01)  // capped
        XCTAssertEqual(h.snapshot.state, "degraded")
        XCTAssertTrue(h.succeeded(latencyMs: 12))
        XCTAssertEqual(h.waitBeforeAttempt(now: t0), 0)
        XCTAssertEqual(h.snapshot.state, "healthy")
        XCTAssertEqual(h.snapshot.failures, 4)
    }

    func testTheAPIKeyComesFromTheNamedVariableAndIsNotInTheBody() throws {
        setenv("QUORUM_TEST_KEY", "sekrit", 1)
        let config = RemoteEngineConfig(url: URL(string: "http://127.0.0.1:1")!, model: "m", apiKeyEnv: "QUORUM_TEST_KEY")
        XCTAssertEqual(config.apiKey, "sekrit")
        let client = RemoteCompletionClient(config: config)
        let body = String(decoding: try client.body(for: RemoteCompletionRequest(prompt: "<|fim_prefix|>x", maxTokens: 8)),
                          as: UTF8.self)
        XCTAssertFalse(body.contains("sekrit"))
        XCTAssertTrue(body.contains("\"prompt\":\"<|fim_prefix|>x\""))
        XCTAssertFalse("\(config)".contains("sekrit"))
    }

    func testAClosedPortIsReportedAsUnreachableOnceThenBacksOff() async throws {
        let client = RemoteCompletionClient(config: RemoteEngineConfig(url: URL(string: "http://127.0.0.1:9")!,
                                                                       connectTimeout: 2))
        do {
            _ = try await client.complete(RemoteCompletionRequest(prompt: "x", maxTokens: 1))
            XCTFail("expected a failure")
        } catch let error as RemoteEngineError {
            guard case .unreachable = error else { return XCTFail("\(error)") }
        }
        do {
            _ = try await client.complete(RemoteCompletionRequest(prompt: "x", maxTokens: 1))
            XCTFail("expected backoff")
        } catch let error as RemoteEngineError {
            guard case .backingOff = error else { return XCTFail("\(error)") }
        }
    }
}
