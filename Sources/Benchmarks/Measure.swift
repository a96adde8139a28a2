// Measure: wall-clock timing helpers for the benchmarks: median of repeats after a warm-up, and the FMA peak.

import Engine
import Foundation
import StyleLapse

enum Measure {
    /// Seconds taken by `body`.
    static func seconds(_ body: () -> Void) -> Double {
        ContinuousClock().measure(body).seconds
    }

    /// Median seconds of `repeats` runs of `body` after `warmups` unmeasured ones.
    static func median(repeats: Int, warmups: Int = 1, _ body: () -> Void) -> Double {
        for _ in 0..<warmups { body() }
        let times = (0..<repeats).map { _ in seconds(body) }.sorted()
        return times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
    }

    /// The machine's multiply-add throughput in GFLOP/s on `parallel.workers` threads, with the kernels that run
    /// now (InstructionSet.current): each worker runs independent 16-wide multiply-add chains, enough to cover the
    /// latency on every FMA pipe, the same instructions the convolution kernels use. Median of 5 runs of about 60 ms.
    static func fmaPeak(_ parallel: Parallel) -> Double {
        let iterations = 8_000_000
        let sink = UnsafeMutablePointer<Float>.allocate(capacity: parallel.workers)
        defer { sink.deallocate() }
        let time = median(repeats: 5) {
            parallel.forEach(parallel.workers) { worker in
                sink[worker] = InstructionSet.multiplyAddChains(iterations: iterations, seed: Float(worker) * 1e-9)
            }
        }
        return InstructionSet.peakFlops(iterations: iterations) * Double(parallel.workers) / time / 1e9
    }
}

extension Measure {
    /// This process's peak resident memory in MB (see `ProcessMemory`).
    static var peakMemoryMB: Double { ProcessMemory.peakMB }
}
