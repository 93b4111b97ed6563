/// `quorum/stats`: cumulative completion counters since the server started.
public struct StatsRequest: RequestType, Hashable {
    public static let method = "quorum/stats"
    public typealias Response = StatsResponse
    public init() {}
}

public struct StatsResponse: ResponseType, Hashable {
    public var completions: Int
    public var completionsCancelled: Int
    public var completionsStale: Int
    /// Prompt tokens whose keys and values were reused from memory (live cache or in-memory blocks).
    public var tokensReusedMemory: Int
    /// Prompt tokens whose keys and values came from LMDB.
    public var tokensReusedDisk: Int
    /// Prompt tokens the model evaluated.
    public var tokensComputed: Int
    public var tokensGenerated: Int
    /// "local", "remote" or "none".
    public var backend: String
    public var backendLabel: String?
    /// For a remote backend: its health, latency and failures.
    public var backendHealth: LSPAny?
    public var modelError: String?
    /// Re-indexes of open documents after `didChange` (incremental parse, tags, one write transaction).
    public var reindex: ReindexStats?

    public struct ReindexStats: Codable, Hashable, Sendable {
        public var count: Int
        public var p50Ms: Double
        public var p99Ms: Double
        /// The latest durations, oldest first (at most 256).
        public var recentMs: [Double]
        public init(count: Int, p50Ms: Double, p99Ms: Double, recentMs: [Double]) {
            self.count = count; self.p50Ms = p50Ms; self.p99Ms = p99Ms; self.recentMs = recentMs
        }
    }

    public init(completions: Int = 0, completionsCancelled: Int = 0, completionsStale: Int = 0,
                tokensReusedMemory: Int = 0, tokensReusedDisk: Int = 0, tokensComputed: Int = 0,
                tokensGenerated: Int = 0, backend: String = "none", backendLabel: String? = nil,
                backendHealth: LSPAny? = nil, modelError: String? = nil) {
        self.completions = completions
        self.completionsCancelled = completionsCancelled
        self.completionsStale = completionsStale
        self.tokensReusedMemory = tokensReusedMemory
        self.tokensReusedDisk = tokensReusedDisk
        self.tokensComputed = tokensComputed
        self.tokensGenerated = tokensGenerated
        self.backend = backend
        self.backendLabel = backendLabel
        self.backendHealth = backendHealth
        self.modelError = modelError
    }
}
