import Foundation
import JSONRPC
import LanguageServerProtocol
import Server
import XCTest

/// An in-process client: a `LanguageServer` on its own thread, talking through two pipes.
/// It answers the server's own requests (configuration, registration, progress) like a cooperative editor.
final class TestClient: @unchecked Sendable {
    private let toServer = Pipe()
    private let fromServer = Pipe()
    let server: LanguageServer
    private let condition = NSCondition()
    private var received: [LSPAny] = []
    private var terminations: [Int32] = []
    private var runResult: Int32?
    /// What the client answers to `workspace/configuration`.
    var configuration: LSPAny = .null

    init(debugRequests: Bool = true) {
        let box = TerminationBox()
        server = LanguageServer(options: .init(debugRequests: debugRequests, terminate: { box.record($0) }))
        box.client = self
        let connection = Connection(input: toServer.fileHandleForReading.fileDescriptor,
                                    output: fromServer.fileHandleForWriting.fileDescriptor)
        Thread { [self] in
            let code = server.run(on: connection)
            condition.withLock { runResult = code; condition.broadcast() }
        }.start()
        Thread { [self] in readLoop() }.start()
    }

    fileprivate func recordTermination(_ code: Int32) {
        condition.withLock { terminations.append(code); condition.broadcast() }
    }

    private func readLoop() {
        var decoder = FrameDecoder()
        let handle = fromServer.fileHandleForReading
        while true {
            let data = handle.availableData
            if data.isEmpty { return }
            for case .message(let body) in decoder.push(data) {
                guard let message = try? JSONDecoder().decode(LSPAny.self, from: Data(body)) else { continue }
                answerServerRequest(message)
                condition.withLock { received.append(message); condition.broadcast() }
            }
        }
    }

    private func answerServerRequest(_ message: LSPAny) {
        guard let id = message["id"], let method = message["method"]?.stringValue else { return }
        let result: LSPAny = method == "workspace/configuration" ? [configuration] : .null
        send(["jsonrpc": "2.0", "id": id, "result": result])
    }

    func send(_ message: LSPAny) {
        sendRaw(Array((try? JSONEncoder().encode(message)) ?? Data()))
    }

    func sendRaw(_ body: [UInt8], framed: Bool = true) {
        toServer.fileHandleForWriting.write(Data(framed ? frame(body) : body))
    }

    func notify(_ method: String, _ params: LSPAny? = nil) {
        var message: [String: LSPAny] = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { message["params"] = params }
        send(.object(message))
    }

    /// Sends a request without waiting.
    func start(_ id: Int, _ method: String, _ params: LSPAny? = nil) {
        var message: [String: LSPAny] = ["jsonrpc": "2.0", "id": .int(id), "method": .string(method)]
        if let params { message["params"] = params }
        send(.object(message))
    }

    /// Sends a request and waits for its response.
    @discardableResult
    func request(_ id: Int, _ method: String, _ params: LSPAny? = nil) -> LSPAny {
        start(id, method, params)
        return response(id)
    }

    /// The response with this id, waiting up to a generous bound (a hang fails instead of blocking the suite).
    func response(_ id: Int) -> LSPAny {
        waitFor("response \(id)") { $0["id"] == .int(id) && $0["method"] == nil } ?? .null
    }

    /// Waits for the first received message matching `predicate`.
    func waitFor(_ what: String, _ predicate: (LSPAny) -> Bool) -> LSPAny? {
        let deadline = Date().addingTimeInterval(20)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let match = received.first(where: predicate) { return match }
            if !condition.wait(until: deadline) {
                XCTFail("timed out waiting for \(what); received \(received)")
                return nil
            }
        }
    }

    /// Every message received so far.
    var messages: [LSPAny] { condition.withLock { received } }

    /// Statuses passed to `terminate` so far.
    var terminationCodes: [Int32] { condition.withLock { terminations } }

    func initialize(_ params: LSPAny = ["processId": nil, "rootUri": nil, "capabilities": [:]]) -> LSPAny {
        let result = request(0, "initialize", params)
        notify("initialized", [:])
        return result
    }

    /// Closes the server's input and returns what `run` returned.
    func closeInput() -> Int32? {
        toServer.fileHandleForWriting.closeFile()
        let deadline = Date().addingTimeInterval(20)
        condition.lock()
        defer { condition.unlock() }
        while runResult == nil { if !condition.wait(until: deadline) { return nil } }
        return runResult
    }
}

private final class TerminationBox: @unchecked Sendable {
    weak var client: TestClient?
    func record(_ code: Int32) { client?.recordTermination(code) }
}
