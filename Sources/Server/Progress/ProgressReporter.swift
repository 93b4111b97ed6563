import Foundation
import JSONRPC
import LanguageServerProtocol

/// Reports one piece of long work (indexing, model loading) to the client as work-done progress.
///
/// Get one from `LanguageServer.beginProgress(title:)` or use `withProgress(title:_:)`; call `report` as often as you
/// like and `end` once. When the client does not support progress, or refused the token, every call is a no-op,
/// so callers never need to check.
public final class ProgressReporter: @unchecked Sendable {
    private let token: ProgressToken?
    private weak var connection: Connection?
    private let lock = NSLock()
    private var ended = false
    private var lastPercentage = 0

    init(token: ProgressToken?, connection: Connection?) {
        self.token = token
        self.connection = connection
    }

    /// Whether messages really reach the client.
    public var isActive: Bool { token != nil }

    /// Sends a `report`. Percentages are clamped to 0…100 and never go backwards, as LSP requires.
    public func report(message: String? = nil, percentage: Int? = nil) {
        guard let token else { return }
        let value: WorkDoneProgress? = lock.withLock {
            guard !ended else { return nil }
            var clamped: Int?
            if let percentage {
                lastPercentage = max(lastPercentage, min(100, max(0, percentage)))
                clamped = lastPercentage
            }
            return .report(message: message, percentage: clamped)
        }
        if let value { connection?.send(ProgressNotification(token: token, value: value)) }
    }

    /// Sends the `end`; later calls and reports are ignored.
    public func end(message: String? = nil) {
        guard let token else { return }
        let first = lock.withLock { () -> Bool in
            defer { ended = true }
            return !ended
        }
        if first { connection?.send(ProgressNotification(token: token, value: .end(message: message))) }
    }
}

extension LanguageServer {
    /// Starts a work-done progress: creates a token with the client (`window/workDoneProgress/create`) and sends
    /// `begin`. Returns an inactive reporter when the client does not support progress or refuses.
    public func beginProgress(title: String, message: String? = nil) async -> ProgressReporter {
        let supported = lock.withLock { state.clientCapabilities.window?.workDoneProgress == true }
        guard supported, let connection else { return ProgressReporter(token: nil, connection: nil) }
        let token: ProgressToken = lock.withLock {
            defer { nextProgressNumber += 1 }
            return .string("quorum-progress-\(nextProgressNumber)")
        }
        do {
            _ = try await connection.send(CreateWorkDoneProgressRequest(token: token))
        } catch {
            logger.info("client refused progress token: \(describeError(error))")
            return ProgressReporter(token: nil, connection: nil)
        }
        connection.send(ProgressNotification(token: token, value: .begin(title: title, message: message, percentage: 0)))
        return ProgressReporter(token: token, connection: connection)
    }

    /// Runs `body` inside a progress that always ends, even when `body` throws or is cancelled.
    public func withProgress<T>(title: String, _ body: (ProgressReporter) async throws -> T) async rethrows -> T {
        let reporter = await beginProgress(title: title)
        defer { reporter.end() }
        return try await body(reporter)
    }
}
extension ProgressReporter: ProgressHandle {}
