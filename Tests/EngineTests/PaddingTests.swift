// Padding copied from the map (replicate, reflect): the border's fill and fold are each other's adjoint, the padded
// convolution equals its naive twin forward and backward (both strategies, sides of 1 and 2), and the naive twin's
// backward equals finite differences. PyTorch's own results are in FixtureTests.testConv3x3.

import Engine
import TestSupport
import XCTest

final class PaddingTests: XCTestCase {
    static let copying: [PaddingMode] = [.replicate, .reflect]

    func testSourcesAreThoseOfPyTorch() {
        // F.pad(x, 1) on a side of 4: replicate gives x0 x0 x1 x2 x3 x3, reflect x1 x0 x1 x2 x3 x2.
        XCTAssertEqual([-1, 4].map { PaddingMode.replicate.source($0, 4) }, [0, 3])
        XCTAssertEqual([-1, 4].map { PaddingMode.reflect.source($0, 4) }, [1, 2])
        XCTAssertEqual([-1, 2].map { PaddingMode.reflect.source($0, 2) }, [1, 0])
        XCTAssertEqual([-1, 1].map { PaddingMode.reflect.source($0, 1) }, [0, 0])
    }

    /// ⟨fill(x), y⟩ over the padded map = ⟨x, fold(y)⟩ over the interior, for any x and any padded y: the fold is
    /// the fill's exact backward, corners included.
    func testFoldIsTheAdjointOfFill() {
        var rng = SeededRandom(seed: 31)
        for mode in Self.copying {
            for (h, w) in [(1, 1), (1, 4), (2, 2), (3, 5), (6, 2)] {
                let s = Shape(channels: 11, height: h, width: w)
                let x = BlockedTensor(s, chw: rng.floats(s.count)), y = BlockedTensor(s)
                var padded = [[Float]](repeating: [], count: s.channels)
                for c in 0..<s.channels { padded[c] = rng.floats((h + 2) * (w + 2)) }
                set(y, padded)
                let lhs: Double = {
                    x.fillBorder(mode)
                    let filled = paddedValues(x)
                    return (0..<s.channels).reduce(0.0) { t, c in
                        t + zip(filled[c], padded[c]).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                    }
                }()
                y.foldBorder(mode)
                let rhs = zip(x.chw(), y.chw()).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                XCTAssertEqual(lhs, rhs, accuracy: 1e-4 * max(1, abs(lhs)), "\(mode) \(h)×\(w)")
                XCTAssertTrue(paddedValues(y).enumerated().allSatisfy { c, plane in
                    plane.enumerated().allSatisfy { k, v in isInterior(k, h, w) || v == 0 }
                }, "\(mode) \(h)×\(w): the fold leaves the border zero")
            }
        }
    }

    func testPaddedConvolutionMatchesNaive() {
        var rng = SeededRandom(seed: 32)
        let shapes = [(3, 16, 7, 9), (5, 8, 1, 1), (7, 9, 1, 6), (16, 24, 2, 2), (24, 17, 6, 5), (17, 32, 5, 2)]
        for strategy in ConvStrategy.allCases {
            for mode in Self.copying {
                for (cin, cout, h, w) in shapes {
                    let shape = Shape(channels: cin, height: h, width: w), out = Shape(channels: cout, height: h, width: w)
                    let input = rng.floats(shape.count), weights = rng.floats(cout * cin * 9), bias = rng.floats(cout)
                    let conv = Conv2D(weights: weights, bias: bias, inChannels: cin, outChannels: cout,
                                      strategy: strategy, padding: mode)
                    let label = "\(strategy) \(mode) \(cin)→\(cout) \(h)×\(w)"
                    let (rel, abs) = Naive.tolerance(strategy)
                    let y = BlockedTensor(out)
                    conv.forward(BlockedTensor(shape, chw: input), into: y)
                    assertClose(y.chw(), Naive.conv3x3(input.map(Double.init), shape, weights: weights.map(Double.init),
                                                       bias: bias.map(Double.init), outChannels: cout, padding: mode),
                                rel: rel, abs: abs, dims: [cout, h, w], "forward " + label)
                    let gradOut = rng.floats(out.count)
                    let expected = Naive.conv3x3BackwardInput(gradOut.map(Double.init), shape,
                                                              weights: weights.map(Double.init), outChannels: cout,
                                                              padding: mode)
                    let gx = BlockedTensor(shape)
                    conv.backwardInput(BlockedTensor(out, chw: gradOut), into: gx)
                    assertClose(gx.chw(), expected, rel: rel, abs: abs, dims: [cin, h, w], "backward " + label)
                    let border = paddedValues(gx).flatMap { $0.enumerated().filter { !isInterior($0.offset, h, w) } }
                    XCTAssertTrue(border.allSatisfy { $0.element == 0 }, "\(label): the gradient's border is left zero")
                    conv.backwardInput(BlockedTensor(out, chw: gradOut), into: gx, accumulate: true)
                    assertClose(gx.chw(), expected.map { 2 * $0 }, rel: rel, abs: 2 * abs, dims: [cin, h, w],
                                "backward accumulate " + label)
                }
            }
        }
    }

    func testNaivePaddedBackwardMatchesFiniteDifferences() {
        var rng = SeededRandom(seed: 33)
        for mode in Self.copying {
            for (h, w) in [(4, 5), (2, 3), (1, 3)] {
                let s = Shape(channels: 3, height: h, width: w), cout = 4
                let x = rng.floats(s.count).map(Double.init), wt = rng.floats(cout * 27).map(Double.init)
                let b = rng.floats(cout).map(Double.init), g = rng.floats(cout * s.pixels).map(Double.init)
                func loss(_ v: [Double]) -> Double {
                    zip(g, Naive.conv3x3(v, s, weights: wt, bias: b, outChannels: cout, padding: mode)).reduce(0) { $0 + $1.0 * $1.1 }
                }
                let step = 1e-6
                let numeric = x.indices.map { i -> Double in
                    var plus = x, minus = x
                    plus[i] += step; minus[i] -= step
                    return (loss(plus) - loss(minus)) / (2 * step)
                }
                assertClose(Naive.conv3x3BackwardInput(g, s, weights: wt, outChannels: cout, padding: mode), numeric,
                            rel: 1e-6, abs: 1e-6, dims: [3, h, w], "\(mode) \(h)×\(w)")
            }
        }
    }

    private func isInterior(_ k: Int, _ h: Int, _ w: Int) -> Bool {
        let (y, x) = (k / (w + 2) - 1, k % (w + 2) - 1)
        return (0..<h).contains(y) && (0..<w).contains(x)
    }

    /// Every channel's padded plane, (H+2)×(W+2), border included.
    private func paddedValues(_ t: BlockedTensor) -> [[Float]] {
        let (h, w) = (t.shape.height, t.shape.width)
        return (0..<t.shape.channels).map { c in (-1...h).flatMap { y in (-1...w).map { x in t[padded: c, y, x] } } }
    }

    private func set(_ t: BlockedTensor, _ planes: [[Float]]) {
        let w = t.shape.width
        for (c, plane) in planes.enumerated() {
            for (k, v) in plane.enumerated() { t[padded: c, k / (w + 2) - 1, k % (w + 2) - 1] = v }
        }
    }
}
