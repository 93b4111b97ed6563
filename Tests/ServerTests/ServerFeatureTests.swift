import LanguageServerProtocol
import Server
import XCTest

/// Server behaviour beyond dispatch: traces, progress, dynamic registration, and resynchronisation on bad frames.
final class ServerFeatureTests: XCTestCase {
    func testTraceFollowsSetTrace() {
        let client = TestClient()
        _ = client.initialize(["capabilities": [:], "trace": "messages"])
        client.request(1, "quorum/status")
        client.notify("$/setTrace", ["value": "off"])
        client.request(2, "quorum/status")
        let traces = client.messages.filter { $0["method"] == "$/logTrace" }
        XCTAssertEqual(traces.count, 2, "\(traces)")  // initialized and request 1; nothing after "off".
        XCTAssertTrue(traces.contains { $0["params"]?["message"]?.stringValue?.contains("quorum/status") == true })
        XCTAssertTrue(traces.allSatisfy { $0["params"]?["verbose"] == nil })
    }

    func testProgressWhenSupported() {
        let client = TestClient()
        _ = client.initialize(["capabilities": ["window": ["workDoneProgress": true]]])
        XCTAssertEqual(client.request(1, "quorum/debugSleep", ["ms": 20, "progress": true])["result"]?["sleptMs"], 20)
        let create = client.waitFor("create") { $0["method"] == "window/workDoneProgress/create" }
        let token = create?["params"]?["token"]
        let kinds = client.messages.filter { $0["method"] == "$/progress" && $0["params"]?["token"] == token }
            .compactMap { $0["params"]?["value"]?["kind"]?.stringValue }
        XCTAssertEqual(kinds.first, "begin")
        XCTAssertEqual(kinds.last, "end")
        XCTAssertEqual(kinds.filter { $0 == "end" }.count, 1)
    }

    func testWatchersRegisteredOnlyWithDynamicRegistration() {
        let client = TestClient()
        _ = client.initialize(["capabilities": ["workspace": ["didChangeWatchedFiles": ["dynamicRegistration": true]]]])
        let registration = client.waitFor("registration") { $0["method"] == "client/registerCapability" }
        XCTAssertEqual(registration?["params"]?["registrations"],
                       [["id": "quorum-watched-files", "method": "workspace/didChangeWatchedFiles",
                         "registerOptions": ["watchers": [["globPattern": "**/*"]]]]])
        client.notify("workspace/didChangeWatchedFiles", ["changes": [["uri": "file:///a", "type": 1],
                                                                      ["uri": "file:///b", "type": 3]]])
        XCTAssertEqual(client.request(1, "quorum/status")["result"]?["watchedFileEvents"], 2)

        let plain = TestClient()
        _ = plain.initialize()
        plain.request(1, "quorum/status")
        XCTAssertFalse(plain.messages.contains { $0["method"] == "client/registerCapability" })
    }

    func testTruncatedBodyDoesNotSwallowTheNextMessage() {
        let client = TestClient()
        _ = client.initialize()
        client.sendRaw(Array("Content-Length: 80\r\n\r\n{\"jsonrpc\":".utf8), framed: false)
        client.start(7, "quorum/status")
        XCTAssertEqual(client.response(7)["result"]?["state"], "running")
        let parseError = client.messages.first { $0["error"]?["code"] == -32700 }
        XCTAssertEqual(parseError?["id"], .null)
    }

    func testOversizedMessageIsSkipped() {
        let client = TestClient()
        _ = client.initialize()
        client.sendRaw(Array("Content-Length: 999999999999\r\n\r\n{}".utf8), framed: false)
        XCTAssertEqual(client.request(3, "quorum/status")["result"]?["state"], "running")
        XCTAssertTrue(client.messages.contains { $0["error"]?["code"] == -32600 && $0["id"] == .null })
    }
}
