import Base
import Foundation
import LanguageServerProtocol
import Logging

/// Receives the peer's requests and notifications, one at a time, on the connection's reader thread,
/// in the order they arrived. Whatever it does synchronously happens before the next message is read:
/// that is how the server keeps document updates in order.
public protocol MessageHandler: AnyObject {
    func handle(_ message: IncomingMessage, from connection: Connection)
}

/// A JSON-RPC 2.0 connection over two file descriptors with LSP framing.
///
/// Reading is a blocking loop (`run`); writing is thread-safe and may happen from any task.
/// Protocol errors that need no knowledge of methods (bad framing, bad JSON, non-requests) are answered here.
public final class Connection: @unchecked Sendable {
    private let input: Int32
    private let output: Int32
    private let logger = QuorumLog.logger("jsonrpc")
    private var decoder: FrameDecoder

    private let writeLock = NSLock()
    private var outputBroken = false

    private let pendingLock = NSLock()
    private var pending: [RequestID: CheckedContinuation<LSPAny, Error>] = [:]
    private var nextRequestNumber = 1
    private var closed = false

    /// - Parameters:
    ///   - input: where messages are read from (stdin for `quorum lsp`).
    ///   - output: where messages are written (stdout). Nothing else may write there.
    ///   - maxContentLength: bodies announced larger than this are refused without being allocated.
    public init(input: Int32, output: Int32, maxContentLength: Int = 64 << 20) {
        self.input = input
        self.output = output
        self.decoder = FrameDecoder(maxContentLength: maxContentLength)
    }

    /// Reads until end of input, handing each request and notification to `handler`. Returns at EOF.
    public func run(handler: MessageHandler) {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                logger.error("reading input failed: \(String(cString: strerror(errno))); closing")
                break
            }
            if count == 0 { break }
            decoder.append(chunk[0..<count])
            // One event at a time, so a handler's inline work and any resynchronisation happen between frames.
            while let event = decoder.next() {
                switch event {
                case .message(let body):
                    process(body, handler: handler)
                case .error(let error):
                    logger.error("framing: \(error)")
                    // No id can be known from a broken header; JSON-RPC says to answer with a null id.
                    let code = if case .tooLarge = error { ResponseError.invalidRequestCode } else { ResponseError.parseErrorCode }
                    sendError(id: nil, ResponseError(code: code, message: "\(error)"))
                }
            }
        }
        failPendingRequests()
    }

    private func process(_ body: [UInt8], handler: MessageHandler) {
        switch IncomingMessage.parse(body) {
        case .success(.response(let id, let result)):
            resolve(id, with: result)
        case .success(let message):
            handler.handle(message, from: self)
        case .failure(let failure):
            logger.error("bad message: \(failure.error.message)")
            sendError(id: failure.id, failure.error)
            if failure.error.code == ResponseError.parseErrorCode,
               let start = FrameDecoder.embeddedHeaderStart(in: body) {
                // The peer announced more bytes than it sent, so this body swallowed the start of the next
                // message; give those bytes back so that message is still read.
                logger.info("resynchronising at a header found inside the bad body")
                decoder.pushFront(Array(body[start...]))
            }
        }
    }

    // MARK: Writing

    /// Sends a notification.
    public func send<Notification: NotificationType>(_ notification: Notification) {
        write(OutgoingNotification(method: Notification.method, params: notification))
    }

    /// Answers a request with a result.
    public func reply<Response: ResponseType>(to id: RequestID, with result: Response) {
        // Large results (outlines, symbol and location lists) write their own JSON: see `JSONWritable`.
        if let writable = result as? any JSONWritable {
            var out = JSONOutput(reservingCapacity: 4096)
            out.raw("{\"jsonrpc\":\"2.0\",\"id\":"); out.value(id); out.raw(",\"result\":"); out.value(writable); out.raw("}")
            writeBody(out.bytes)
            return
        }
        write(OutgoingResponse(id: id, result: result))
    }

    /// Answers a request (or, with a `nil` id, an unidentifiable message) with an error.
    public func sendError(id: RequestID?, _ error: ResponseError) {
        write(OutgoingError(id: id, error: error))
    }

    /// Sends a request to the peer and waits for its answer; throws the peer's `ResponseError`,
    /// or `CancellationError` if the connection closes first.
    public func send<Request: RequestType>(_ request: Request) async throws -> Request.Response {
        let id: RequestID = pendingLock.withLock {
            defer { nextRequestNumber += 1 }
            return .string("quorum-\(nextRequestNumber)")
        }
        let result: LSPAny = try await withCheckedThrowingContinuation { continuation in
            let accepted = pendingLock.withLock { () -> Bool in
                guard !closed else { return false }
                pending[id] = continuation
                return true
            }
            guard accepted else {
                continuation.resume(throwing: CancellationError())
                return
            }
            write(OutgoingRequest(id: id, method: Request.method, params: request))
        }
        do {
            return try result.decode(Request.Response.self)
        } catch let error as DecodingError {
            throw ResponseError.internalError("client answered \(Request.method) with an unexpected result: \(describe(error))")
        }
    }

    private func resolve(_ id: RequestID, with result: Result<LSPAny, ResponseError>) {
        let continuation = pendingLock.withLock { pending.removeValue(forKey: id) }
        guard let continuation else {
            logger.warning("response to unknown request \(id) ignored")
            return
        }
        switch result {
        case .success(let value): continuation.resume(returning: value)
        case .failure(let error): continuation.resume(throwing: error)
        }
    }

    private func failPendingRequests() {
        let waiting = pendingLock.withLock { () -> [CheckedContinuation<LSPAny, Error>] in
            closed = true
            defer { pending.removeAll() }
            return Array(pending.values)
        }
        for continuation in waiting { continuation.resume(throwing: CancellationError()) }
    }

    private func write<Message: Encodable>(_ message: Message) {
        let body: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            body = try encoder.encode(message)
        } catch {
            logger.error("could not encode an outgoing message: \(error)")
            return
        }
        writeBody(Array(body))
    }

    /// Writes one framed message whose body is ready.
    private func writeBody(_ body: [UInt8]) {
        let bytes = frame(body)
        writeLock.lock()
        defer { writeLock.unlock() }
        guard !outputBroken else { return }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Foundation.write(output, base + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                // The client is gone (EPIPE); reading will hit EOF and end the session.
                logger.error("writing output failed: \(String(cString: strerror(errno)))")
                outputBroken = true
                return
            }
            offset += written
        }
    }
}
