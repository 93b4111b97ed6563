/// `quorum/debugSleep`: a deliberately slow request for tests of concurrency, cancellation and progress.
/// The server only knows it when started with `QUORUM_DEBUG_REQUESTS=1`.
public struct DebugSleepRequest: RequestType, Hashable {
    public static let method = "quorum/debugSleep"
    public typealias Response = DebugSleepResponse

    /// How long to sleep, in milliseconds.
    public var ms: Int
    /// Report work-done progress while sleeping.
    public var progress: Bool?

    public init(ms: Int, progress: Bool? = nil) {
        self.ms = ms
        self.progress = progress
    }
}

/// The answer to `quorum/debugSleep` when it was not cancelled.
public struct DebugSleepResponse: ResponseType, Hashable {
    public var sleptMs: Int
    public init(sleptMs: Int) { self.sleptMs = sleptMs }
}
