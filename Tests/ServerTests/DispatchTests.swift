import LanguageServerProtocol
import Server
import XCTest

final class DispatchTests: XCTestCase {
    func testRequestBeforeInitializeIsRejected() {
        let client = TestClient()
        XCTAssertEqual(client.request(1, "quorum/status")["error"]?["code"], -32002)
        _ = client.initialize()
        XCTAssertEqual(client.request(2, "quorum/status")["result"]?["state"], "running")
        XCTAssertEqual(client.request(3, "initialize", ["capabilities": [:]])["error"]?["code"], -32600)
    }

    func testInitializeAdvertisesNegotiatedEncoding() {
        let client = TestClient()
        let result = client.initialize(["capabilities": ["general": ["positionEncodings": ["utf-7", "utf-32", "utf-8"]]]])
        XCTAssertEqual(result["result"]?["capabilities"]?["positionEncoding"], "utf-32")
        XCTAssertEqual(result["result"]?["serverInfo"]?["name"], "quorum")
        XCTAssertEqual(result["result"]?["capabilities"]?["textDocumentSync"]?["change"], 2)
        let other = TestClient()
        XCTAssertEqual(other.initialize()["result"]?["capabilities"]?["positionEncoding"], "utf-16")
    }

    func testUnknownMethodsAndBadParams() {
        let client = TestClient()
        _ = client.initialize()
        client.notify("unknown/notification", [:])
        client.notify("$/unknown", [:])
        XCTAssertEqual(client.request(1, "unknown/request")["error"]?["code"], -32601)
        let bad = client.request(2, "quorum/positionInfo", ["textDocument": ["uri": "file:///x"]])
        XCTAssertEqual(bad["error"]?["code"], -32602)
        XCTAssertTrue(bad["error"]?["message"]?.stringValue?.contains("`params.position`") == true)
        // Nothing was answered for the notifications: the only responses are to requests 0, 1 and 2.
        XCTAssertEqual(client.messages.filter { $0["method"] == nil }.count, 3)
    }

    func testDebugSleepNeedsTheFlag() {
        let client = TestClient(debugRequests: false)
        _ = client.initialize()
        XCTAssertEqual(client.request(1, "quorum/debugSleep", ["ms": 1])["error"]?["code"], -32601)
    }

    func testSlowRequestDoesNotBlockAndCancellationStopsIt() {
        let client = TestClient()
        _ = client.initialize()
        client.start(10, "quorum/debugSleep", ["ms": 600_000])
        let status = client.request(11, "quorum/status")
        XCTAssertEqual(status["result"]?["requestsInFlight"], [10])
        client.notify("$/cancelRequest", ["id": 10])
        XCTAssertEqual(client.response(10)["error"]?["code"], -32800)
        XCTAssertEqual(client.request(12, "quorum/status")["result"]?["requestsInFlight"], [])
    }

    func testDocumentUpdatesAreSeenInOrder() {
        let client = TestClient()
        _ = client.initialize()
        let uri: LSPAny = "file:///w/a.py"
        client.notify("textDocument/didOpen", ["textDocument": ["uri": uri, "languageId": "python", "version": 1, "text": ""]])
        for version in 2...50 {
            client.notify("textDocument/didChange", [
                "textDocument": ["uri": uri, "version": .int(version)],
                "contentChanges": [["range": ["start": ["line": 0, "character": 0], "end": ["line": 0, "character": 0]],
                                    "text": "x"]]])
        }
        let info = client.request(1, "quorum/positionInfo", ["textDocument": ["uri": uri],
                                                             "position": ["line": 0, "character": 100]])
        XCTAssertEqual(info["result"]?["version"], 50)
        XCTAssertEqual(info["result"]?["utf8Offset"], 49)
        client.notify("textDocument/didClose", ["textDocument": ["uri": uri]])
        XCTAssertEqual(client.request(2, "quorum/status")["result"]?["documents"], [])
    }

    func testBadDocumentUpdatesAreLoggedAndServingContinues() {
        let client = TestClient()
        _ = client.initialize()
        client.notify("textDocument/didChange", ["textDocument": ["uri": "file:///closed", "version": 2],
                                                 "contentChanges": [["text": "x"]]])
        let log = client.waitFor("logMessage") { $0["method"] == "window/logMessage" }
        XCTAssertTrue(log?["params"]?["message"]?.stringValue?.contains("file:///closed") == true)
        let info = client.request(1, "quorum/positionInfo", ["textDocument": ["uri": "file:///closed"],
                                                             "position": ["line": 0, "character": 0]])
        XCTAssertEqual(info["error"]?["code"], -32602)
    }

    func testSettingProblemsAreShownOnce() {
        let client = TestClient()
        _ = client.initialize(["capabilities": [:], "initializationOptions": ["model": ["threads": "many"]]])
        client.notify("workspace/didChangeConfiguration", ["settings": ["model": ["threads": "many"]]])
        client.notify("workspace/didChangeConfiguration", ["settings": ["quorum": ["bogus": 1]]])
        _ = client.request(1, "quorum/status")
        // Without a model the session also gets the one "model completions are off" notice; not a setting problem.
        let shown = client.messages.filter { $0["method"] == "window/showMessage" }
            .compactMap { $0["params"]?["message"]?.stringValue }
            .filter { !$0.hasPrefix("Quorum: model completions are off") }
        XCTAssertEqual(shown.count, 2, "\(shown)")
        XCTAssertTrue(shown[0].contains("`model.threads`"))
        XCTAssertTrue(shown[1].contains("`bogus`"))
    }

    func testConfigurationIsPulledWhenSupported() {
        let client = TestClient()
        client.configuration = ["model": ["threads": 3]]
        _ = client.initialize(["capabilities": ["workspace": ["configuration": true]],
                               "initializationOptions": ["model": ["contextSize": 2048]]])
        _ = client.waitFor("configuration request") { $0["method"] == "workspace/configuration" }
        // The answer is applied when it arrives; ask until it shows (bounded, no sleeping).
        var settings: LSPAny?
        for id in 1...200 {
            settings = client.request(id, "quorum/status")["result"]?["settings"]
            if settings?["model"]?["threads"] == 3 { break }
        }
        XCTAssertEqual(settings?["model"]?["threads"], 3)
        XCTAssertEqual(settings?["model"]?["contextSize"], 2048)
    }

    func testShutdownThenExit() {
        let client = TestClient()
        _ = client.initialize()
        XCTAssertEqual(client.request(1, "shutdown")["result"], .null)
        XCTAssertEqual(client.request(2, "quorum/status")["error"]?["code"], -32600)
        client.notify("exit")
        XCTAssertEqual(client.closeInput(), 0)
        XCTAssertEqual(client.terminationCodes, [0])
    }

    func testExitWithoutShutdownAndEOF() {
        let client = TestClient()
        _ = client.initialize()
        client.notify("exit")
        XCTAssertEqual(client.closeInput(), 1)
        XCTAssertEqual(client.terminationCodes, [1])
        let other = TestClient()
        _ = other.initialize()
        XCTAssertEqual(other.closeInput(), 1)
    }

    func testWorkspaceRoots() {
        let client = TestClient()
        _ = client.initialize(["rootUri": "file:///a/b/", "capabilities": [:]])
        XCTAssertEqual(client.request(1, "quorum/status")["result"]?["workspaceFolders"],
                       [["uri": "file:///a/b/", "name": "b", "path": "/a/b"]])
        client.notify("workspace/didChangeWorkspaceFolders", ["event": [
            "added": [["uri": "file:///c%20d", "name": "cd"], ["uri": "file:///a/b", "name": "dup"]],
            "removed": []]])
        let folders = client.request(2, "quorum/status")["result"]?["workspaceFolders"]
        XCTAssertEqual(folders, [["uri": "file:///a/b/", "name": "b", "path": "/a/b"],
                                 ["uri": "file:///c%20d", "name": "cd", "path": "/c d"]])
        let pathOnly = TestClient()
        _ = pathOnly.initialize(["rootPath": "/p/q/", "capabilities": [:]])
        XCTAssertEqual(pathOnly.request(1, "quorum/status")["result"]?["workspaceFolders"]?.arrayCount, 1)
    }
}

extension LSPAny {
    var arrayCount: Int? {
        if case .array(let items) = self { return items.count }
        return nil
    }
}
