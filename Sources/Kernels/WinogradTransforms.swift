// The input and output transforms of Winograd F(2×2, 3×3) and F(4×4, 3×3) (Lavin & Gray 2015), one tile row of one
// channel block at a time. Plain multiplies and adds (never fused), so every target gives the same bits. Their
// scratch (at most `winogradScratchVectors` vectors) is the caller's: a temporary allocation over 1 KiB is taken from
// the heap on Linux, once per tile row.

/// Vectors of scratch a transform needs.
public let winogradScratchVectors = 108

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
                    xiStride: Int, scratch d: UnsafeMutablePointer<Vec8>) {
    do {
        let t = d + 16
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
func winograd2Output(_ m: UnsafePointer<Float>, xiStride: Int, tileRow ty: Int, tilesX: Int, _ out: OutputPlane,
                     scratch q: UnsafeMutablePointer<Vec8>) {
    do {
        let s = q + 16
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

/// F(4×4)'s Bᵀ applied to six values `stride` apart in `d`, into `t` (`tStride` apart):
/// t0 = 4d0 − 5d2 + d4, t1 = −4(d1 + d2) + d3 + d4, t2 = 4(d1 − d2) + d4 − d3,
/// t3 = −2(d1 − d3) + d4 − d2, t4 = 2(d1 − d3) + d4 − d2, t5 = 4d1 − 5d3 + d5.
@inlinable @inline(__always)
func winograd4B(_ d: UnsafeMutablePointer<Vec8>, _ stride: Int, _ t: UnsafeMutablePointer<Vec8>, _ tStride: Int) {
    let d0 = d[0], d1 = d[stride], d2 = d[2 * stride], d3 = d[3 * stride], d4 = d[4 * stride], d5 = d[5 * stride]
    let four = Vec8(repeating: 4), five = Vec8(repeating: 5), two = Vec8(repeating: 2)
    t[0] = four * d0 - five * d2 + d4
    t[tStride] = (d3 + d4) - four * (d1 + d2)
    t[2 * tStride] = four * (d1 - d2) + (d4 - d3)
    t[3 * tStride] = (d4 - d2) - two * (d1 - d3)
    t[4 * tStride] = (d4 - d2) + two * (d1 - d3)
    t[5 * tStride] = four * d1 - five * d3 + d5
}

/// F(4×4): V = Bᵀ d B for the 6×6 tiles (stride 4) of tile row `ty`.
@inlinable @inline(__always)
func winograd4Input(_ x: PaddedPlane, tileRow ty: Int, tilesX: Int, into out: UnsafeMutablePointer<Float>,
                    xiStride: Int, scratch d: UnsafeMutablePointer<Vec8>) {
    do {
        let t = d + 36, v = t + 36
        for tx in 0..<tilesX {
            gatherPatch(x, alpha: 6, m: 4, ty: ty, tx: tx, into: d)
            for c in 0..<6 { winograd4B(d + c, 6, t + c, 6) }       // t = Bᵀ d: down each column
            for r in 0..<6 { winograd4B(t + 6 * r, 1, v + 6 * r, 1) }   // V = t B: along each row
            let o = out + tx * 8
            for xi in 0..<36 { store8(v[xi], o + xi * xiStride) }
        }
    }
}

/// F(4×4)'s Aᵀ applied to six values: with a = m1 + m2, b = m1 − m2, c = m3 + m4, e = m3 − m4:
/// y0 = m0 + a + c, y1 = b + 2e, y2 = a + 4c, y3 = b + 8e + m5.
@inlinable @inline(__always)
func winograd4A(_ q: UnsafeMutablePointer<Vec8>, _ stride: Int, _ y: UnsafeMutablePointer<Vec8>, _ yStride: Int) {
    let a = q[stride] + q[2 * stride], b = q[stride] - q[2 * stride]
    let c = q[3 * stride] + q[4 * stride], e = q[3 * stride] - q[4 * stride]
    y[0] = q[0] + a + c
    y[yStride] = b + Vec8(repeating: 2) * e
    y[2 * yStride] = a + Vec8(repeating: 4) * c
    y[3 * yStride] = b + Vec8(repeating: 8) * e + q[5 * stride]
}

/// F(4×4): Y = Aᵀ M A for tile row `ty`, into the output.
@inlinable @inline(__always)
func winograd4Output(_ m: UnsafePointer<Float>, xiStride: Int, tileRow ty: Int, tilesX: Int, _ out: OutputPlane,
                     scratch q: UnsafeMutablePointer<Vec8>) {
    do {
        let s = q + 36, y = s + 24
        for tx in 0..<tilesX {
            for xi in 0..<36 { q[xi] = load8(m + xi * xiStride + tx * 8) }
            for c in 0..<6 { winograd4A(q + c, 6, s + c, 6) }       // s = Aᵀ q: 4 rows of 6
            for r in 0..<4 { winograd4A(s + 6 * r, 1, y + 4 * r, 1) }   // y = s A: 4 rows of 4
            for r in 0..<4 {
                for c in 0..<4 { out.put(y[4 * r + c], y: 4 * ty + r, x: 4 * tx + c) }
            }
        }
    }
}
