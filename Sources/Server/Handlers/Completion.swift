import Foundation
import IDE
import Syntax
import LanguageServerProtocol

extension LanguageServer {
    /// The backend configuration the settings ask for.
    func backendConfiguration(_ s: Settings) -> BackendConfiguration {
        BackendConfiguration(modelPath: s.model.path, contextSize: s.model.contextSize, threads: s.effectiveThreads,
                             cacheDir: s.cacheDir, engineURL: s.engine.url, engineModel: s.engine.model,
                             engineAPIKeyEnv: s.engine.apiKeyEnv, engineTimeout: s.engine.timeout,
                             engineUseInfill: s.engine.useInfill)
    }

    /// Called whenever the effective settings may have changed.
    func settingsDidChange() {
        let settings = currentState.settings
        assistant.configure(backendConfiguration(settings), progress: { [weak self] title in
            await self?.beginProgress(title: title)
        }, message: { [weak self] text in
            self?.showMessage(.warning, text)
        })
    }

    func inlineCompletion(_ request: InlineCompletionRequest, _ document: DocumentSnapshot,
                          _ context: RequestContext) async throws -> InlineCompletionList {
        let offset = try document.utf8Offset(of: request.position)
        guard let outcome = try await runCompletion(document, offset: offset, mode: nil, context: context) else {
            return InlineCompletionList(items: [])
        }
        let here = LSPRange(start: request.position, end: request.position)
        return InlineCompletionList(items: outcome.candidates.map { InlineCompletionItem(insertText: $0.text, range: here) })
    }

    func completion(_ request: CompletionRequest, _ document: DocumentSnapshot,
                    _ context: RequestContext) async throws -> CompletionList {
        let offset = try document.utf8Offset(of: request.position)
        var items: [CompletionItem] = []
        // Symbols from the index first: they are cheap and exact.
        if let path = LanguageServer.path(ofURI: document.uri), let index = indexHost.current {
            await indexHost.drain()
            var start = offset
            let bytes = document.document.bytes
            while start > 0, bytes[start - 1] == 95 || (bytes[start - 1] | 0x20 >= 97 && bytes[start - 1] | 0x20 <= 122)
                || (bytes[start - 1] >= 48 && bytes[start - 1] <= 57) { start -= 1 }
            let wordRange = document.range(ofUTF8Range: start..<offset)
            for (i, c) in SymbolCompletion.candidates(index: index, path: path, text: bytes, offset: offset).enumerated() {
                var extra: [TextEdit]?
                if let line = c.importLine, let at = c.importOffset {
                    let p = document.position(ofUTF8Offset: at)
                    extra = [TextEdit(range: LSPRange(start: p, end: p), newText: line)]
                }
                items.append(CompletionItem(label: c.name, kind: LanguageServer.completionKind(c.kind),
                                            detail: c.source == .importable ? "import from \(c.definedIn)" : c.definedIn,
                                            sortText: "1\(c.source == .importable ? "9" : "0")\(String(format: "%04d", i))",
                                            filterText: c.name, textEdit: TextEdit(range: wordRange, newText: c.name),
                                            additionalTextEdits: extra))
            }
        }
        if let outcome = try await runCompletion(document, offset: offset, mode: .singleLine, context: context) {
            let here = LSPRange(start: request.position, end: request.position)
            for (i, candidate) in outcome.candidates.enumerated() {
                let firstLine = candidate.text.prefix { $0 != "\n" }
                items.append(CompletionItem(label: String(firstLine), kind: 1, detail: "Quorum model suggestion",
                                            sortText: "0\(i)", filterText: nil,
                                            textEdit: TextEdit(range: here, newText: candidate.text)))
            }
        }
        return CompletionList(isIncomplete: true, items: items)
    }

    func stats(_ request: StatsRequest, _ context: RequestContext) async throws -> StatsResponse {
        let a = assistant
        var health: LSPAny?
        if let snapshot = a.remoteHealth, let data = try? JSONEncoder().encode(AnyEncodable(snapshot)) {
            health = try? JSONDecoder().decode(LSPAny.self, from: data)
        }
        let backend = a.current?.backend
        var response = StatsResponse(completions: a.completions, completionsCancelled: a.cancelled, completionsStale: a.stale,
                             tokensReusedMemory: a.reusedMemory, tokensReusedDisk: a.reusedDisk,
                             tokensComputed: a.computed, tokensGenerated: a.generated,
                             backend: backend == nil ? "none" : (backend is RemoteBackend ? "remote" : "local"),
                             backendLabel: backend?.label, backendHealth: health, modelError: a.modelError)
        let (count, recent) = indexHost.reindexTimes
        if !recent.isEmpty {
            let sorted = recent.sorted()
            // Nearest rank: p99 of 100 durations is the 99th smallest.
            func rank(_ p: Int) -> Double { sorted[max(0, (sorted.count * p + 99) / 100 - 1)] }
            response.reindex = .init(count: count, p50Ms: rank(50), p99Ms: rank(99), recentMs: recent)
        }
        return response
    }

    func explain(_ request: ExplainRequest, _ document: DocumentSnapshot,
                 _ context: RequestContext) async throws -> LSPAny {
        let offset = try document.utf8Offset(of: request.position)
        let mode: CompletionPostProcessor.Mode = request.mode == "line" ? .singleLine : .multiLine
        let hadBackend = assistant.current != nil
        guard let outcome = try await runCompletion(document, offset: offset, mode: mode, context: context) else {
            // With a backend, no outcome means a later edit made the request stale: say so (ContentModified).
            if hadBackend || assistant.current != nil {
                throw ResponseError(code: -32801, message: "the document changed while explaining; ask again")
            }
            throw ResponseError(code: -32603, message: assistant.modelError
                ?? "no model is configured: set model.path or engine.url (quorum/explain needs a model)")
        }
        let data = try JSONEncoder().encode(outcome.explanation)
        return try JSONDecoder().decode(LSPAny.self, from: data)
    }

    /// Runs the completion pipeline for a document position, or returns nil when there is no backend or the
    /// request went stale (a later edit arrived) before the model started.
    func runCompletion(_ document: DocumentSnapshot, offset: Int, mode: CompletionPostProcessor.Mode?,
                       context: RequestContext) async throws
        -> (candidates: [CompletionCandidate], explanation: CompletionExplanation)? {
        if assistant.isLoading { await assistant.waitUntilReady() }
        guard let service = assistant.current else { return nil }
        let uri = document.uri
        let version = document.document.version
        let isStale: @Sendable () -> Bool = { [weak self] in
            guard let self else { return true }
            return (try? self.currentState.documents.document(uri).version) != version
        }
        // A request made stale by a later edit costs no model time.
        if isStale() {
            assistant.recordStale()
            return nil
        }
        try Task.checkCancellation()
        let text = document.document.text
        let settings = context.state.settings
        let query = CompletionQuery(
            path: relativePath(uri, roots: context.state.roots), text: text, offset: offset,
            mode: mode ?? Self.mode(text: document.document.bytes, offset: offset),
            context: await completionContext(document, offset: offset, state: context.state),
            repositoryName: context.state.roots.first?.name ?? "workspace",
            maxTokens: settings.completion.maxTokens, candidates: settings.completion.candidates)
        let outcome: (candidates: [CompletionCandidate], explanation: CompletionExplanation)
        do {
            outcome = try await service.complete(query) { Task.isCancelled || isStale() }
            assistant.backendSucceeded { [weak self] text in self?.logToClient(.info, text) }
        } catch let error as CompletionError {
            throw ResponseError(code: -32603, message: "\(error)")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // A failing backend (a server that is down, slow or answering errors) degrades completions to
            // symbol-only; the user hears about it once per failing period, not once per keystroke.
            assistant.backendFailed(error) { [weak self] text in self?.showMessage(.warning, text) }
            return nil
        }
        let cancelled = Task.isCancelled || isStale()
        assistant.record(outcome.explanation, uri: uri, wasCancelled: cancelled)
        if isStale() { assistant.recordStale(); return nil }
        try Task.checkCancellation()
        return outcome
    }

    /// LSP CompletionItemKind of a symbol kind.
    static func completionKind(_ kind: SymbolKind) -> Int {
        switch kind {
        case .function, .macro: return 3
        case .method: return 2
        case .class, .struct: return 7
        case .enum: return 13
        case .interface, .protocol, .trait: return 8
        case .variable: return 6
        case .constant: return 21
        case .field: return 5
        case .module: return 9
        case .type: return 25
        }
    }

    /// Multi-line at the start of a line or after a block opener; single-line in the middle of a line.
    static func mode(text: [UInt8], offset: Int) -> CompletionPostProcessor.Mode {
        var lineStart = offset
        while lineStart > 0, text[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
        var lineEnd = offset
        while lineEnd < text.count, text[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
        let before = text[lineStart..<offset]
        let after = text[offset..<lineEnd]
        let blank: (UInt8) -> Bool = { $0 == 32 || $0 == 9 || $0 == 13 }
        guard after.allSatisfy(blank) else { return .singleLine }
        if before.allSatisfy(blank) { return .multiLine }
        let last = before.last { !blank($0) }
        return last == UInt8(ascii: ":") || last == UInt8(ascii: "{") ? .multiLine : .singleLine
    }

    /// Context from the project graph (definitions near the cursor, imports, ranked files), plus the other
    /// open documents as recently edited files.
    func completionContext(_ document: DocumentSnapshot, offset: Int, state: ServerState) async -> [ContextPiece] {
        var pieces: [ContextPiece] = []
        if let path = LanguageServer.path(ofURI: document.uri), let index = indexHost.current {
            await indexHost.drain()
            let open = Dictionary(state.documents.all.compactMap { doc in LanguageServer.path(ofURI: doc.uri).map { ($0, doc.bytes) } },
                                  uniquingKeysWith: { a, _ in a })
            pieces = ContextCollector.collect(index: index, path: path, text: document.document.bytes, offset: offset,
                                              ranked: indexHost.rankedNeighbours(of: path, in: index)) { p in
                open[p] ?? (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: p))))
            }
        }
        let covered = Set(pieces.filter { $0.symbol == nil }.map(\.path))
        pieces += openDocumentContext(except: document.uri, state: state).filter { !covered.contains($0.path) }
        return pieces
    }

    /// Other open documents as "recently edited" context.
    func openDocumentContext(except uri: String, state: ServerState) -> [ContextPiece] {
        state.documents.all.filter { $0.uri != uri && $0.bytes.count < 64 << 10 }.map {
            ContextPiece(path: relativePath($0.uri, roots: state.roots), text: $0.text, reason: .recentlyEdited,
                         rank: 0.5)
        }
    }

    /// The path of a `file:` URI relative to the workspace root that contains it (the URI itself otherwise).
    func relativePath(_ uri: String, roots: [WorkspaceRoot]) -> String {
        guard let url = URL(string: uri), url.isFileURL else { return uri }
        let path = url.path
        for root in roots {
            if let r = root.path, path.hasPrefix(r + "/") { return String(path.dropFirst(r.count + 1)) }
        }
        return (path as NSString).lastPathComponent
    }
}

/// Lets an existential Encodable be encoded.
struct AnyEncodable: Encodable {
    let value: Encodable
    init(_ value: Encodable) { self.value = value }
    func encode(to encoder: Encoder) throws { try value.encode(to: encoder) }
}
