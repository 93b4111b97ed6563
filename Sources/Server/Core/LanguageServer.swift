import Base
import Foundation
import IDE
import JSONRPC
import LanguageServerProtocol
import Logging

/// The Quorum language server: lifecycle, document sync, settings and the dispatch of every message.
///
/// Threading: `handle(_:from:)` runs on the connection's reader thread, one message at a time. All mutable state
/// lives in `state` behind `lock`; requests run as tasks on a snapshot of it (see `ConcurrencyClass`).
public final class LanguageServer: MessageHandler, @unchecked Sendable {
    /// How the server is set up by its host (the CLI or a test).
    public struct Options: Sendable {
        /// Enables `quorum/debugSleep` (the CLI sets it from `QUORUM_DEBUG_REQUESTS=1`).
        public var debugRequests: Bool
        /// How often the client's process is checked for liveness.
        public var parentPollInterval: TimeInterval
        /// Ends the process with a status. The CLI passes `exit`; tests record the status instead.
        public var terminate: @Sendable (Int32) -> Void

        public init(debugRequests: Bool = false, parentPollInterval: TimeInterval = 1,
                    terminate: @escaping @Sendable (Int32) -> Void = { Foundation.exit($0) }) {
            self.debugRequests = debugRequests
            self.parentPollInterval = parentPollInterval
            self.terminate = terminate
        }
    }

    public let options: Options
    let logger = QuorumLog.logger("server")
    let lock = NSLock()
    /// Guarded by `lock`.
    var state = ServerState()
    /// Guarded by `lock`. Running requests, for `$/cancelRequest` and status.
    var inFlight: [RequestID: Task<Void, Never>] = [:]
    /// Guarded by `lock`. Set once `exit` was handled; later messages are dropped.
    var exited = false
    /// Guarded by `lock`.
    var nextProgressNumber = 1
    /// Set by `run(on:)` before the first message is handled, never changed after; an implicitly unwrapped
    /// optional because handlers only ever run inside `run(on:)`.
    private(set) var connection: Connection!
    /// Guarded by `lock`.
    var parentWatcher: ParentProcessWatcher?
    /// The completion backend and its counters; it has its own lock.
    let assistant = Assistant()
    /// The workspace index; it has its own lock and edit queue.
    let indexHost = IndexHost()

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Serves `connection` until its input ends, and returns the exit status: 0 after `shutdown`, 1 otherwise.
    public func run(on connection: Connection) -> Int32 {
        self.connection = connection
        connection.run(handler: self)
        let code: Int32 = lock.withLock {
            for task in inFlight.values { task.cancel() }
            return state.shutdownReceived ? 0 : 1
        }
        logger.info("input closed; exiting with status \(code)")
        lock.withLock { parentWatcher }?.stop()
        return code
    }

    /// The state now; tests and handlers that need a fresh view use it.
    public var currentState: ServerState { lock.withLock { state } }

    // MARK: Messages to the client

    /// Sends `window/logMessage` and writes the same line to the server log.
    public func logToClient(_ type: WindowMessageType, _ message: String) {
        switch type {
        case .error: logger.error("\(message)")
        case .warning: logger.warning("\(message)")
        default: logger.info("\(message)")
        }
        connection?.send(LogMessageNotification(type: type, message: message))
    }

    /// Sends `window/showMessage`: for things the user must act on, like a misspelt setting.
    public func showMessage(_ type: WindowMessageType, _ message: String) {
        logger.notice("showMessage: \(message)")
        connection?.send(ShowMessageNotification(type: type, message: message))
    }

    /// Sends `$/logTrace` when the client asked for traces.
    func trace(_ message: @autoclosure () -> String, verbose: @autoclosure () -> String?) {
        let level = lock.withLock { state.lifecycle == .running ? state.trace : .off }
        guard level != .off else { return }
        connection?.send(LogTraceNotification(message: message(), verbose: level == .verbose ? verbose() : nil))
    }

    // MARK: Incoming messages

    public func handle(_ message: IncomingMessage, from connection: Connection) {
        if lock.withLock({ exited }) { return }
        switch message {
        case .request(let id, let method, let params):
            trace("Received request '\(method) - (\(id))'.", verbose: params.map(jsonText))
            handleRequest(id: id, method: method, params: params)
        case .notification(let method, let params):
            if !method.hasPrefix("$/") {
                trace("Received notification '\(method)'.", verbose: params.map(jsonText))
            }
            handleNotification(method: method, params: params)
        case .response:
            break  // The connection resolves responses itself.
        }
    }

    private func handleRequest(id: RequestID, method: String, params: LSPAny?) {
        let lifecycle = lock.withLock { state.lifecycle }
        switch lifecycle {
        case .uninitialized where method != InitializeRequest.method:
            connection.sendError(id: id, .serverNotInitialized)
            return
        case .running where method == InitializeRequest.method:
            connection.sendError(id: id, .invalidRequest("initialize may only be sent once"))
            return
        case .shutDown:
            connection.sendError(id: id, .invalidRequest("server is shut down; only the exit notification is accepted"))
            return
        default:
            break
        }
        guard let route = route(for: method), route.isRequest else {
            connection.sendError(id: id, .methodNotFound(method))
            return
        }
        route.execute(self, id, params)
    }

    private func handleNotification(method: String, params: LSPAny?) {
        let lifecycle = lock.withLock { state.lifecycle }
        if method != ExitNotification.method {
            if lifecycle == .uninitialized {
                logger.warning("notification \(method) before initialize ignored")
                return
            }
            if lifecycle == .shutDown {
                logger.warning("notification \(method) after shutdown ignored")
                return
            }
        }
        guard let route = route(for: method), !route.isRequest else {
            // Unknown notifications must be ignored; `$/` ones are optional by definition, so not even logged.
            if !method.hasPrefix("$/") { logger.info("unknown notification \(method) ignored") }
            return
        }
        route.execute(self, nil, params)
    }

    /// A copy of the state for a request, with the ids of requests running at this moment.
    func snapshot() -> ServerState {
        lock.withLock {
            var copy = state
            copy.requestsInFlight = inFlight.keys.sorted { $0.description < $1.description }
            return copy
        }
    }
}

/// Compact JSON of a value, for traces and logs.
func jsonText(_ value: LSPAny) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
}
