import Foundation

/// How the remote backend is doing, for `quorum/stats` and for deciding whether to try it at all.
public struct BackendHealthSnapshot: Codable, Sendable, Equatable {
    public var state: String  // "healthy", "degraded" (failing, backing off) or "unknown" (never used)
    public var consecutiveFailures: Int
    public var lastError: String?
    public var lastLatencyMs: Double?
    public var medianLatencyMs: Double?
    public var requests: Int
    public var failures: Int
}

/// Failure accounting with exponential backoff, so a dead server costs one error, not one per keystroke.
public final class BackendHealth: @unchecked Sendable {
    private let lock = NSLock()
    private var consecutiveFailures = 0
    private var nextAttempt: Date = .distantPast
    private var lastError: String?
    private var latencies: [Double] = []
    private var requests = 0
    private var failures = 0
    /// Backoff after n failures: base · 2^(n-1), at most `maxBackoff` seconds.
    public let baseBackoff: Double
    public let maxBackoff: Double

    public init(baseBackoff: Double = 0.5, maxBackoff: Double = 30) {
        self.baseBackoff = baseBackoff
        self.maxBackoff = maxBackoff
    }

    /// Seconds until the next attempt is allowed; zero when it is allowed now.
    public func waitBeforeAttempt(now: Date = Date()) -> Double {
        lock.lock(); defer { lock.unlock() }
        return max(0, nextAttempt.timeIntervalSince(now))
    }

    /// Records a success and its latency. Returns true when it ends a failing period.
    @discardableResult
    public func succeeded(latencyMs: Double) -> Bool {
        lock.lock(); defer { lock.unlock() }
        let recovered = consecutiveFailures > 0
        consecutiveFailures = 0
        nextAttempt = .distantPast
        requests += 1
        latencies.append(latencyMs)
        if latencies.count > 256 { latencies.removeFirst(latencies.count - 256) }
        return recovered
    }

    /// Records a failure. Returns true when it starts a failing period (the moment to tell the user once).
    @discardableResult
    public func failed(_ error: String, now: Date = Date()) -> Bool {
        lock.lock(); defer { lock.unlock() }
        consecutiveFailures += 1
        requests += 1
        failures += 1
        lastError = error
        let delay = min(maxBackoff, baseBackoff * pow(2, Double(consecutiveFailures - 1)))
        nextAttempt = now.addingTimeInterval(delay)
        return consecutiveFailures == 1
    }

    public var snapshot: BackendHealthSnapshot {
        lock.lock(); defer { lock.unlock() }
        let sorted = latencies.sorted()
        return BackendHealthSnapshot(
            state: requests == 0 ? "unknown" : (consecutiveFailures == 0 ? "healthy" : "degraded"),
            consecutiveFailures: consecutiveFailures, lastError: lastError, lastLatencyMs: latencies.last,
            medianLatencyMs: sorted.isEmpty ? nil : sorted[sorted.count / 2], requests: requests, failures: failures)
    }
}
