// The Toom–Cook construction (WinogradTransform) against the definition of the correlation it computes, and
// against Lavin & Gray's published matrices; the kernels' generic transforms against the hand-written F(2×2).

import Engine
import Kernels
import KernelsBaseline
import TestSupport
import XCTest

final class WinogradTransformTests: XCTestCase {
    /// y_i = Σ_k g_k d_{i+k}, computed as Aᵀ[(G g) ⊙ (Bᵀ d)] in Double, for point sets of F(2), F(4) and F(6).
    func testEveryPointSetComputesTheCorrelation() {
        var rng = SeededRandom(seed: 3)
        let sets: [(Int, [Double])] = [(2, [0, 1, -1]), (4, [0, 1, -1, 2, -2]), (4, [0, -1, 1, 0.5, -2]),
                                       (4, [0, 0.7, -0.7, 1.5, -1.5]), (6, [0, 1, -1, 0.5, -0.5, 2, -2])]
        for (m, points) in sets {
            let t = WinogradTransform(m: m, points: points)
            for _ in 0..<5 {
                let g = rng.floats(3).map(Double.init), d = rng.floats(m + 2).map(Double.init)
                let u = t.g.map { row in zip(row, g).reduce(0) { $0 + $1.0 * $1.1 } }
                let v = t.bt.map { row in zip(row, d).reduce(0) { $0 + $1.0 * $1.1 } }
                let y = t.at.map { row in (0..<(m + 2)).reduce(0) { $0 + row[$1] * u[$1] * v[$1] } }
                for i in 0..<m {
                    let expected = (0..<3).reduce(0.0) { $0 + g[$1] * d[i + $1] }
                    XCTAssertEqual(y[i], expected, accuracy: 1e-12, "\(t) output \(i)")
                }
            }
        }
    }

    /// The points 0, ±1 (, ±2) give Lavin & Gray's matrices (their paper's F(2×2) and F(4×4), as wincnn prints them).
    func testTheTextbookPointsGiveLavinAndGraysMatrices() {
        XCTAssertEqual(WinogradTransform.f2.bt, [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]])
        XCTAssertEqual(WinogradTransform.f2.g, [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]])
        XCTAssertEqual(WinogradTransform.f2.at, [[1, 1, 1, 0], [0, 1, -1, -1]])
        let f4 = WinogradTransform.f4Textbook
        XCTAssertEqual(f4.bt, [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
                               [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]])
        XCTAssertEqual(f4.at, [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]])
        let g4: [[Double]] = [[1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
                              [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1]]
        for (row, expected) in zip(f4.g, g4) {
            for (a, b) in zip(row, expected) { XCTAssertEqual(a, b, accuracy: 1e-15) }
        }
    }

    /// The generic transforms (rows of Bᵀ and Aᵀ) give the hand-written F(2×2)'s bits, tile for tile.
    func testTheGenericTransformsMatchTheHandWrittenOnes() {
        var rng = SeededRandom(seed: 5)
        let (h, w) = (7, 9), rowStride = (w + 2) * 8
        let input = rng.floats((h + 2) * rowStride)
        let (handWritten, generic) = (WinogradKernel(.f2), WinogradKernel(.f2, generic: true))
        XCTAssertTrue(handWritten.handWritten)
        XCTAssertFalse(generic.handWritten)
        let tilesX = (w + 1) / 2, xiStride = tilesX * 8
        for ty in 0..<((h + 1) / 2) {
            var (a, b) = ([Float](repeating: 0, count: 16 * xiStride), [Float](repeating: 0, count: 16 * xiStride))
            input.withUnsafeBufferPointer { x in
                let plane = PaddedPlane(base: x.baseAddress!, height: h, width: w, rowStride: rowStride)
                BaselineKernels.winogradInput(handWritten, plane, tileRow: ty, tilesX: tilesX, into: &a,
                                                     xiStride: xiStride)
                BaselineKernels.winogradInput(generic, plane, tileRow: ty, tilesX: tilesX, into: &b,
                                                     xiStride: xiStride)
            }
            XCTAssertEqual(a, b, "input transform, tile row \(ty)")
            let (ya, yb) = [handWritten, generic].map { kernel in
                var y = [Float](repeating: 0, count: input.count)
                y.withUnsafeMutableBufferPointer { out in
                    let plane = OutputPlane(base: out.baseAddress!, height: h, width: w, rowStride: rowStride,
                                            bias: Vec8(repeating: 0.25), relu: false, accumulate: false)
                    BaselineKernels.winogradOutput(kernel, a, xiStride: xiStride, tileRow: ty, tilesX: tilesX, plane)
                }
                return y
            }.pair
            XCTAssertEqual(ya, yb, "output transform, tile row \(ty)")
        }
    }
}

private extension Array {
    var pair: (Element, Element) { (self[0], self[1]) }
}
