// ChannelSums: Σ_p w(p)·F[c, p] of a feature map accumulated over row bands (the W2 style loss's means), and its
// backward, ∂/∂F of Σ_c d_c·Σ_p w(p)·F[c, p].

import Kernels

/// Per-channel sums of a feature map, possibly weighted per pixel, accumulated over rows in Double (each row summed
/// in Float): added band by band in row order, the result is the same, bit for bit, as over the whole map at once.
public final class ChannelSums {
    public let channels: Int
    let blocks: Int
    let sums: UnsafeMutablePointer<SIMD8<Double>>

    public init(channels c: Int) {
        channels = c
        blocks = (c + 7) / 8
        sums = .allocate(capacity: blocks)
        sums.initialize(repeating: .zero, count: blocks)
    }

    deinit { sums.deallocate() }

    /// Starts again from zero.
    public func reset() { sums.update(repeating: .zero, count: blocks) }

    /// Adds rows `rows` of `f`, each pixel weighted by `weights` (nil: 1; else the whole map's H·W values, `row`
    /// being where `rows.lowerBound` is in it).
    public func add(_ f: BlockedTensor, weights: [Float]? = nil, rows: Range<Int>, row: Int, parallel: Parallel = .serial) {
        precondition(f.shape.channels == channels && rows.lowerBound >= 0 && rows.upperBound <= f.shape.height,
                     "ChannelSums.add: shapes")
        let w = f.shape.width, o = sums
        parallel.forEach(blocks) { block in
            for y in rows {
                let p = f.pointer(block: block, y: y, x: 0)
                var s = Vec8.zero
                if let weights {
                    let base = (row + y - rows.lowerBound) * w
                    for x in 0..<w { s += Vec8(repeating: weights[base + x]) * load8(p + 8 * x) }
                } else {
                    for x in 0..<w { s += load8(p + 8 * x) }
                }
                o[block] += SIMD8<Double>(s)
            }
        }
    }

    /// The sums over `n`: the channels' (weighted) means when n is the map's pixel count.
    public func result(normalization n: Double) -> [Double] {
        var out = [Double](repeating: 0, count: channels)
        result(normalization: n, into: &out)
        return out
    }

    /// `result(normalization:)` into `out` (`channels` values).
    public func result(normalization n: Double, into out: inout [Double]) {
        precondition(out.count == channels, "ChannelSums.result: \(out.count) values for \(channels) channels")
        for c in 0..<channels { out[c] = sums[c / 8][c % 8] / n }
    }

    /// g[c, p] (+)= w(p)·d[c] / n over rows `rows` (`weights` and `row` as in `add`): the gradient through
    /// `result(normalization: n)` of Σ_c d[c]·mean[c]. With `accumulate` added, else written.
    public static func backward(_ d: [Double], normalization n: Double, weights: [Float]? = nil, rows: Range<Int>,
                                row: Int, into g: BlockedTensor, accumulate: Bool, parallel: Parallel = .serial) {
        precondition(d.count == g.shape.channels && rows.upperBound <= g.shape.height, "ChannelSums.backward: shapes")
        let w = g.shape.width
        parallel.forEach(g.blocks) { block in
            var v = Vec8.zero
            for lane in 0..<8 where 8 * block + lane < d.count { v[lane] = Float(d[8 * block + lane] / n) }
            for y in rows {
                let p = g.pointer(block: block, y: y, x: 0)
                let base = (row + y - rows.lowerBound) * w
                for x in 0..<w {
                    let add = weights.map { Vec8(repeating: $0[base + x]) * v } ?? v
                    store8(accumulate ? load8(p + 8 * x) + add : add, p + 8 * x)
                }
            }
        }
    }
}
