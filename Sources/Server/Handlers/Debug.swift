import LanguageServerProtocol

extension LanguageServer {
    /// Sleeps in small steps so cancellation stops it promptly; optionally reports progress.
    /// Only routed when `options.debugRequests` is on.
    func debugSleep(_ request: DebugSleepRequest, _ context: RequestContext) async throws -> DebugSleepResponse {
        guard (0...600_000).contains(request.ms) else {
            throw ResponseError.invalidParams("`params.ms` must be between 0 and 600000, got \(request.ms)")
        }
        let progress = request.progress == true ? await beginProgress(title: "Sleeping \(request.ms) ms") : nil
        defer { progress?.end() }
        var slept = 0
        while slept < request.ms {
            let step = min(10, request.ms - slept)
            try await Task.sleep(nanoseconds: UInt64(step) * 1_000_000)
            slept += step
            progress?.report(percentage: slept * 100 / max(request.ms, 1))
        }
        return DebugSleepResponse(sleptMs: slept)
    }
}
