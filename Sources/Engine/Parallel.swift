// Parallel: the one place the engine runs work on several threads (Dispatch's concurrentPerform), and the one
// @unchecked Sendable wrapper that lets kernels hand raw pointers to it.

import Dispatch
import Foundation

/// Runs independent work items on a fixed number of workers.
///
/// Determinism: every item must write outputs that no other item writes, and compute each of them in a fixed order.
/// Then results are bit-identical whatever `workers` is, since no sum is ever split between threads.
///
/// The workers are threads made once per worker count and kept for the process (`WorkerPool`): dispatching a loop
/// allocates nothing, so an optimisation step's thousands of parallel loops cost no heap traffic.
public struct Parallel: Sendable {
    /// How many threads run items at once (1 = the calling thread only).
    public let workers: Int
    private let pool: WorkerPool?

    public init(workers: Int) {
        precondition(workers >= 1, "Parallel: at least one worker")
        self.workers = workers
        pool = workers > 1 ? WorkerPool.shared(workers) : nil
    }

    /// One worker per active processor core.
    public static var allCores: Parallel { Parallel(workers: max(1, System.activeProcessorCount)) }
    /// The calling thread only.
    public static let serial = Parallel(workers: 1)

    /// Calls `body(i)` for every i in 0..<count, spread over the workers; returns when all are done.
    /// Items are dealt round-robin, so neighbouring items (often neighbouring rows) run on different workers.
    public func forEach(_ count: Int, _ body: (Int) -> Void) {
        forEachWorker(count) { _, i in body(i) }
    }
}

extension Parallel {
    /// Like `forEach`, and also tells each call which worker (0..<min(workers, count)) runs it, so workers can own
    /// scratch memory. Item i always runs on worker i mod min(workers, count).
    public func forEachWorker(_ count: Int, _ body: (_ worker: Int, _ item: Int) -> Void) {
        let n = min(workers, count)
        guard n > 1, let pool else {
            for i in 0..<count { body(0, i) }
            return
        }
        pool.run(n) { worker in
            var i = worker
            while i < count {
                body(worker, i)
                i += n
            }
        }
    }
}

/// `workers − 1` threads that wait for loops to run beside the calling thread (worker 0).
///
/// Thread-safety: `job` is set by the one caller holding `busy`, before the start semaphores are signalled, and
/// cleared after every worker signalled `done`; the semaphores order those accesses. A loop started from inside a
/// running loop (or from a second thread while one runs) finds `busy` taken and runs on its own thread: results do not
/// depend on how many workers run them.
final class WorkerPool: @unchecked Sendable {
    private let extra: Int
    private let start: [DispatchSemaphore]
    private let done = DispatchSemaphore(value: 0)
    private let busy = NSLock()
    /// The loop being run, in a slot made once (storing the closure in a property would allocate per loop).
    private let job = UnsafeMutablePointer<Job>.allocate(capacity: 1)
    /// A concrete wrapper, so the closure is stored as it is (a bare function type as `Pointee` would be
    /// re-abstracted through a heap-allocated thunk on every loop).
    private struct Job { let body: (Int) -> Void }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var pools: [Int: WorkerPool] = [:]

    /// The pool of `workers` workers, made the first time it is asked for.
    static func shared(_ workers: Int) -> WorkerPool {
        lock.withLock {
            if let pool = pools[workers] { return pool }
            let pool = WorkerPool(workers: workers)
            pools[workers] = pool
            return pool
        }
    }

    private init(workers: Int) {
        extra = workers - 1
        start = (0..<extra).map { _ in DispatchSemaphore(value: 0) }
        for k in 0..<extra {
            let thread = Thread { [self] in
                while true {
                    start[k].wait()
                    job.pointee.body(k + 1)
                    done.signal()
                }
            }
            thread.name = "stylelapse.worker.\(k + 1)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Runs `body(worker)` for worker 0 (here) and 1..<n (the pool's threads); returns when all are done.
    func run(_ n: Int, _ body: (Int) -> Void) {
        guard n - 1 <= extra, busy.try() else {
            for worker in 0..<n { body(worker) }
            return
        }
        defer { busy.unlock() }
        withoutActuallyEscaping(body) { body in
            job.initialize(to: Job(body: body))
            for k in 0..<(n - 1) { start[k].signal() }
            body(0)
            for _ in 0..<(n - 1) { done.wait() }
            job.deinitialize(count: 1)
        }
    }
}

/// Carries a value that is not Sendable (a closure over raw pointers) into concurrentPerform.
/// Invariant: the value is used only during the Parallel.forEach call that created the wrapper, and the items it
/// runs write disjoint memory.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

#if canImport(Glibc)
import Glibc
#endif

/// Facts about the machine.
public enum System {
    /// Processors available to this process.
    public static var activeProcessorCount: Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 1
        #endif
    }
}
