// SymmetricEigen: the eigendecomposition A = V·diag(λ)·Vᵀ of a real symmetric matrix in Double — Householder
// reduction to tridiagonal form, then the implicit QL algorithm (EISPACK's tred2 and tql2, as JAMA states them;
// public domain). The W2 style loss takes its matrix square roots and their gradients from it. The inner loops run in
// Kernels (DenseDouble.swift), in the copy for this CPU.

import Kernels

/// The eigenvalues and eigenvectors of a symmetric n × n matrix. One value decomposes matrix after matrix of its
/// size in the storage it was made with (`decompose`): no allocation per matrix.
public struct SymmetricEigen {
    public let n: Int
    /// λ_i, in no particular order.
    public private(set) var values: [Double]
    /// Row i is the unit eigenvector of λ_i: vectors[i·n + k] = V[k, i].
    public private(set) var vectors: [Double]
    /// The subdiagonal between the two halves of the algorithm.
    private var e: [Double]

    /// The storage for n × n matrices; `values` and `vectors` zero until `decompose`.
    public init(n: Int) {
        precondition(n > 0, "SymmetricEigen: n = \(n)")
        self.n = n
        (values, e, vectors) = (.init(repeating: 0, count: n), .init(repeating: 0, count: n), .init(repeating: 0, count: n * n))
    }

    /// Decomposes `matrix` (n·n values, row major; only its symmetry is assumed, its lower triangle is read).
    public init(_ matrix: [Double], n: Int) {
        self.init(n: n)
        decompose(matrix)
    }

    /// Decomposes `matrix` (n·n values, row major, as `init(_:n:)`) into `values` and `vectors`.
    public mutating func decompose(_ matrix: [Double]) {
        precondition(matrix.count == n * n, "SymmetricEigen: \(matrix.count) values for n = \(n)")
        let n = self.n
        // The algorithm is written for V stored by columns (t[j·n + k] = V[k, j]): every inner loop then runs along
        // memory. A symmetric matrix is its own transpose, so the rows given are its columns.
        vectors.withUnsafeMutableBufferPointer { t in
            values.withUnsafeMutableBufferPointer { d in
                e.withUnsafeMutableBufferPointer { e in
                    matrix.withUnsafeBufferPointer { t.baseAddress!.update(from: $0.baseAddress!, count: n * n) }
                    Self.tridiagonalize(t.baseAddress!, d.baseAddress!, e.baseAddress!, n)
                    Self.diagonalize(t.baseAddress!, d.baseAddress!, e.baseAddress!, n)
                }
            }
        }
    }

    /// V·diag(f(λ))·Vᵀ, row major (symmetric).
    public func map(_ f: (Double) -> Double) -> [Double] {
        var out = [Double](repeating: 0, count: n * n), scaled = vectors
        for i in 0..<n {
            let s = f(values[i])
            for k in 0..<n { scaled[i * n + k] *= s }
        }
        // out[a, b] = Σ_i V[a, i]·f(λ_i)·V[b, i]: rows of `vectors` are the V[·, i].
        DenseMatrix.multiply(scaled, vectors, into: &out, n: n, transposingA: true)
        return out
    }

    /// tred2: Householder reduction of the symmetric matrix in `v` (by columns) to tridiagonal form; `d` the diagonal,
    /// `e` the subdiagonal (e[0] = 0), `v` the orthogonal transformation (by columns).
    static func tridiagonalize(_ v: UnsafeMutablePointer<Double>, _ d: UnsafeMutablePointer<Double>,
                               _ e: UnsafeMutablePointer<Double>, _ n: Int) {
        let kernels = InstructionSet.kernels
        @inline(__always) func at(_ row: Int, _ column: Int) -> UnsafeMutablePointer<Double> { v + column * n + row }
        for j in 0..<n { d[j] = at(n - 1, j).pointee }
        for i in stride(from: n - 1, to: 0, by: -1) {
            var scale = 0.0, h = 0.0
            for k in 0..<i { scale += abs(d[k]) }
            if scale == 0 {
                e[i] = d[i - 1]
                for j in 0..<i {
                    d[j] = at(i - 1, j).pointee
                    at(i, j).pointee = 0
                    at(j, i).pointee = 0
                }
            } else {
                for k in 0..<i {
                    d[k] /= scale
                    h += d[k] * d[k]
                }
                var f = d[i - 1], g = h.squareRoot()
                if f > 0 { g = -g }
                e[i] = scale * g
                h -= f * g
                d[i - 1] = f - g
                for j in 0..<i { e[j] = 0 }
                for j in 0..<i {
                    f = d[j]
                    at(j, i).pointee = f
                    let column = v + j * n
                    g = e[j] + column[j] * f
                    if j + 1 < i {
                        g += kernels.dot(column + j + 1, d + j + 1, count: i - j - 1)
                        kernels.addScaled(e + j + 1, column + j + 1, f, count: i - j - 1)
                    }
                    e[j] = g
                }
                f = 0
                for j in 0..<i {
                    e[j] /= h
                    f += e[j] * d[j]
                }
                let hh = f / (h + h)
                for j in 0..<i { e[j] -= hh * d[j] }
                for j in 0..<i {
                    f = d[j]
                    g = e[j]
                    let column = v + j * n
                    kernels.subtractTwo(column + j, e + j, f, d + j, g, count: i - j)
                    d[j] = at(i - 1, j).pointee
                    at(i, j).pointee = 0
                }
            }
            d[i] = h
        }
        // Accumulate the transformations.
        for i in 0..<(n - 1) {
            at(n - 1, i).pointee = at(i, i).pointee
            at(i, i).pointee = 1
            let h = d[i + 1]
            let next = v + (i + 1) * n
            if h != 0 {
                for k in 0...i { d[k] = next[k] / h }
                for j in 0...i {
                    let column = v + j * n
                    let g = kernels.dot(next, column, count: i + 1)
                    kernels.addScaled(column, d, -g, count: i + 1)   // column − g·d, the same bits
                }
            }
            for k in 0...i { next[k] = 0 }
        }
        for j in 0..<n {
            d[j] = at(n - 1, j).pointee
            at(n - 1, j).pointee = 0
        }
        at(n - 1, n - 1).pointee = 1
        e[0] = 0
    }

    /// tql2: the implicit QL algorithm on the tridiagonal matrix (`d`, `e`), its rotations applied to `v`'s columns:
    /// `d` becomes the eigenvalues, `v`'s columns the eigenvectors.
    static func diagonalize(_ v: UnsafeMutablePointer<Double>, _ d: UnsafeMutablePointer<Double>,
                            _ e: UnsafeMutablePointer<Double>, _ n: Int) {
        let kernels = InstructionSet.kernels
        for i in 1..<max(n, 1) { e[i - 1] = e[i] }
        e[n - 1] = 0
        var f = 0.0, tst1 = 0.0
        let eps = Double.ulpOfOne
        for l in 0..<n {
            tst1 = max(tst1, abs(d[l]) + abs(e[l]))
            var m = l
            while m < n - 1 && abs(e[m]) > eps * tst1 { m += 1 }
            if m > l {
                var iterations = 0
                repeat {
                    iterations += 1
                    precondition(iterations <= 60, "SymmetricEigen: no convergence")
                    var g = d[l]
                    var p = (d[l + 1] - g) / (2 * e[l])
                    var r = (p * p + 1).squareRoot()
                    if p < 0 { r = -r }
                    d[l] = e[l] / (p + r)
                    d[l + 1] = e[l] * (p + r)
                    let dl1 = d[l + 1]
                    var h = g - d[l]
                    if l + 2 < n { for i in (l + 2)..<n { d[i] -= h } }
                    f += h
                    p = d[m]
                    var c = 1.0, c2 = 1.0, c3 = 1.0, s = 0.0, s2 = 0.0
                    let el1 = e[l + 1]
                    for i in stride(from: m - 1, through: l, by: -1) {
                        c3 = c2
                        c2 = c
                        s2 = s
                        g = c * e[i]
                        h = c * p
                        r = (p * p + e[i] * e[i]).squareRoot()
                        e[i + 1] = s * r
                        s = e[i] / r
                        c = p / r
                        p = c * d[i] - s * g
                        d[i + 1] = h + s * (c * g + s * d[i])
                        kernels.rotate(v + i * n, v + (i + 1) * n, count: n, c: c, s: s)
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1
                    e[l] = s * p
                    d[l] = c * p
                } while abs(e[l]) > eps * tst1
            }
            d[l] += f
            e[l] = 0
        }
    }
}

/// Products of dense row-major n × n Double matrices (the W2 loss's), rows shared among `parallel`'s workers.
public enum DenseMatrix {
    /// out = a · b, or aᵀ · b with `transposingA`: each output Σ_k a(i, k)·b(k, j) in k order, multiplies and adds
    /// never fused, in blocks of 4 rows × 16 columns held in registers while k runs (Kernels' `denseRows`, in this
    /// CPU's copy; the plain row loop it replaced reloaded and stored its output row for every k: about 10 GFLOP/s).
    public static func multiply(_ a: [Double], _ b: [Double], into out: inout [Double], n: Int, transposingA: Bool = false,
                                parallel: Parallel = .serial) {
        precondition(a.count == n * n && b.count == n * n && out.count == n * n, "DenseMatrix.multiply: shapes")
        // a's entry (i, k) is at i·rowStep + k·columnStep.
        let (rowStep, columnStep) = transposingA ? (1, n) : (n, 1)
        let kernels = InstructionSet.kernels
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    let (pa, pb, po) = (a.baseAddress!, b.baseAddress!, o.baseAddress!)
                    parallel.forEach((n + 3) / 4) { block in
                        kernels.denseRows(pa, pb, po, n: n, rows: 4 * block, count: min(4, n - 4 * block),
                                          rowStep: rowStep, columnStep: columnStep)
                    }
                }
            }
        }
    }
}
