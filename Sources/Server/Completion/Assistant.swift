import Base
import Foundation
import IDE
import Logging
import Syntax

/// Owns the completion backend: builds it when the settings name a model or a server, off the LSP loop,
/// keeps the cumulative counters of `quorum/stats`, and makes sure a problem is told to the user once.
final class Assistant: @unchecked Sendable {
    private let lock = NSLock()
    private var configuration: BackendConfiguration?
    private var service: CompletionService?
    private var loading: Task<Void, Never>?
    private(set) var modelError: String?
    private var told: Set<String> = []
    private let log = QuorumLog.logger("assistant")
    let registry: LanguageRegistry? = try? LanguageRegistry()

    // Cumulative counters (guarded by `lock`).
    private(set) var completions = 0
    private(set) var cancelled = 0
    private(set) var stale = 0
    private(set) var reusedMemory = 0
    private(set) var reusedDisk = 0
    private(set) var computed = 0
    private(set) var generated = 0
    /// The last explanation per document URI.
    private var explanations: [String: CompletionExplanation] = [:]

    /// The service when a backend is ready; nil while loading or when none is configured.
    var current: CompletionService? { lock.withLock { service } }
    var isLoading: Bool { lock.withLock { loading != nil } }

    /// Applies new settings: rebuilds the backend only when what decides it changed.
    /// `message` is how a problem reaches the user (window/showMessage); each distinct one is sent once.
    func configure(_ c: BackendConfiguration, progress: @escaping @Sendable (String) async -> ProgressHandle?,
                   message: @escaping @Sendable (String) -> Void) {
        let start: Bool = lock.withLock {
            guard c != configuration else { return false }
            configuration = c
            service = nil
            modelError = nil
            loading?.cancel()
            return true
        }
        guard start else { return }
        if c.isEmpty {
            tell("Quorum: model completions are off (symbol completions only). Set `model.path` to a GGUF file "
                 + "(`make models` installs one) or `engine.url` to a completion server.", message)
            return
        }
        let task = Task.detached { [self] in
            let handle = await progress(c.engineURL != nil ? "Connecting to \(c.engineURL ?? "")" : "Loading model")
            defer { handle?.end(message: nil) }
            do {
                let backend = try BackendFactory.make(c)
                let ready = lock.withLock { () -> Bool in
                    guard configuration == c, let backend else { return false }
                    // Room for the completion itself (maxTokens is at most 4096, usually 64).
                    let context = min(c.contextSize, backend.contextLimit ?? c.contextSize)
                    let budget = max(64, context - max(96, context / 8))
                    service = CompletionService(backend: backend, promptBudget: budget, registry: registry)
                    loading = nil
                    return true
                }
                if ready { log.info("completions from \(backend?.label ?? "?")") }
            } catch {
                let text = "\(error)"
                lock.withLock {
                    if configuration == c { modelError = text; loading = nil }
                }
                tell("Quorum: model completions are off: \(text)", message)
            }
        }
        lock.withLock { loading = task }
    }

    /// Waits until a backend being built is ready (or failed).
    func waitUntilReady() async {
        let task = lock.withLock { loading }
        await task?.value
    }

    private func tell(_ text: String, _ message: (String) -> Void) {
        let fresh = lock.withLock { told.insert(text).inserted }
        if fresh { message(text) }
        log.notice("\(text)")
    }

    func record(_ e: CompletionExplanation, uri: String, wasCancelled: Bool) {
        lock.withLock {
            completions += 1
            if wasCancelled { cancelled += 1 }
            reusedMemory += e.tokensReusedMemory
            reusedDisk += e.tokensReusedDisk
            computed += e.tokensComputed
            generated += e.generatedTokens
            explanations[uri] = e
        }
        log.info("completion: prompt \(e.promptTokens) tokens (memory \(e.tokensReusedMemory), disk \(e.tokensReusedDisk), computed \(e.tokensComputed)), generated \(e.generatedTokens), prefill \(Int(e.phasesMs["prefill"] ?? 0)) ms, decode \(Int(e.phasesMs["decode"] ?? 0)) ms")
    }

    func recordStale() { lock.withLock { stale += 1 } }

    /// Guarded by `lock`: true from a backend failure until its next success.
    private var failing = false
    private(set) var backendFailures = 0

    /// Records a failed completion; tells the user only when a failing period starts.
    func backendFailed(_ error: Error, tell: (String) -> Void) {
        let first = lock.withLock { () -> Bool in
            backendFailures += 1
            defer { failing = true }
            return !failing
        }
        log.warning("completion backend failed: \(error)")
        if first {
            tell("Quorum: model completions are unavailable (\(error)); showing symbol completions only until the "
                 + "model answers again")
        }
    }

    /// Records a successful completion; ends a failing period.
    func backendSucceeded(tell: (String) -> Void) {
        let recovered = lock.withLock { () -> Bool in defer { failing = false }; return failing }
        if recovered { tell("Quorum: model completions are back") }
    }

    func lastExplanation(uri: String) -> CompletionExplanation? { lock.withLock { explanations[uri] } }

    /// The remote backend's health, when the backend is remote.
    var remoteHealth: Encodable? {
        (current?.backend as? RemoteBackend)?.client.health.snapshot
    }
}

/// Something that can end a progress report; lets `Assistant` stay independent of the reporter's type.
protocol ProgressHandle: Sendable {
    func end(message: String?)
}
