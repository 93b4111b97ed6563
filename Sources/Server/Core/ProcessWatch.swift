import Dispatch
import Foundation

/// Polls the client's process with `kill(pid, 0)` and calls `onExit` once it is gone, so an editor that dies without
/// `shutdown` does not leave the server running. Polling is the only portable way: we are not its parent.
final class ParentProcessWatcher: @unchecked Sendable {
    private let pid: pid_t
    private let interval: TimeInterval
    private let onExit: @Sendable () -> Void
    private let timer: DispatchSourceTimer

    init(pid: pid_t, interval: TimeInterval, onExit: @escaping @Sendable () -> Void) {
        self.pid = pid
        self.interval = interval
        self.onExit = onExit
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "quorum.parent-watch"))
    }

    func start() {
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [self] in
            // ESRCH: no such process. EPERM means it exists but is not ours to signal: still alive.
            if kill(pid, 0) != 0, errno == ESRCH {
                timer.cancel()
                onExit()
            }
        }
        timer.resume()
    }

    func stop() {
        timer.cancel()
    }
}

/// Ends the process cleanly on SIGTERM (ALE stops servers that way) and ignores SIGPIPE, so a client that closes
/// its end makes writes fail with EPIPE instead of killing the server mid-log.
public enum TerminationSignals {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Installs the handlers; `onTerminate` runs on a private queue.
    public static func install(onTerminate: @escaping @Sendable () -> Void) {
        signal(SIGPIPE, SIG_IGN)
        for number in [SIGTERM, SIGINT, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: DispatchQueue(label: "quorum.signals"))
            source.setEventHandler(handler: onTerminate)
            source.resume()
            sources.append(source)
        }
    }
}
