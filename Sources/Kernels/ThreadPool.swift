import CKernels
import Foundation

/// A fixed set of worker threads that run the shares of one parallel loop at a time.
///
/// Made once per engine and reused by every matrix-vector product: starting threads per call would cost more
/// than a small product itself. A call allocates nothing: the loop body is handed to the workers as a
/// non-escaping closure for the duration of the call. The calling thread does share 0 itself, so a pool of
/// `threads` uses exactly `threads` cores. Calls from several threads are serialized.
///
/// Idle workers poll for a short while before sleeping: decoding runs hundreds of small products per token
/// with microseconds between them, and a sleep/wake round trip through the kernel costs ~10 µs each time.
/// After `spinIterations` polls without work they block on a condition variable, so an idle engine
/// does not burn CPU.
public final class ThreadPool: @unchecked Sendable {
    /// How many threads run a loop, the caller included.
    public let threads: Int
    private let state: PoolState

    /// Starts `threads - 1` workers (the caller is the last one). Defaults to the cores this process may use.
    /// - Parameter spinIterations: polls (PAUSE instructions) a worker makes before sleeping; 0 never spins.
    public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount, spinIterations: Int = 20_000) {
        self.threads = max(1, threads)
        state = PoolState(threads: self.threads, spinIterations: max(0, spinIterations))
        for worker in 1..<self.threads {
            let state = state
            let thread = Thread { state.workerLoop(worker) }
            thread.name = "quorum.kernels.\(worker)"
            thread.start()
        }
    }

    deinit { state.stop() }

    /// A pool of `threads` (default: all cores) with OpenBLAS set to the same count.
    ///
    /// OpenBLAS keeps its own threads, which poll after each call; left at its default it would run as many
    /// as there are cores next to ours and the two would fight over the same cores during prefill.
    public static func configured(threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> ThreadPool {
        let pool = ThreadPool(threads: threads)
        BLAS.setThreads(pool.threads)
        return pool
    }

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
    let spinIterations: Int
    /// Counters shared with the workers through C atomics: [0] the job generation, [1] workers finished.
    private let counters = UnsafeMutablePointer<UInt64>.allocate(capacity: 2)
    private let sleep = NSCondition()
    private let callLock = NSLock()
    private var sleepers = 0
    private var stopping = false
    // Written by the caller before the release store of the generation, read by workers after acquiring it.
    private var tasks = 0
    private var body: ((Int) -> Void)?

    init(threads: Int, spinIterations: Int) {
        self.threads = threads
        self.spinIterations = spinIterations
        counters.initialize(repeating: 0, count: 2)
    }

    deinit { counters.deallocate() }

    private var generation: UnsafeMutablePointer<UInt64> { counters }
    private var finished: UnsafeMutablePointer<UInt64> { counters + 1 }

    func run(tasks: Int, _ body: @escaping (Int) -> Void) {
        callLock.lock(); defer { callLock.unlock() }
        self.body = body
        self.tasks = tasks
        qk_atomic_store_release(finished, 0)
        qk_atomic_store_release(generation, qk_atomic_load_acquire(generation) + 1)
        // A worker that went to sleep registered itself under this lock after re-checking the generation,
        // so either it saw the new generation or we see it here and wake it.
        sleep.lock()
        if sleepers > 0 { sleep.broadcast() }
        sleep.unlock()

        var task = 0
        while task < tasks { body(task); task += threads }

        let others = UInt64(threads - 1)
        var polls = 0
        while qk_atomic_load_acquire(finished) < others {
            // Spin briefly, then yield: on an oversubscribed machine a worker may need our core to finish.
            polls += 1
            if polls < 4096 { qk_cpu_relax() } else { sched_yield() }
        }
        // Drop the closure so nothing refers to the caller's frame after the call returns.
        self.body = nil
    }

    func workerLoop(_ worker: Int) {
        var seen: UInt64 = 0
        while true {
            var polls = 0
            while qk_atomic_load_acquire(generation) == seen && polls < spinIterations {
                qk_cpu_relax()
                polls += 1
            }
            if qk_atomic_load_acquire(generation) == seen {
                sleep.lock()
                sleepers += 1
                while qk_atomic_load_acquire(generation) == seen && !stopping { sleep.wait() }
                sleepers -= 1
                let stop = stopping
                sleep.unlock()
                if stop { return }
            }
            seen = qk_atomic_load_acquire(generation)
            var work = body
            let count = tasks
            if let run = work {
                var task = worker
                while task < count { run(task); task += threads }
            }
            // Release our reference before reporting done: the caller's withoutActuallyEscaping checks that
            // nothing holds the closure once run returns, and traps if a worker still does.
            work = nil
            _ = qk_atomic_add_acq_rel(finished, 1)
        }
    }

    func stop() {
        sleep.lock(); stopping = true; sleep.broadcast(); sleep.unlock()
    }
}
