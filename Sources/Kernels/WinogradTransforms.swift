// The input and output transforms of Winograd F(m×m, 3×3) (Lavin & Gray 2015), one tile row of one
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

    /// Whether the α×α patch starting at padded (y, x) lies wholly inside the padded map.
    @inlinable @inline(__always) func holds(alpha: Int, y: Int, x: Int) -> Bool {
        y + alpha - 1 <= height + 1 && x + alpha - 1 <= width + 1
    }

    /// The value at padded (py, px), zero beyond the padded map (`inside`: known to lie inside).
    @inlinable @inline(__always) func value(py: Int, px: Int, inside: Bool) -> Vec8 {
        inside || (py <= height + 1 && px <= width + 1) ? load8(base + py * rowStride + px * 8) : .zero
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
    let interior = x.holds(alpha: alpha, y: m * ty, x: m * tx)
    for r in 0..<alpha {
        for c in 0..<alpha { d[r * alpha + c] = x.value(py: m * ty + r, px: m * tx + c, inside: interior) }
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

/// F(4×4) with symmetric points {0, ±a, ±b, ∞}: Bᵀ's and Aᵀ's entries (as the construction makes them, rounded to
/// Float) in the places the factored transforms use them.
public struct SymmetricF4: Sendable {
    /// Bᵀ: row 0 = [a²b², 0, −(a²+b²), 0, 1, 0], rows ±a = [0, ∓ab², −b², ±a, 1, 0], rows ±b likewise with a and b
    /// swapped, row ∞ = [0, a²b², 0, −(a²+b²), 0, 1].
    public let a2b2, a2PlusB2, ab2, b2, a, ba2, a2, b: Float
    /// Aᵀ's columns ±a = [1, ±a, a², ±a³], ±b likewise: a, a², a³, b, b², b³.
    public let aPowers: (Float, Float, Float), bPowers: (Float, Float, Float)

    /// The constants of `t` when its points are {0, a, −a, b, −b} in that order, else nil.
    public init?(_ t: WinogradTransform) {
        let p = t.points
        guard t.m == 4, p[0] == 0, p[2] == -p[1], p[4] == -p[3] else { return nil }
        let (bt, at) = (t.bt.map { $0.map(Float.init) }, t.at.map { $0.map(Float.init) })
        (a2b2, a2PlusB2) = (bt[0][0], -bt[0][2])
        (ab2, b2, a) = (-bt[1][1], -bt[1][2], bt[1][3])
        (ba2, a2, b) = (-bt[3][1], -bt[3][2], bt[3][3])
        aPowers = (at[1][1], at[2][1], at[3][1])
        bPowers = (at[1][3], at[2][3], at[3][3])
        // Every entry where the factored transforms assume it (the construction's signs and zeros).
        let expected: [[Float]] = [[a2b2, 0, -a2PlusB2, 0, 1, 0], [0, -ab2, -b2, a, 1, 0], [0, ab2, -b2, -a, 1, 0],
                                   [0, -ba2, -a2, b, 1, 0], [0, ba2, -a2, -b, 1, 0], [0, a2b2, 0, -a2PlusB2, 0, 1]]
        let expectedA: [[Float]] = [[1, 1, 1, 1, 1, 0], [0, aPowers.0, -aPowers.0, bPowers.0, -bPowers.0, 0],
                                    [0, aPowers.1, aPowers.1, bPowers.1, bPowers.1, 0],
                                    [0, aPowers.2, -aPowers.2, bPowers.2, -bPowers.2, 1]]
        guard bt == expected, at == expectedA else { return nil }
    }

    /// Bᵀ applied to six values: t0 = a²b²d0 − (a²+b²)d2 + d4; with e = d4 − b²d2, o = a·d3 − ab²·d1:
    /// t±a = e ± o; t±b likewise; t∞ = a²b²d1 − (a²+b²)d3 + d5.
    @inlinable @inline(__always)
    func input(_ d0: Vec8, _ d1: Vec8, _ d2: Vec8, _ d3: Vec8, _ d4: Vec8, _ d5: Vec8)
        -> (Vec8, Vec8, Vec8, Vec8, Vec8, Vec8) {
        let (c, s) = (Vec8(repeating: a2b2), Vec8(repeating: a2PlusB2))
        let ea = d4 - Vec8(repeating: b2) * d2, oa = Vec8(repeating: a) * d3 - Vec8(repeating: ab2) * d1
        let eb = d4 - Vec8(repeating: a2) * d2, ob = Vec8(repeating: b) * d3 - Vec8(repeating: ba2) * d1
        return (c * d0 - s * d2 + d4, ea + oa, ea - oa, eb + ob, eb - ob, c * d1 - s * d3 + d5)
    }

    /// Aᵀ applied to six values: with p = q1 + q2, n = q1 − q2, P = q3 + q4, N = q3 − q4:
    /// y0 = q0 + p + P, y1 = a·n + b·N, y2 = a²p + b²P, y3 = a³n + b³N + q5.
    @inlinable @inline(__always)
    func output(_ q0: Vec8, _ q1: Vec8, _ q2: Vec8, _ q3: Vec8, _ q4: Vec8, _ q5: Vec8) -> (Vec8, Vec8, Vec8, Vec8) {
        let (p, n, pp, nn) = (q1 + q2, q1 - q2, q3 + q4, q3 - q4)
        return (q0 + p + pp,
                Vec8(repeating: aPowers.0) * n + Vec8(repeating: bPowers.0) * nn,
                Vec8(repeating: aPowers.1) * p + Vec8(repeating: bPowers.1) * pp,
                Vec8(repeating: aPowers.2) * n + Vec8(repeating: bPowers.2) * nn + q5)
    }
}

/// F(4×4), symmetric points: V = Bᵀ d B for the 6×6 tiles (stride 4) of tile row `ty`: Bᵀ down each column of
/// the patch (t, in two stack pieces of 3 rows), then B along each row of t, stored as it comes.
@inlinable @inline(__always)
func winograd4Input(_ f: SymmetricF4, _ x: PaddedPlane, tileRow ty: Int, tilesX: Int,
                    into out: UnsafeMutablePointer<Float>, xiStride: Int) {
    withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 18) { topRows in
    withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 18) { bottomRows in
        let top = topRows.baseAddress!, bottom = bottomRows.baseAddress!
        for tx in 0..<tilesX {
            let interior = x.holds(alpha: 6, y: 4 * ty, x: 4 * tx)
            @inline(__always) func d(_ r: Int, _ c: Int) -> Vec8 { x.value(py: 4 * ty + r, px: 4 * tx + c, inside: interior) }
            for c in 0..<6 {
                let t = f.input(d(0, c), d(1, c), d(2, c), d(3, c), d(4, c), d(5, c))
                (top[c], top[6 + c], top[12 + c]) = (t.0, t.1, t.2)
                (bottom[c], bottom[6 + c], bottom[12 + c]) = (t.3, t.4, t.5)
            }
            let o = out + tx * 8
            for r in 0..<6 {
                let row = r < 3 ? top + 6 * r : bottom + 6 * (r - 3)
                let v = f.input(row[0], row[1], row[2], row[3], row[4], row[5])
                store8(v.0, o + (6 * r) * xiStride); store8(v.1, o + (6 * r + 1) * xiStride)
                store8(v.2, o + (6 * r + 2) * xiStride); store8(v.3, o + (6 * r + 3) * xiStride)
                store8(v.4, o + (6 * r + 4) * xiStride); store8(v.5, o + (6 * r + 5) * xiStride)
            }
        }
    }
    }
}

/// F(4×4), symmetric points: Y = Aᵀ M A for tile row `ty`, into the output: Aᵀ down each column of M (s, 4 rows of
/// 6 on the stack), then A along each row of s.
@inlinable @inline(__always)
func winograd4Output(_ f: SymmetricF4, _ m: UnsafePointer<Float>, xiStride: Int, tileRow ty: Int, tilesX: Int,
                     _ out: OutputPlane) {
    withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 24) { scratch in
        let s = scratch.baseAddress!
        for tx in 0..<tilesX {
            @inline(__always) func q(_ xi: Int) -> Vec8 { load8(m + xi * xiStride + tx * 8) }
            for c in 0..<6 {
                let column = f.output(q(c), q(6 + c), q(12 + c), q(18 + c), q(24 + c), q(30 + c))
                (s[c], s[6 + c], s[12 + c], s[18 + c]) = column
            }
            for r in 0..<4 {
                let row = s + 6 * r
                let y = f.output(row[0], row[1], row[2], row[3], row[4], row[5])
                out.put(y.0, y: 4 * ty + r, x: 4 * tx)
                out.put(y.1, y: 4 * ty + r, x: 4 * tx + 1)
                out.put(y.2, y: 4 * ty + r, x: 4 * tx + 2)
                out.put(y.3, y: 4 * ty + r, x: 4 * tx + 3)
            }
        }
    }
}

/// F(m×m) for any points (α = m + 2 ≤ 8): V = Bᵀ d B for the α×α tiles (stride m) of tile row `ty`: each column
/// of the patch loaded, Bᵀ down it (t, in two stack pieces of at most α/2 rows), then Bᵀ along each row of t, stored
/// as it comes.
@inlinable @inline(__always)
func winogradInput(_ bt: WinogradRows, _ x: PaddedPlane, tileRow ty: Int, tilesX: Int,
                   into out: UnsafeMutablePointer<Float>, xiStride: Int) {
    let alpha = bt.rows, m = alpha - 2, half = (alpha + 1) / 2
    withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 32) { topRows in
    withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 32) { bottomRows in
    withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 8) { line in
        let (top, bottom, d) = (topRows.baseAddress!, bottomRows.baseAddress!, line.baseAddress!)
        for tx in 0..<tilesX {
            let interior = x.holds(alpha: alpha, y: m * ty, x: m * tx)
            for c in 0..<alpha {
                for r in 0..<alpha { d[r] = x.value(py: m * ty + r, px: m * tx + c, inside: interior) }
                for r in 0..<alpha {
                    let v = bt.apply(r, d)
                    if r < half { top[alpha * r + c] = v } else { bottom[alpha * (r - half) + c] = v }
                }
            }
            let o = out + tx * 8
            for r in 0..<alpha {
                let row = r < half ? top + alpha * r : bottom + alpha * (r - half)
                for c in 0..<alpha { store8(bt.apply(c, row), o + (alpha * r + c) * xiStride) }
            }
        }
    }
    }
    }
}

/// F(m×m) for any points: Y = Aᵀ M A for tile row `ty`, into the output: each column of M loaded, Aᵀ down it (s,
/// in two stack pieces of at most m/2 rows), then Aᵀ along each row of s.
@inlinable @inline(__always)
func winogradOutput(_ at: WinogradRows, _ products: UnsafePointer<Float>, xiStride: Int, tileRow ty: Int,
                    tilesX: Int, _ out: OutputPlane) {
    let (m, alpha) = (at.rows, at.columns), half = (m + 1) / 2
    withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 32) { topRows in
    withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 32) { bottomRows in
    withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 8) { line in
        let (top, bottom, q) = (topRows.baseAddress!, bottomRows.baseAddress!, line.baseAddress!)
        for tx in 0..<tilesX {
            for c in 0..<alpha {
                for r in 0..<alpha { q[r] = load8(products + (alpha * r + c) * xiStride + tx * 8) }
                for i in 0..<m {
                    let v = at.apply(i, q)
                    if i < half { top[alpha * i + c] = v } else { bottom[alpha * (i - half) + c] = v }
                }
            }
            for i in 0..<m {
                let row = i < half ? top + alpha * i : bottom + alpha * (i - half)
                for j in 0..<m { out.put(at.apply(j, row), y: m * ty + i, x: m * tx + j) }
            }
        }
    }
    }
    }
}
