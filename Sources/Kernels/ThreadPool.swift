import Foundation

/// A fixed set of worker threads that run the shares of one parallel loop at a time.
///
/// Made once per engine and reused by every matrix-vector product: starting threads per call would cost more
/// than a small product itself. A call allocates nothing: the loop body is handed to the workers as a
/// non-escaping closure for the duration of the call. The calling thread does share 0 itself, so a pool of
/// `threads` uses exactly `threads` cores. Calls from several threads are serialized.
public final class ThreadPool: @unchecked Sendable {
    /// How many threads run a loop, the caller included.
    public let threads: Int
    private let state: PoolState

    /// Starts `threads - 1` workers (the caller is the last one). Defaults to the cores this process may use.
    public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.threads = max(1, threads)
        state = PoolState(threads: self.threads)
        for worker in 1..<self.threads {
            let state = state
            let thread = Thread { state.workerLoop(worker) }
            thread.name = "quorum.kernels.\(worker)"
            thread.start()
        }
    }

    deinit { state.stop() }

    /// Runs `body(task)` for every task in `0..<tasks`, task t on thread t % threads, and returns when all are done.
    public func run(tasks: Int, _ body: (Int) -> Void) {
        if threads == 1 || tasks <= 1 {
            for task in 0..<tasks { body(task) }
            return
        }
        withoutActuallyEscaping(body) { state.run(tasks: tasks, $0) }
    }
}

/// The shared state behind a pool; workers hold it, not the pool, so the pool's deinit can stop them.
final class PoolState: @unchecked Sendable {
    let threads: Int
    private let lock = NSCondition()
    private let done = NSCondition()
    private let callLock = NSLock()
    private var generation = 0
    private var tasks = 0
    private var pending = 0
    private var body: ((Int) -> Void)?
    private var stopping = false

    init(threads: Int) { self.threads = threads }

    func run(tasks: Int, _ body: @escaping (Int) -> Void) {
        callLock.lock(); defer { callLock.unlock() }
        lock.lock()
        self.body = body
        self.tasks = tasks
        pending = threads - 1
        generation += 1
        lock.broadcast()
        lock.unlock()

        var task = 0
        while task < tasks { body(task); task += threads }

        done.lock()
        while pending > 0 { done.wait() }
        done.unlock()
        // Drop the closure so nothing refers to the caller's frame after the call returns.
        lock.lock(); self.body = nil; lock.unlock()
    }

    func workerLoop(_ worker: Int) {
        var seen = 0
        while true {
            lock.lock()
            while generation == seen && !stopping { lock.wait() }
            if stopping { lock.unlock(); return }
            seen = generation
            let body = self.body
            let tasks = self.tasks
            lock.unlock()

            if let body {
                var task = worker
                while task < tasks { body(task); task += threads }
            }
            done.lock()
            pending -= 1
            if pending == 0 { done.signal() }
            done.unlock()
        }
    }

    func stop() {
        lock.lock(); stopping = true; lock.broadcast(); lock.unlock()
    }
}
