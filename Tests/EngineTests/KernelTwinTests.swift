// Fast kernels against their naive twins on random shapes (odd sizes, channel counts off the SIMD width), and the
// fixture loader's refusal of files it cannot read.

import Engine
import TestSupport
import XCTest

final class KernelTwinTests: XCTestCase {
    static let shapes = [Shape(channels: 1, height: 2, width: 2), Shape(channels: 7, height: 5, width: 3),
                         Shape(channels: 9, height: 9, width: 11), Shape(channels: 24, height: 6, width: 4),
                         Shape(channels: 33, height: 3, width: 13)]

    func testPoolingReLUAndLossesMatchNaive() { Self.poolingReLUAndLosses() }

    static func poolingReLUAndLosses() {
        var rng = SeededRandom(seed: 7)
        for s in Self.shapes {
            let values = rng.floats(s.count), x = BlockedTensor(s, chw: values)
            let d = values.map(Double.init)
            let o = pooledShape(s)
            let y = BlockedTensor(o), argmax = MaxPoolArgmax(o)
            MaxPool2D.forward(x, into: y, argmax: argmax)
            let (expected, positions) = Naive.maxPool(d, s)
            assertClose(y.chw(), expected, rel: 0, abs: 0, "maxpool \(s)")
            let gradOut = rng.floats(o.count)
            let gx = BlockedTensor(s)
            MaxPool2D.backward(BlockedTensor(o, chw: gradOut), argmax: argmax, into: gx)
            assertClose(gx.chw(), Naive.maxPoolBackward(gradOut.map(Double.init), argmax: positions, s), rel: 0, abs: 0,
                        "maxpool backward \(s)")
            AvgPool2D.forward(x, into: y)
            assertClose(y.chw(), Naive.avgPool(d, s), rel: 1e-6, abs: 1e-7, "avgpool \(s)")
            AvgPool2D.backward(BlockedTensor(o, chw: gradOut), into: gx)
            assertClose(gx.chw(), Naive.avgPoolBackward(gradOut.map(Double.init), s), rel: 0, abs: 0, "avgpool bwd \(s)")

            let r = BlockedTensor(s)
            ReLU.forward(x, into: r)
            assertClose(r.chw(), Naive.relu(d), rel: 0, abs: 0, "relu \(s)")

            let other = rng.floats(s.count)
            XCTAssertEqual(MeanSquaredError.forward(x, BlockedTensor(s, chw: other)),
                           Naive.mse(d, other.map(Double.init)), accuracy: 1e-6, "mse \(s)")
            XCTAssertEqual(TotalVariation.forward(x), Naive.totalVariation(d, s), accuracy: 1e-4, "tv \(s)")
            TotalVariation.backward(x, scale: 1, into: gx, accumulate: false)
            assertClose(gx.chw(), Naive.totalVariationBackward(d, s), rel: 1e-5, abs: 1e-5, "tv backward \(s)")
        }
    }

    func testGramMatchesNaive() { Self.gram() }

    static func gram() {
        var rng = SeededRandom(seed: 8)
        for s in Self.shapes + [Shape(channels: 40, height: 7, width: 5)] {
            let values = rng.floats(s.count)
            let x = BlockedTensor(s, chw: values)
            let n = Double(s.pixels)
            var g = [Float](repeating: 0, count: s.channels * s.channels)
            Gram.forward(x, normalization: n, into: &g)
            assertClose(g, Naive.gram(values.map(Double.init), s, normalization: n), rel: 1e-5, abs: 1e-6,
                        dims: [s.channels, s.channels], "gram \(s)")
            let dG = rng.floats(s.channels * s.channels)
            let expected = Naive.gramBackward(dG.map(Double.init), features: values.map(Double.init), s,
                                              normalization: n)
            let gx = BlockedTensor(s)
            Gram.backward(dG, features: x, normalization: n, into: gx, accumulate: false)
            assertClose(gx.chw(), expected, rel: 1e-5, abs: 1e-5, "gram backward \(s)")
            // Accumulating adds to what is there.
            Gram.backward(dG, features: x, normalization: n, into: gx, accumulate: true)
            assertClose(gx.chw(), expected.map { 2 * $0 }, rel: 1e-5, abs: 1e-5, "gram backward accumulate \(s)")
        }
    }

    func testFixtureLoaderRefusesUnknownVersions() throws {
        let dir = TemporaryFolder()
        var bytes = Fixture.bytes("engine/kernels.slfx")
        bytes[4] = 99
        let path = dir.write("future.slfx", bytes)
        XCTAssertThrowsError(try FixtureFile.load(path)) { error in
            XCTAssertTrue("\(error)".contains("version 99"), "\(error)")
            XCTAssertTrue("\(error)".contains("tools/fixtures/make_fixtures.py"), "says how to regenerate: \(error)")
        }
        XCTAssertThrowsError(try FixtureFile.load(dir.write("junk.slfx", Array("nonsense".utf8))))
    }
}
