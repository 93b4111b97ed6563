import Foundation
import IDE
import JSONRPC
import LanguageServerProtocol

/// How one method is handled: its concurrency class and a type-erased entry point.
///
/// Built by the generic factories below from a typed handler, so handlers never see untyped JSON.
struct Route {
    let concurrency: ConcurrencyClass
    let isRequest: Bool
    /// Called on the reader thread with the request id (`nil` for notifications) and raw params.
    let execute: (LanguageServer, RequestID?, LSPAny?) -> Void

    /// A state update (notification), applied inline. Thrown errors are logged and shown in the client's log,
    /// since a notification has no answer.
    static func update<N: NotificationType>(
        _ type: N.Type, _ handler: @escaping (LanguageServer) -> (N) throws -> Void
    ) -> Route {
        Route(concurrency: .update, isRequest: false) { server, _, params in
            do {
                try handler(server)(try decodeParams(N.self, from: params))
            } catch {
                server.logToClient(.error, "\(N.method) ignored: \(describeError(error))")
            }
        }
    }

    /// A lifecycle request, answered inline before the next message is read.
    static func serial<R: RequestType>(
        _ type: R.Type, _ handler: @escaping (LanguageServer) -> (R) throws -> R.Response
    ) -> Route {
        Route(concurrency: .serial, isRequest: true) { server, id, params in
            guard let id else { return }
            do {
                let response = try handler(server)(try decodeParams(R.self, from: params))
                server.connection.reply(to: id, with: response)
            } catch {
                server.connection.sendError(id: id, responseError(for: error))
            }
        }
    }

    /// A request answered only after every request that arrived before it has finished (shutdown).
    /// Its handler runs inline, like `serial`; only the answer waits.
    static func barrier<R: RequestType>(
        _ type: R.Type, _ handler: @escaping (LanguageServer) -> (R) throws -> R.Response
    ) -> Route {
        Route(concurrency: .serial, isRequest: true) { server, id, params in
            guard let id else { return }
            do {
                let response = try handler(server)(try decodeParams(R.self, from: params))
                let earlier = server.lock.withLock { Array(server.inFlight.values) }
                Task {
                    for task in earlier { await task.value }
                    server.connection.reply(to: id, with: response)
                }
            } catch {
                server.connection.sendError(id: id, responseError(for: error))
            }
        }
    }

    /// A request on one document: it gets a snapshot of that document as of its arrival.
    static func document<R: TextDocumentRequest>(
        _ type: R.Type,
        _ handler: @escaping (LanguageServer) -> (R, DocumentSnapshot, RequestContext) async throws -> R.Response
    ) -> Route {
        Route(concurrency: .documentRequest, isRequest: true) { server, id, params in
            guard let id else { return }
            server.startRequest(R.self, id: id, params: params) { request, context in
                let document: TextDocument
                do {
                    document = try context.state.documents.document(request.textDocument.uri)
                } catch let error as DocumentError {
                    throw ResponseError.invalidParams("\(error)")
                }
                let snapshot = DocumentSnapshot(document: document, encoding: context.state.encoding)
                return try await handler(server)(request, snapshot, context)
            }
        }
    }

    /// A request on the whole workspace: it gets a snapshot of all state as of its arrival.
    static func workspace<R: RequestType>(
        _ type: R.Type, _ handler: @escaping (LanguageServer) -> (R, RequestContext) async throws -> R.Response
    ) -> Route {
        Route(concurrency: .workspaceRequest, isRequest: true) { server, id, params in
            guard let id else { return }
            server.startRequest(R.self, id: id, params: params) { request, context in
                try await handler(server)(request, context)
            }
        }
    }

    /// A request that needs no state; it still gets the snapshot, which is cheap (copy-on-write).
    static func freestanding<R: RequestType>(
        _ type: R.Type, _ handler: @escaping (LanguageServer) -> (R, RequestContext) async throws -> R.Response
    ) -> Route {
        Route(concurrency: .freestanding, isRequest: true) { server, id, params in
            guard let id else { return }
            server.startRequest(R.self, id: id, params: params) { request, context in
                try await handler(server)(request, context)
            }
        }
    }
}

extension LanguageServer {
    /// Decodes params and takes the snapshot inline, then runs `body` as a cancellable task registered under `id`.
    func startRequest<R: RequestType>(
        _ type: R.Type, id: RequestID, params: LSPAny?,
        body: @escaping @Sendable (R, RequestContext) async throws -> R.Response
    ) {
        let request: R
        do {
            request = try decodeParams(R.self, from: params)
        } catch {
            connection.sendError(id: id, responseError(for: error))
            return
        }
        let context = RequestContext(id: id, state: snapshot())
        lock.lock()
        defer { lock.unlock() }
        guard inFlight[id] == nil else {
            connection.sendError(id: id, .invalidRequest("request id \(id) is already in use by a running request"))
            return
        }
        // Created under the lock, so the task's own removal (which takes the lock) cannot run before this insertion.
        inFlight[id] = Task { [self] in
            let outcome: Result<R.Response, ResponseError>
            do {
                // A handler that finished despite a cancellation still answers with its result, as LSP allows;
                // one that stopped at a cancellation point throws and answers -32800.
                outcome = .success(try await body(request, context))
            } catch {
                outcome = .failure(Task.isCancelled ? .cancelled : responseError(for: error))
            }
            // Leave the in-flight table before answering: once the client has the answer, the work is over.
            lock.withLock { _ = inFlight.removeValue(forKey: id) }
            switch outcome {
            case .success(let response): connection.reply(to: id, with: response)
            case .failure(let error): connection.sendError(id: id, error)
            }
        }
    }

    /// Cancels a running request; its task answers -32800 once it has stopped.
    func cancel(_ id: RequestID) {
        let task = lock.withLock { inFlight[id] }
        task?.cancel()
    }
}

/// The JSON-RPC error for anything a handler throws.
func responseError(for error: Error) -> ResponseError {
    switch error {
    case let error as ResponseError: return error
    case is CancellationError: return .cancelled
    case let error as DocumentError: return .invalidParams("\(error)")
    case let error as DecodingError: return .invalidParams(describe(error))
    default: return .internalError("\(error)")
    }
}

/// A sentence for logs.
func describeError(_ error: Error) -> String {
    if let error = error as? ResponseError { return error.message }
    return "\(error)"
}
