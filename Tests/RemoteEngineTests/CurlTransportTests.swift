import Foundation
import XCTest
@testable import RemoteEngine

/// The libcurl transport against a scripted HTTP server on loopback, where the test decides every TCP write and
/// sees when the client closes the connection.
final class CurlTransportTests: XCTestCase {
    func client(_ server: ScriptedHTTPServer, apiKeyEnv: String? = nil,
                requestTimeout: Double = 10) -> RemoteCompletionClient {
        RemoteCompletionClient(config: RemoteEngineConfig(url: URL(string: "http://127.0.0.1:\(server.port)")!,
                                                          apiKeyEnv: apiKeyEnv, connectTimeout: 2,
                                                          requestTimeout: requestTimeout))
    }

    func testAStreamSplitAcrossTCPWritesArrivesWholeWithTheRequestAsSent() async throws {
        let server = try ScriptedHTTPServer { connection in
            connection.send("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")
            // Events cut inside their JSON and between the two newlines that end them.
            for chunk in ["data: {\"choices\":[{\"te", "xt\":\"Hel\"}]}\n\ndata: {\"choices\":[{\"text\":\"lo\"}]}\n",
                          "\ndata: {\"choices\":[{\"text\":\" world\",\"finish_reason\":\"stop\"}]}\n\n",
                          "data: [DONE]\n\n"] {
                Thread.sleep(forTimeInterval: 0.03)
                connection.send(chunk)
            }
        }
        defer { server.stop() }
        setenv("QUORUM_TEST_CURL_KEY", "curl-secret", 1)
        let c = client(server, apiKeyEnv: "QUORUM_TEST_CURL_KEY")
        // Longer than 1 KB: curl would otherwise ask for `100 Continue` first.
        let request = RemoteCompletionRequest(prompt: String(repeating: "x = 1\n", count: 400), maxTokens: 8)
        let pieces = PieceLog()
        let result = try await c.complete(request) { pieces.append($0); return true }
        XCTAssertEqual(result.text, "Hello world")
        XCTAssertEqual(pieces.count, 3)
        XCTAssertEqual(result.finishReason, "stop")
        XCTAssertNotNil(result.firstTokenMs)
        XCTAssertEqual(c.health.snapshot.state, "healthy")

        let received = try XCTUnwrap(server.waitForRequests(1).first)
        XCTAssertTrue(received.head.hasPrefix("POST /v1/completions HTTP/1.1\r\n"), received.head)
        XCTAssertTrue(received.head.contains("\r\nContent-Type: application/json\r\n"))
        XCTAssertTrue(received.head.contains("\r\nAccept: text/event-stream\r\n"))
        XCTAssertTrue(received.head.contains("\r\nAuthorization: Bearer curl-secret\r\n"))
        XCTAssertFalse(received.head.lowercased().contains("expect:"))
        XCTAssertEqual(received.body, try c.body(for: request))
    }

    func testAnHTTPErrorCarriesItsBodyUpTo4KB() async throws {
        let message = "{\"error\":{\"message\":\"model not loaded\"}}"
        let long = String(repeating: "e", count: 10_000)
        let server = try ScriptedHTTPServer { connection in
            let body = connection.index == 0 ? message : long
            connection.send("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body)
        }
        defer { server.stop() }
        let c = client(server)
        do {
            _ = try await c.complete(RemoteCompletionRequest(prompt: "x", maxTokens: 1))
            XCTFail("expected an HTTP error")
        } catch let RemoteEngineError.httpStatus(url, status, body) {
            XCTAssertEqual(url, "http://127.0.0.1:\(server.port)/v1/completions")
            XCTAssertEqual(status, 500)
            XCTAssertEqual(body, message)
        }
        XCTAssertEqual(c.health.snapshot.state, "degraded")
        do {
            _ = try await client(server).complete(RemoteCompletionRequest(prompt: "x", maxTokens: 1))
            XCTFail("expected an HTTP error")
        } catch let RemoteEngineError.httpStatus(_, status, body) {
            XCTAssertEqual(status, 500)
            XCTAssertEqual(body, String(long.prefix(4096)))
        }
    }

    func testASilentServerTimesOutAndTheConnectionIsClosed() async throws {
        let server = try ScriptedHTTPServer { connection in
            connection.closedByPeer = connection.waitForPeerClose(seconds: 10)
        }
        defer { server.stop() }
        let started = Date()
        do {
            _ = try await client(server, requestTimeout: 0.5)
                .complete(RemoteCompletionRequest(prompt: "x", maxTokens: 1))
            XCTFail("expected a timeout")
        } catch let RemoteEngineError.timedOut(_, seconds) {
            XCTAssertGreaterThanOrEqual(seconds, 0.45)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertEqual(server.waitForConnections(1).first?.closedByPeer, true)
    }

    func testStoppingFromOnTextClosesTheConnection() async throws {
        let server = try ScriptedHTTPServer { connection in
            connection.send("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")
            for i in 0..<200 {
                connection.send("data: {\"choices\":[{\"text\":\"t\(i) \"}]}\n\n")
                if connection.waitForPeerClose(seconds: 0.02) {
                    connection.closedByPeer = true
                    connection.eventsSent = i + 1
                    return
                }
            }
        }
        defer { server.stop() }
        let pieces = PieceLog()
        let result = try await client(server).complete(RemoteCompletionRequest(prompt: "x", maxTokens: 200)) {
            pieces.append($0)
            return pieces.count < 2
        }
        XCTAssertEqual(result.finishReason, "cancelled")
        XCTAssertEqual(result.text, "t0 t1 ")
        let connection = try XCTUnwrap(server.waitForConnections(1).first)
        XCTAssertTrue(connection.closedByPeer, "the client kept the connection open")
        XCTAssertLessThan(connection.eventsSent, 100, "the server sent most of its 200 events before the client closed")
    }

    func testCancellingTheTaskClosesASilentConnection() async throws {
        let server = try ScriptedHTTPServer { connection in
            connection.closedByPeer = connection.waitForPeerClose(seconds: 10)
        }
        defer { server.stop() }
        let c = client(server)
        let task = Task { try await c.complete(RemoteCompletionRequest(prompt: "x", maxTokens: 1)) }
        try await Task.sleep(nanoseconds: 100_000_000)
        let cancelled = Date()
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("expected a cancellation")
        } catch let error as RemoteEngineError {
            XCTAssertEqual(error, .cancelled)
        }
        // libcurl asks whether to abort about once a second while the server is silent.
        XCTAssertLessThan(Date().timeIntervalSince(cancelled), 5, "far longer than libcurl's once-a-second check")
        XCTAssertEqual(server.waitForConnections(1).first?.closedByPeer, true)
        XCTAssertEqual(c.health.snapshot.failures, 0)
    }

    func testNoServerIsUnreachableWithCurlsReason() async throws {
        // A port that was just free: bound by the scripted server, then closed.
        let server = try ScriptedHTTPServer { _ in }
        server.stop()
        do {
            _ = try await client(server).complete(RemoteCompletionRequest(prompt: "x", maxTokens: 1))
            XCTFail("expected the closed port to be unreachable")
        } catch let RemoteEngineError.unreachable(_, reason) {
            XCTAssertTrue(reason.contains("onnect"), reason)  // curl: "Failed to connect to 127.0.0.1 port ..."
        }
    }
}
