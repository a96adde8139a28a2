// The row-at-a-time sums of the Gram matrix, the losses and the border's gradient: each sums along a row in Float
// (fused where the target has FMA); the engine adds the rows in Double.

/// Gram sums of one row: for the 16 channels of blocks `p0`, `p1` and the 4 channels at `pc`, over `width` pixels,
/// Σ_x F[c, x] · F[d, x], added in Double to `t` (`t[j]` channels 0…7 × channel j, `t[4 + j]` 8…15 × j).
@inlinable @inline(__always)
func gramRow<T: KernelTarget>(_: T.Type, p0: UnsafePointer<Float>, p1: UnsafePointer<Float>, pc: UnsafePointer<Float>,
                              width: Int, into t: UnsafeMutablePointer<SIMD8<Double>>) {
    var s0 = Vec16.zero, s1 = Vec16.zero, s2 = Vec16.zero, s3 = Vec16.zero
    for x in 0..<width {
        let v = Vec16(lowHalf: load8(p0 + 8 * x), highHalf: load8(p1 + 8 * x))
        let q = pc + 8 * x
        s0 = T.madd(s0, Vec16(repeating: q[0]), v)
        s1 = T.madd(s1, Vec16(repeating: q[1]), v)
        s2 = T.madd(s2, Vec16(repeating: q[2]), v)
        s3 = T.madd(s3, Vec16(repeating: q[3]), v)
    }
    t[0] += SIMD8<Double>(s0.lowHalf); t[1] += SIMD8<Double>(s1.lowHalf)
    t[2] += SIMD8<Double>(s2.lowHalf); t[3] += SIMD8<Double>(s3.lowHalf)
    t[4] += SIMD8<Double>(s0.highHalf); t[5] += SIMD8<Double>(s1.highHalf)
    t[6] += SIMD8<Double>(s2.highHalf); t[7] += SIMD8<Double>(s3.highHalf)
}

/// Σ over `count` pixels of (a − b)², per lane.
@inlinable @inline(__always)
func squaredDifferences<T: KernelTarget>(_: T.Type, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                         count: Int) -> Vec8 {
    var s = Vec8.zero
    for x in 0..<count {
        let d = load8(a + 8 * x) - load8(b + 8 * x)
        s = T.madd(s, d, d)
    }
    return s
}

/// Σ over a row of `width` pixels of the squared differences to the pixel below (when `below`) and to the right.
@inlinable @inline(__always)
func totalVariationRow<T: KernelTarget>(_: T.Type, _ p: UnsafePointer<Float>, rowStride: Int, width: Int,
                                        below: Bool) -> Vec8 {
    var s = Vec8.zero
    for x in 0..<width {
        let v = load8(p + 8 * x)
        if below { let d = load8(p + rowStride + 8 * x) - v; s = T.madd(s, d, d) }
        if x + 1 < width { let d = load8(p + 8 * x + 8) - v; s = T.madd(s, d, d) }
    }
    return s
}

/// sum[b] += g · row[8b…8b+7] for `blocks` blocks (the border's gradient, one output channel's tap at a time).
@inlinable @inline(__always)
func scaledAdd<T: KernelTarget>(_: T.Type, _ sum: UnsafeMutablePointer<Vec8>, _ g: Float, _ row: UnsafePointer<Float>,
                                blocks: Int) {
    let gv = Vec8(repeating: g)
    for b in 0..<blocks { sum[b] = T.madd(sum[b], gv, load8(row + 8 * b)) }
}

/// The peak: `T.Chains.count` independent chains of 16-wide multiply-adds, `iterations` steps each. Returns a
/// value the caller keeps, so the loop is not removed. FLOPs: 2 · 16 · Chains.count · iterations.
@inlinable @inline(__always)
func multiplyAddChains<T: KernelTarget>(_ t: T.Type, iterations: Int, seed: Float) -> Float {
    var acc = T.Chains(repeating: Vec16(repeating: seed + 1))
    let m = Vec16(repeating: 0.999_999)
    for _ in 0..<iterations { acc.chain(t, m) }
    return acc.total
}
