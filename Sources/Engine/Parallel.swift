// Parallel: the one place the engine runs work on several threads (Dispatch's concurrentPerform), and the one
// @unchecked Sendable wrapper that lets kernels hand raw pointers to it.

import Dispatch

/// Runs independent work items on a fixed number of workers.
///
/// Determinism: every item must write outputs that no other item writes, and compute each of them in a fixed order.
/// Then results are bit-identical whatever `workers` is, since no sum is ever split between threads.
public struct Parallel: Sendable {
    /// How many threads run items at once (1 = the calling thread only).
    public let workers: Int

    public init(workers: Int) {
        precondition(workers >= 1, "Parallel: at least one worker")
        self.workers = workers
    }

    /// One worker per active processor core.
    public static var allCores: Parallel { Parallel(workers: max(1, System.activeProcessorCount)) }
    /// The calling thread only.
    public static let serial = Parallel(workers: 1)

    /// Calls `body(i)` for every i in 0..<count, spread over the workers; returns when all are done.
    /// Items are dealt round-robin, so neighbouring items (often neighbouring rows) run on different workers.
    public func forEach(_ count: Int, _ body: (Int) -> Void) {
        if workers == 1 || count <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        let n = min(workers, count)
        withoutActuallyEscaping(body) { body in
            // The closure is only called while forEach runs, and each call touches disjoint outputs (see above).
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: n) { worker in
                var i = worker
                while i < count {
                    shared.value(i)
                    i += n
                }
            }
        }
    }
}

extension Parallel {
    /// Like `forEach`, and also tells each call which worker (0..<min(workers, count)) runs it, so workers can own
    /// scratch memory. Item i always runs on worker i mod min(workers, count).
    public func forEachWorker(_ count: Int, _ body: (_ worker: Int, _ item: Int) -> Void) {
        let n = min(workers, count)
        if n <= 1 {
            for i in 0..<count { body(0, i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: n) { worker in
                var i = worker
                while i < count {
                    shared.value(worker, i)
                    i += n
                }
            }
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
