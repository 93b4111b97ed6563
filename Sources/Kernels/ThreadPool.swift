import CKernels
import Foundation

/// A fixed set of worker threads that run the tasks of one parallel loop at a time.
///
/// Made once per engine and reused by every matrix-vector product: starting threads per call would cost more
/// than a small product itself. The loop body is handed to the workers for the duration of the call only.
/// Two forms: a Swift closure (its context is boxed on the heap, since the workers must see it), and a C
/// function with a pointer to the caller's context, which allocates nothing: the decoding step's loops use
/// that one, so a generated token costs no allocation.
///
/// Tasks are claimed one at a time by whichever thread is free, the caller included. On a busy machine a
/// worker may not get a core for milliseconds; with fixed shares the caller would wait for it, with claiming
/// the caller simply does the work itself. Idle workers poll for a short while before sleeping: decoding runs
/// hundreds of small products per token microseconds apart, and a futex sleep/wake costs ~10 µs each time.
/// Calls from several threads are serialized.
public final class ThreadPool: @unchecked Sendable {
    /// How many threads run a loop, the caller included.
    public let threads: Int
    private let state: PoolState

    /// Starts `threads - 1` workers (the caller is the last one). Defaults to the cores this process may use.
    /// - Parameter spinIterations: polls (PAUSE instructions) an idle worker makes before sleeping.
    public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount, spinIterations: Int = 20_000) {
        self.threads = max(1, threads)
        state = PoolState(spinIterations: max(0, spinIterations))
        for _ in 1..<self.threads {
            let state = state
            let thread = Thread { state.workerLoop() }
            thread.name = "quorum.kernels"
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

    /// A loop body that allocates nothing: called with the context pointer given to `run` and a task index.
    /// A C function, so it captures nothing; what it needs comes through the context (usually a struct the
    /// caller keeps on its stack for the duration of the call).
    public typealias Task = @convention(c) (UnsafeRawPointer, Int) -> Void

    /// Runs `task(context, i)` once for every i in `0..<tasks`, on any of the pool's threads, and returns when
    /// all are done. Tasks may run in any order and concurrently.
    public func run(tasks: Int, context: UnsafeRawPointer, _ task: Task) {
        precondition(tasks >= 0 && tasks < Int(UInt32.max), "ThreadPool.run: \(tasks) tasks")
        if threads == 1 || tasks <= 1 {
            for i in 0..<tasks { task(context, i) }
            return
        }
        state.run(tasks: tasks, context: context, task: task)
    }

    /// Runs `body(task)` once for every task in `0..<tasks`, like `run(tasks:context:_:)`; convenient where a
    /// loop runs a few times per request, not per token (the closure's context is boxed).
    public func run(tasks: Int, _ body: (Int) -> Void) {
        precondition(tasks >= 0 && tasks < Int(UInt32.max), "ThreadPool.run: \(tasks) tasks")
        if threads == 1 || tasks <= 1 {
            for task in 0..<tasks { body(task) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            withUnsafePointer(to: escapable) { closure in
                state.run(tasks: tasks, context: UnsafeRawPointer(closure)) { context, task in
                    context.assumingMemoryBound(to: ((Int) -> Void).self).pointee(task)
                }
            }
        }
    }
}

/// The shared state behind a pool; workers hold it, not the pool, so the pool's deinit can stop them.
final class PoolState: @unchecked Sendable {
    let spinIterations: Int
    /// Shared through C atomics: [0] the job word, (generation << 32) | next unclaimed task; [1] tasks done;
    /// [2] the job's task count (atomic too, since a late worker may read it while the next job is set up).
    private let counters = UnsafeMutablePointer<UInt64>.allocate(capacity: 3)
    private let sleep = NSCondition()
    private let callLock = NSLock()
    private var sleepers = 0
    private var stopping = false
    private var generation: UInt32 = 0
    // Written by the caller before the release store that publishes a job; read by workers only after a
    // successful claim, which orders the read after that store and before the job can end. Plain pointers:
    // publishing them takes no reference counting and no allocation.
    private var context: UnsafeRawPointer?
    private var task: ThreadPool.Task?

    init(spinIterations: Int) {
        self.spinIterations = spinIterations
        counters.initialize(repeating: 0, count: 3)
    }

    deinit { counters.deallocate() }

    private var job: UnsafeMutablePointer<UInt64> { counters }
    private var done: UnsafeMutablePointer<UInt64> { counters + 1 }
    private var taskCount: UnsafeMutablePointer<UInt64> { counters + 2 }

    func run(tasks: Int, context: UnsafeRawPointer, task: ThreadPool.Task) {
        callLock.lock(); defer { callLock.unlock() }
        generation &+= 1
        let gen = generation
        self.context = context
        self.task = task
        qk_atomic_store_release(taskCount, UInt64(tasks))
        qk_atomic_store_release(done, 0)
        qk_atomic_store_release(job, UInt64(gen) << 32)
        // A worker going to sleep registers under this lock after re-checking the job word, so either it
        // saw the new job or we see it here and wake it.
        sleep.lock()
        if sleepers > 0 { sleep.broadcast() }
        sleep.unlock()

        work(gen: gen, tasks: UInt32(tasks), context: context, task: task)

        var polls = 0
        while qk_atomic_load_acquire(done) < UInt64(tasks) {
            // A worker holds a task: spin briefly, then yield in case it is waiting for our core.
            polls += 1
            if polls < 4096 { qk_cpu_relax() } else { sched_yield() }
        }
        // Drop the pointers so nothing refers to the caller's frame after the call returns.
        self.context = nil
        self.task = nil
    }

    /// Claims and runs tasks of job `gen` until none is left.
    private func work(gen: UInt32, tasks: UInt32, context: UnsafeRawPointer, task: ThreadPool.Task) {
        while true {
            let i = qk_claim_task(job, gen, tasks)
            if i < 0 { return }
            task(context, Int(i))
            _ = qk_atomic_add_acq_rel(done, 1)
        }
    }

    func workerLoop() {
        var seen: UInt32 = 0
        while true {
            var polls = 0
            while currentGeneration() == seen && polls < spinIterations {
                qk_cpu_relax()
                polls += 1
            }
            if currentGeneration() == seen {
                sleep.lock()
                sleepers += 1
                while currentGeneration() == seen && !stopping { sleep.wait() }
                sleepers -= 1
                let stop = stopping
                sleep.unlock()
                if stop { return }
            }
            seen = currentGeneration()
            // If a newer job has replaced `seen` by now, this count may be its count, but every claim below
            // then fails on the generation, so the mix-up is harmless.
            let count = UInt32(truncatingIfNeeded: qk_atomic_load_acquire(taskCount))
            // Claim first, read the body second: only a claimed task guarantees the job is still live.
            var i = qk_claim_task(job, seen, count)
            while i >= 0 {
                if let task, let context { task(context, Int(i)) }
                _ = qk_atomic_add_acq_rel(done, 1)
                i = qk_claim_task(job, seen, count)
            }
        }
    }

    private func currentGeneration() -> UInt32 { UInt32(truncatingIfNeeded: qk_atomic_load_acquire(job) >> 32) }

    func stop() {
        sleep.lock(); stopping = true; sleep.broadcast(); sleep.unlock()
    }
}
