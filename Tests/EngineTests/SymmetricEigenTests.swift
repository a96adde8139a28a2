// SymmetricEigen and DenseMatrix: A·v = λ·v for every pair and V orthonormal, on random symmetric matrices, on ones
// with repeated and zero eigenvalues, and on the sizes of VGG19's style layers; the products against sums by hand.

import Engine
import TestSupport
import XCTest

final class SymmetricEigenTests: XCTestCase {
    func symmetric(_ n: Int, _ rng: inout SeededRandom) -> [Double] {
        let r = rng.floats(n * n).map(Double.init)
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { a[i * n + j] = r[i * n + j] + r[j * n + i] } }
        return a
    }

    /// max |A v_i − λ_i v_i| and max |VᵀV − I|, relative to A's largest entry.
    func check(_ a: [Double], _ n: Int, _ label: String, tol: Double = 1e-11) {
        let e = SymmetricEigen(a, n: n)
        let scale = max(a.map(abs).max()!, 1)
        var residual = 0.0, orthogonality = 0.0
        for i in 0..<n {
            for r in 0..<n {
                var av = 0.0
                for k in 0..<n { av += a[r * n + k] * e.vectors[i * n + k] }
                residual = max(residual, abs(av - e.values[i] * e.vectors[i * n + r]) / scale)
            }
            for j in 0..<n {
                var d = 0.0
                for k in 0..<n { d += e.vectors[i * n + k] * e.vectors[j * n + k] }
                orthogonality = max(orthogonality, abs(d - (i == j ? 1 : 0)))
            }
        }
        XCTAssertLessThan(residual, tol * Double(n), "\(label): A v − λ v")
        XCTAssertLessThan(orthogonality, tol * Double(n), "\(label): VᵀV − I")
        // The trace is the eigenvalues' sum.
        let trace = (0..<n).reduce(0.0) { $0 + a[$1 * n + $1] }
        XCTAssertEqual(e.values.reduce(0, +), trace, accuracy: tol * Double(n) * scale, "\(label): trace")
    }

    func testRandomSymmetricMatrices() {
        var rng = SeededRandom(seed: 5)
        for n in [1, 2, 3, 7, 16, 64, 130] { check(symmetric(n, &rng), n, "random \(n)") }
    }

    func testRepeatedAndZeroEigenvalues() {
        check([Double](repeating: 0, count: 25), 5, "zero")
        var identity = [Double](repeating: 0, count: 36)
        for i in 0..<6 { identity[i * 6 + i] = 1 }
        check(identity, 6, "identity")
        // Rank 2 in 8 dimensions: six zero eigenvalues (a covariance of two pixels).
        var rng = SeededRandom(seed: 9)
        let u = rng.floats(8).map(Double.init), v = rng.floats(8).map(Double.init)
        var a = [Double](repeating: 0, count: 64)
        for i in 0..<8 { for j in 0..<8 { a[i * 8 + j] = 3 * u[i] * u[j] + v[i] * v[j] } }
        check(a, 8, "rank 2")
        let e = SymmetricEigen(a, n: 8)
        XCTAssertEqual(e.values.filter { abs($0) < 1e-12 }.count, 6)
    }

    /// √A·√A = A for a covariance (positive semi-definite).
    func testSquareRoot() {
        var rng = SeededRandom(seed: 3)
        let n = 40, f = rng.floats(n * 60).map(Double.init)
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { for p in 0..<60 { a[i * n + j] += f[i * 60 + p] * f[j * 60 + p] / 60 } } }
        let root = SymmetricEigen(a, n: n).map { abs($0).squareRoot() }
        var square = [Double](repeating: 0, count: n * n)
        DenseMatrix.multiply(root, root, into: &square, n: n)
        assertClose(square, a, rel: 1e-10, abs: 1e-12, dims: [n, n], "√A·√A")
    }

    func testProductsAgainstSumsByHand() {
        var rng = SeededRandom(seed: 4)
        let n = 13, a = rng.floats(n * n).map(Double.init), b = rng.floats(n * n).map(Double.init)
        var ab = [Double](repeating: 0, count: n * n), atb = ab
        DenseMatrix.multiply(a, b, into: &ab, n: n, parallel: Parallel(workers: 2))
        DenseMatrix.multiply(a, b, into: &atb, n: n, transposingA: true, parallel: Parallel(workers: 2))
        for i in 0..<n {
            for j in 0..<n {
                var s = 0.0, t = 0.0
                for k in 0..<n { s += a[i * n + k] * b[k * n + j]; t += a[k * n + i] * b[k * n + j] }
                XCTAssertEqual(ab[i * n + j], s, accuracy: 1e-12)
                XCTAssertEqual(atb[i * n + j], t, accuracy: 1e-12)
            }
        }
    }

    /// The style layers' widths decompose: a 512-channel covariance of a feature map with fewer pixels than
    /// channels (most eigenvalues ε), as block5_conv1's at small sizes.
    func testStyleLayerSizes() {
        var rng = SeededRandom(seed: 8)
        for (n, pixels) in [(64, 500), (512, 40)] {
            let f = rng.floats(n * pixels).map { Double(max($0, 0)) * 50 }
            var a = [Double](repeating: 0, count: n * n)
            for i in 0..<n { for j in 0...i {
                var s = 0.0
                for p in 0..<pixels { s += f[i * pixels + p] * f[j * pixels + p] }
                a[i * n + j] = s / Double(pixels); a[j * n + i] = a[i * n + j]
            } }
            for i in 0..<n { a[i * n + i] += 1e-4 }
            check(a, n, "covariance \(n)×\(n) of \(pixels) pixels", tol: 1e-12)
        }
    }
}
