// The matrices of Winograd's minimal filtering F(m, 3) built from its evaluation points by the Toom–Cook
// construction (Lavin & Gray 2015, section 4; Barabasz et al. 2020, section 3): m outputs of a 3-tap correlation
// from α = m + 2 inputs, y = Aᵀ[(G g) ⊙ (Bᵀ d)], with α − 1 finite points p_j and the point at infinity. Built
// once, in Double; the kernels apply Bᵀ and Aᵀ in Float (WinogradTransforms.swift), the engine rounds G g Gᵀ once
// per weight.
//
// The correlation is the transpose of the linear convolution s = g ∗ h (Toom–Cook: evaluate both at the points,
// multiply, interpolate). Evaluation gives Aᵀ (row i: p_j^i; the column of ∞: 1 in the last row) and G (row j:
// 1, p_j, p_j² over f_j; the row of ∞: 0, 0, 1). Interpolation, by Lagrange, gives Bᵀ: row j is f_j times the
// coefficients of L_j(x) = Π_{l≠j}(x − p_l) / f_j, and the row of ∞ those of N(x) = Π_l (x − p_l); with
// f_j = Π_{l≠j}(p_j − p_l), Bᵀ is the polynomials' coefficients themselves: exact for points like 0, ±1, ±½, ±2.

/// Winograd F(m, 3)'s Aᵀ (m×α), G (α×3) and Bᵀ (α×α) for given evaluation points.
public struct WinogradTransform: Sendable, Equatable, CustomStringConvertible {
    /// Outputs per tile side.
    public let m: Int
    /// The finite evaluation points (α − 1 of them; the last point is ∞).
    public let points: [Double]
    /// Aᵀ, m rows of α.
    public let at: [[Double]]
    /// G, α rows of 3.
    public let g: [[Double]]
    /// Bᵀ, α rows of α.
    public let bt: [[Double]]

    /// Inputs per tile side.
    public var alpha: Int { m + 2 }

    /// `infinity` (±1) multiplies the row of ∞ in Bᵀ and its column in Aᵀ (the product is unchanged); f_0 is taken
    /// positive (Lavin & Gray's signs, as wincnn prints them).
    public init(m: Int, points: [Double], infinity: Double = 1) {
        let alpha = m + 2, n = alpha - 1
        precondition(points.count == n && Set(points).count == n, "WinogradTransform: \(n) distinct finite points")
        precondition(abs(infinity) == 1, "WinogradTransform: the row of ∞ is multiplied by ±1")
        self.m = m
        self.points = points
        func power(_ x: Double, _ k: Int) -> Double { (0..<k).reduce(1.0) { r, _ in r * x } }
        let others = (0..<n).map { j in points.enumerated().filter { $0.offset != j }.map(\.element) }
        var f = (0..<n).map { j in others[j].reduce(1.0) { $0 * (points[j] - $1) } }
        let sign0: Double = f[0] < 0 ? -1 : 1
        f[0] *= sign0
        at = (0..<m).map { i in (0..<n).map { power(points[$0], i) } + [i == m - 1 ? infinity : 0] }
        g = (0..<n).map { j in (0..<3).map { power(points[j], $0) / f[j] } } + [[0, 0, 1]]
        bt = (0..<n).map { j in Self.coefficients(others[j], count: alpha).map { $0 * (j == 0 ? sign0 : 1) } }
            + [Self.coefficients(points, count: alpha).map { $0 * infinity }]
    }

    public var description: String {
        "F(\(m)×\(m)) {" + points.map { $0 == $0.rounded() ? String(Int($0)) : String($0) }.joined(separator: ", ")
            + ", ∞}"
    }

    /// The coefficients (constant first, `count` of them) of Π (x − r) over `roots`.
    static func coefficients(_ roots: [Double], count: Int) -> [Double] {
        var c = [1.0] + [Double](repeating: 0, count: count - 1)
        for r in roots {
            for k in stride(from: count - 1, to: 0, by: -1) { c[k] = c[k - 1] - r * c[k] }
            c[0] = -r * c[0]
        }
        return c.map { $0 == 0 ? 0 : $0 }   // no −0
    }
}

extension WinogradTransform {
    /// F(2×2) with the points 0, ±1 and Lavin & Gray's signs: its transforms are the kernels' hand-written ones.
    public static let f2 = WinogradTransform(m: 2, points: [0, 1, -1], infinity: -1)
    /// F(4×4) with the textbook points 0, ±1, ±2 (Lavin & Gray's).
    public static let f4Textbook = WinogradTransform(m: 4, points: [0, 1, -1, 2, -2])
    /// F(4×4) with the points 0, ±7/10, ±3/2 (Lavin's later choice, NervanaSystems/neon #224): of the sets measured
    /// on VGG19's layers, the closest to float64 (WinogradAccuracyTests, docs/engine.md).
    public static let f4 = WinogradTransform(m: 4, points: [0, 0.7, -0.7, 1.5, -1.5])
}

/// Bᵀ or Aᵀ as the kernels apply it: each row's nonzero terms, in column order, in Float. Made once per layer.
public final class WinogradRows: @unchecked Sendable {
    public let rows: Int, columns: Int
    /// Row r's terms are `start[r]..<start[r + 1]`: `coefficient[k]` times column `column[k]`.
    public let start: UnsafeMutablePointer<Int>
    public let column: UnsafeMutablePointer<Int>
    public let coefficient: UnsafeMutablePointer<Float>

    public init(_ matrix: [[Double]]) {
        rows = matrix.count
        columns = matrix[0].count
        let terms = matrix.map { row in row.enumerated().filter { $0.element != 0 } }
        let count = terms.reduce(0) { $0 + $1.count }
        start = .allocate(capacity: rows + 1)
        column = .allocate(capacity: count)
        coefficient = .allocate(capacity: count)
        var k = 0
        for (r, row) in terms.enumerated() {
            start[r] = k
            for (c, v) in row {
                precondition(Float(v) != 0, "WinogradRows: a coefficient that rounds to zero")
                (column[k], coefficient[k]) = (c, Float(v))
                k += 1
            }
        }
        start[rows] = k
    }

    deinit {
        start.deallocate()
        column.deallocate()
        coefficient.deallocate()
    }

    /// Row r applied to the vectors `x` (one per column): Σ coefficient · x[column], multiplies and adds in column
    /// order, never fused.
    @inlinable @inline(__always) public func apply(_ r: Int, _ x: UnsafePointer<Vec8>) -> Vec8 {
        var k = start[r]
        let end = start[r + 1]
        var sum = Vec8(repeating: coefficient[k]) * x[column[k]]
        k += 1
        while k < end {
            sum = sum + Vec8(repeating: coefficient[k]) * x[column[k]]
            k += 1
        }
        return sum
    }
}

/// A transform as the kernels run it: F(2×2) with its points 0, ±1 by hand-written transforms, F(4×4) with points
/// {0, ±a, ±b} by factored ones (SymmetricF4), any other by Bᵀ's and Aᵀ's rows (a third slower at 64 channels).
public final class WinogradKernel: @unchecked Sendable {
    public let transform: WinogradTransform
    public let bt: WinogradRows, at: WinogradRows
    public let handWritten: Bool
    public let symmetric: SymmetricF4?

    /// `generic`: by the rows even where a hand-written or factored transform exists (to compare them).
    public init(_ transform: WinogradTransform, generic: Bool = false) {
        precondition(transform.alpha <= 8, "WinogradKernel: tiles of at most 8×8 inputs")
        self.transform = transform
        bt = WinogradRows(transform.bt)
        at = WinogradRows(transform.at)
        handWritten = !generic && transform == .f2
        symmetric = generic ? nil : SymmetricF4(transform)
    }

    /// Multiplies and adds of the input transform per tile and channel: 2α one-dimensional transforms (F(2×2): 4
    /// adds each; SymmetricF4.input: 10 multiplies and 12 adds; the rows: 2 per term but the first of each row).
    public var inputFlops: Int {
        let alpha = transform.alpha
        if handWritten { return 2 * alpha * 4 }
        if symmetric != nil { return 2 * alpha * 22 }
        return 2 * alpha * (2 * bt.start[bt.rows] - bt.rows)
    }

    /// Multiplies and adds of the output transform per tile and channel: α one-dimensional transforms down the
    /// columns, m along the rows (F(2×2): 4 adds each; SymmetricF4.output: 6 multiplies and 10 adds).
    public var outputFlops: Int {
        let (alpha, m) = (transform.alpha, transform.m)
        if handWritten { return (alpha + m) * 4 }
        if symmetric != nil { return (alpha + m) * 16 }
        return (alpha + m) * (2 * at.start[at.rows] - at.rows)
    }
}
