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

    /// The machine's fused multiply-add throughput in GFLOP/s on `parallel.workers` threads: each worker runs
    /// 12 independent SIMD8 FMA chains (enough to cover the FMA latency on two pipes), the same instructions the
    /// convolution kernels use. Median of 5 runs of about 60 ms each.
    static func fmaPeak(_ parallel: Parallel) -> Double {
        let iterations = 16_000_000
        let sink = UnsafeMutablePointer<Float>.allocate(capacity: parallel.workers)
        defer { sink.deallocate() }
        let time = median(repeats: 5) {
            parallel.forEach(parallel.workers) { worker in
                sink[worker] = fmaChains(iterations, seed: Float(worker) * 1e-9)
            }
        }
        return Double(iterations) * 12 * 8 * 2 * Double(parallel.workers) / time / 1e9
    }

    @inline(never)
    static func fmaChains(_ iterations: Int, seed: Float) -> Float {
        let m = SIMD8<Float>(repeating: 0.999_999), c = SIMD8<Float>(repeating: 1e-7 + seed)
        var a0 = c, a1 = c + 1, a2 = c + 2, a3 = c + 3, a4 = c + 4, a5 = c + 5
        var a6 = c + 6, a7 = c + 7, a8 = c + 8, a9 = c + 9, a10 = c + 10, a11 = c + 11
        for _ in 0..<iterations {
            a0 = a0.addingProduct(a0, m); a1 = a1.addingProduct(a1, m); a2 = a2.addingProduct(a2, m)
            a3 = a3.addingProduct(a3, m); a4 = a4.addingProduct(a4, m); a5 = a5.addingProduct(a5, m)
            a6 = a6.addingProduct(a6, m); a7 = a7.addingProduct(a7, m); a8 = a8.addingProduct(a8, m)
            a9 = a9.addingProduct(a9, m); a10 = a10.addingProduct(a10, m); a11 = a11.addingProduct(a11, m)
        }
        let s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11))
        return s.sum()
    }
}

extension Measure {
    /// This process's peak resident memory in MB (see `ProcessMemory`).
    static var peakMemoryMB: Double { ProcessMemory.peakMB }
}
