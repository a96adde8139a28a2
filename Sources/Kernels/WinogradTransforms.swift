// The input and output transforms of Winograd F(2×2, 3×3) and F(4×4, 3×3) (Lavin & Gray 2015), one tile row of one
// channel block at a time. Plain multiplies and adds (never fused), so every target gives the same bits. Their
// scratch is on the stack in pieces of at most 1 KiB (a larger temporary allocation is taken from the heap on Linux;
// scratch handed in by the caller could alias the output, so the compiler reloaded it after every store: the
// shallow layers ran 15–25 % slower).

/// A channel block of a padded map `[H+2][W+2][8]`: where it starts (row −1, column −1) and its size.
public struct PaddedPlane {
    public var base: UnsafePointer<Float>
    public var height: Int, width: Int, rowStride: Int

    @inlinable public init(base: UnsafePointer<Float>, height: Int, width: Int, rowStride: Int) {
        (self.base, self.height, self.width, self.rowStride) = (base, height, width, rowStride)
    }
}

/// An output channel block `[H+2][W+2][8]` to write (or add) a tile row's outputs to.
public struct OutputPlane {
    public var base: UnsafeMutablePointer<Float>
    public var height: Int, width: Int, rowStride: Int
    public var bias: Vec8
    public var relu: Bool, accumulate: Bool

    @inlinable public init(base: UnsafeMutablePointer<Float>, height: Int, width: Int, rowStride: Int, bias: Vec8,
                           relu: Bool, accumulate: Bool) {
        (self.base, self.height, self.width, self.rowStride) = (base, height, width, rowStride)
        (self.bias, self.relu, self.accumulate) = (bias, relu, accumulate)
    }

    /// Writes (or adds) `value` + bias, ReLU, at interior pixel (y, x) when it lies inside the map.
    @inlinable @inline(__always) func put(_ value: Vec8, y: Int, x: Int) {
        guard y < height && x < width else { return }
        let p = base + (y + 1) * rowStride + (x + 1) * 8
        var v = value + bias
        if accumulate { v += load8(p) }
        if relu { v = relu8(v) }
        store8(v, p)
    }
}

/// Gathers the α×α patch of tile (ty, tx) with stride m (padded rows m·ty…, zero beyond the border) into `d`.
@inlinable @inline(__always)
func gatherPatch(_ x: PaddedPlane, alpha: Int, m: Int, ty: Int, tx: Int, into d: UnsafeMutablePointer<Vec8>) {
    let interior = m * ty + alpha - 1 <= x.height + 1 && m * tx + alpha - 1 <= x.width + 1
    for r in 0..<alpha {
        let py = m * ty + r
        for c in 0..<alpha {
            let px = m * tx + c
            d[r * alpha + c] = interior || (py <= x.height + 1 && px <= x.width + 1)
                ? load8(x.base + py * x.rowStride + px * 8) : .zero
        }
    }
}

/// F(2×2): V = Bᵀ d B for the 4×4 tiles of tile row `ty`; V[ξ] of tile tx at `out + ξ·xiStride + 8·tx`.
@inlinable @inline(__always)
func winograd2Input(_ x: PaddedPlane, tileRow ty: Int, tilesX: Int, into out: UnsafeMutablePointer<Float>,
                    xiStride: Int) {
    withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 32) { scratch in
        let d = scratch.baseAddress!, t = d + 16
        for tx in 0..<tilesX {
            gatherPatch(x, alpha: 4, m: 2, ty: ty, tx: tx, into: d)
            // t = Bᵀ d (rows), then V = t B (columns).
            for c in 0..<4 {
                t[c] = d[c] - d[8 + c]; t[4 + c] = d[4 + c] + d[8 + c]
                t[8 + c] = d[8 + c] - d[4 + c]; t[12 + c] = d[4 + c] - d[12 + c]
            }
            let o = out + tx * 8
            for r in 0..<4 {
                let row = 4 * r
                store8(t[row] - t[row + 2], o + (row + 0) * xiStride)
                store8(t[row + 1] + t[row + 2], o + (row + 1) * xiStride)
                store8(t[row + 2] - t[row + 1], o + (row + 2) * xiStride)
                store8(t[row + 1] - t[row + 3], o + (row + 3) * xiStride)
            }
        }
    }
}

/// F(2×2): Y = Aᵀ M A for tile row `ty` (M[ξ] of tile tx at `m + ξ·xiStride + 8·tx`), into the output.
@inlinable @inline(__always)
func winograd2Output(_ m: UnsafePointer<Float>, xiStride: Int, tileRow ty: Int, tilesX: Int, _ out: OutputPlane) {
    withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 24) { scratch in
        let q = scratch.baseAddress!, s = q + 16
        for tx in 0..<tilesX {
            for xi in 0..<16 { q[xi] = load8(m + xi * xiStride + tx * 8) }
            // s = Aᵀ q (rows 0, 1), then y = s A (columns).
            for c in 0..<4 {
                s[c] = q[c] + q[4 + c] + q[8 + c]
                s[4 + c] = q[4 + c] - q[8 + c] - q[12 + c]
            }
            for r in 0..<2 {
                out.put(s[4 * r] + s[4 * r + 1] + s[4 * r + 2], y: 2 * ty + r, x: 2 * tx)
                out.put(s[4 * r + 1] - s[4 * r + 2] - s[4 * r + 3], y: 2 * ty + r, x: 2 * tx + 1)
            }
        }
    }
}

/// F(4×4)'s Bᵀ applied to six values: t0 = 4d0 − 5d2 + d4, t1 = −4(d1 + d2) + d3 + d4, t2 = 4(d1 − d2) + d4 − d3,
/// t3 = −2(d1 − d3) + d4 − d2, t4 = 2(d1 − d3) + d4 − d2, t5 = 4d1 − 5d3 + d5.
@inlinable @inline(__always)
func winograd4B(_ d0: Vec8, _ d1: Vec8, _ d2: Vec8, _ d3: Vec8, _ d4: Vec8, _ d5: Vec8)
    -> (Vec8, Vec8, Vec8, Vec8, Vec8, Vec8) {
    let four = Vec8(repeating: 4), five = Vec8(repeating: 5), two = Vec8(repeating: 2)
    return (four * d0 - five * d2 + d4, (d3 + d4) - four * (d1 + d2), four * (d1 - d2) + (d4 - d3),
            (d4 - d2) - two * (d1 - d3), (d4 - d2) + two * (d1 - d3), four * d1 - five * d3 + d5)
}

/// F(4×4): V = Bᵀ d B for the 6×6 tiles (stride 4) of tile row `ty`: Bᵀ down each column of the patch (t, in two
/// stack pieces of 3 rows), then B along each row of t, stored as it comes.
@inlinable @inline(__always)
func winograd4Input(_ x: PaddedPlane, tileRow ty: Int, tilesX: Int, into out: UnsafeMutablePointer<Float>,
                    xiStride: Int) {
    withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 18) { topRows in
    withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 18) { bottomRows in
        let top = topRows.baseAddress!, bottom = bottomRows.baseAddress!
        for tx in 0..<tilesX {
            let interior = 4 * ty + 5 <= x.height + 1 && 4 * tx + 5 <= x.width + 1
            @inline(__always) func d(_ r: Int, _ c: Int) -> Vec8 {
                let (py, px) = (4 * ty + r, 4 * tx + c)
                return interior || (py <= x.height + 1 && px <= x.width + 1)
                    ? load8(x.base + py * x.rowStride + px * 8) : .zero
            }
            for c in 0..<6 {
                let t = winograd4B(d(0, c), d(1, c), d(2, c), d(3, c), d(4, c), d(5, c))
                (top[c], top[6 + c], top[12 + c]) = (t.0, t.1, t.2)
                (bottom[c], bottom[6 + c], bottom[12 + c]) = (t.3, t.4, t.5)
            }
            let o = out + tx * 8
            for r in 0..<6 {
                let row = r < 3 ? top + 6 * r : bottom + 6 * (r - 3)
                let v = winograd4B(row[0], row[1], row[2], row[3], row[4], row[5])
                store8(v.0, o + (6 * r) * xiStride); store8(v.1, o + (6 * r + 1) * xiStride)
                store8(v.2, o + (6 * r + 2) * xiStride); store8(v.3, o + (6 * r + 3) * xiStride)
                store8(v.4, o + (6 * r + 4) * xiStride); store8(v.5, o + (6 * r + 5) * xiStride)
            }
        }
    }
    }
}

/// F(4×4)'s Aᵀ applied to six values: with a = m1 + m2, b = m1 − m2, c = m3 + m4, e = m3 − m4:
/// y0 = m0 + a + c, y1 = b + 2e, y2 = a + 4c, y3 = b + 8e + m5.
@inlinable @inline(__always)
func winograd4A(_ q0: Vec8, _ q1: Vec8, _ q2: Vec8, _ q3: Vec8, _ q4: Vec8, _ q5: Vec8) -> (Vec8, Vec8, Vec8, Vec8) {
    let a = q1 + q2, b = q1 - q2, c = q3 + q4, e = q3 - q4
    return (q0 + a + c, b + Vec8(repeating: 2) * e, a + Vec8(repeating: 4) * c, b + Vec8(repeating: 8) * e + q5)
}

/// F(4×4): Y = Aᵀ M A for tile row `ty`, into the output: Aᵀ down each column of M (s, 4 rows of 6 on the stack),
/// then A along each row of s.
@inlinable @inline(__always)
func winograd4Output(_ m: UnsafePointer<Float>, xiStride: Int, tileRow ty: Int, tilesX: Int, _ out: OutputPlane) {
    withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 24) { scratch in
        let s = scratch.baseAddress!
        for tx in 0..<tilesX {
            @inline(__always) func q(_ xi: Int) -> Vec8 { load8(m + xi * xiStride + tx * 8) }
            for c in 0..<6 {
                let column = winograd4A(q(c), q(6 + c), q(12 + c), q(18 + c), q(24 + c), q(30 + c))
                (s[c], s[6 + c], s[12 + c], s[18 + c]) = column
            }
            for r in 0..<4 {
                let row = s + 6 * r
                let y = winograd4A(row[0], row[1], row[2], row[3], row[4], row[5])
                out.put(y.0, y: 4 * ty + r, x: 4 * tx)
                out.put(y.1, y: 4 * ty + r, x: 4 * tx + 1)
                out.put(y.2, y: 4 * ty + r, x: 4 * tx + 2)
                out.put(y.3, y: 4 * ty + r, x: 4 * tx + 3)
            }
        }
    }
}
