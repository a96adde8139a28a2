// Conv2D's fast kernels against the naive twin on random shapes, odd sizes and channel counts.

import Engine
import TestSupport
import XCTest

final class ConvTests: XCTestCase {
    /// (cin, cout, height, width): odd and even sizes, 1×1 and 2×2 maps, widths below, at and above the 6-pixel tile,
    /// channel counts that are and are not multiples of 8 and 16.
    static let shapes = [(3, 16, 7, 9), (5, 17, 1, 1), (16, 5, 2, 2), (17, 16, 6, 5), (8, 24, 5, 13),
                         (64, 64, 8, 8), (3, 64, 11, 6), (33, 40, 9, 7), (24, 8, 3, 17), (40, 48, 45, 37),
                         (16, 16, 1, 7), (16, 24, 300, 12)]   // the last: many Winograd bands, one per worker

    func testForwardAndBackwardMatchNaive() {
        for strategy in ConvStrategy.allCases { Self.check(strategy) }
    }

    static func check(_ strategy: ConvStrategy) {
        var rng = SeededRandom(seed: 1)
        for (cin, cout, h, w) in Self.shapes {
            let shape = Shape(channels: cin, height: h, width: w)
            let outShape = Shape(channels: cout, height: h, width: w)
            let input = rng.floats(shape.count), weights = rng.floats(cout * cin * 9), bias = rng.floats(cout)
            let conv = Conv2D(weights: weights, bias: bias, inChannels: cin, outChannels: cout, strategy: strategy)
            let x = BlockedTensor(shape, chw: input)
            let y = BlockedTensor(outShape)
            conv.forward(x, into: y)
            let expected = Naive.conv3x3(input.map(Double.init), shape, weights: weights.map(Double.init),
                                         bias: bias.map(Double.init), outChannels: cout)
            let label = "\(strategy) \(cin)→\(cout) \(h)×\(w)"
            let (rel, abs) = Naive.tolerance(strategy)
            assertClose(y.chw(), expected, rel: rel, abs: abs, dims: [cout, h, w], "forward " + label)

            conv.forward(x, into: y, relu: true)
            assertClose(y.chw(), expected.map { max($0, 0) }, rel: rel, abs: abs, dims: [cout, h, w],
                        "forward+relu " + label)

            let gradOut = rng.floats(outShape.count)
            let gx = BlockedTensor(shape)
            conv.backwardInput(BlockedTensor(outShape, chw: gradOut), into: gx)
            let expectedGrad = Naive.conv3x3BackwardInput(gradOut.map(Double.init), shape,
                                                          weights: weights.map(Double.init), outChannels: cout)
            assertClose(gx.chw(), expectedGrad, rel: rel, abs: abs, dims: [cin, h, w], "backwardInput " + label)
            // Accumulating adds to what is there.
            conv.backwardInput(BlockedTensor(outShape, chw: gradOut), into: gx, accumulate: true)
            assertClose(gx.chw(), expectedGrad.map { 2 * $0 }, rel: rel, abs: 2 * abs, dims: [cin, h, w],
                        "backwardInput accumulate " + label)
        }
    }

    /// A map so wide that one tile row holds more tiles than a band: its bands are segments of tile rows (the last
    /// partial), each transformed from its own first column, and the result is the convolution's. Weights on VGG's
    /// scale (±1/8: with ±1, 576 products make sums of ~24 whose float32 rounding passes the abs tolerance at a few
    /// outputs that cancel, whatever the strategy).
    func testATileRowLongerThanABandIsCutIntoSegments() {
        var rng = SeededRandom(seed: 9)
        let (c, h, w) = (64, 5, 298)
        let schedule = WinogradSchedule(height: h, width: w, m: 4, inBlocks: 8, outBlocks: 8, workers: 2)
        XCTAssertEqual(schedule.segments, 2)
        XCTAssertLessThan(schedule.segmentTiles, schedule.tilesX)
        let shape = Shape(channels: c, height: h, width: w)
        let input = rng.floats(shape.count), weights = rng.floats(c * c * 9).map { $0 / 8 }, bias = rng.floats(c)
        let conv = Conv2D(weights: weights, bias: bias, inChannels: c, outChannels: c, strategy: .winograd4x4)
        let (rel, abs) = Naive.tolerance(.winograd4x4)
        for workers in [1, 2] {
            let y = BlockedTensor(shape), gx = BlockedTensor(shape)
            conv.forward(BlockedTensor(shape, chw: input), into: y, parallel: Parallel(workers: workers))
            assertClose(y.chw(), Naive.conv3x3(input.map(Double.init), shape, weights: weights.map(Double.init),
                                               bias: bias.map(Double.init), outChannels: c),
                        rel: rel, abs: abs, dims: [c, h, w], "forward on \(workers) workers")
            conv.backwardInput(BlockedTensor(shape, chw: input), into: gx, parallel: Parallel(workers: workers))
            assertClose(gx.chw(), Naive.conv3x3BackwardInput(input.map(Double.init), shape,
                                                              weights: weights.map(Double.init), outChannels: c),
                        rel: rel, abs: abs, dims: [c, h, w], "input gradient on \(workers) workers")
        }
    }
}
