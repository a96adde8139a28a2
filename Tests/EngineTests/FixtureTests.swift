// Every fast kernel against PyTorch's float64 results (Fixtures/engine/kernels.slfx), whole tensors, per-case
// tolerances from the fixture file.

import Engine
import TestSupport
import XCTest

final class FixtureTests: XCTestCase {
    static let cases: [FixtureCase] = {
        do { return try FixtureFile.load(Fixture.path("engine/kernels.slfx")) } catch { fatalError("\(error)") }
    }()

    func cases(_ kernel: String) -> [FixtureCase] {
        let found = Self.cases.filter { $0.kernel == kernel }
        XCTAssertFalse(found.isEmpty, "no fixture cases for \(kernel)")
        return found
    }

    func shape(_ dims: [Int]) -> Shape { Shape(channels: dims[dims.count - 3], height: dims[dims.count - 2],
                                               width: dims[dims.count - 1]) }

    func check(_ actual: [Float], _ c: FixtureCase, _ key: String, dims: [Int]? = nil) {
        let t = c.tolerance(key)
        assertClose(actual, c.values(key), rel: t.rel, abs: t.abs, dims: dims ?? c.shape(key), "\(c.name): \(key)")
    }

    /// Every strategy on every case. Direct and F(2×2) within the fixture's element-wise tolerances; F(4×4) within
    /// `ConvStrategy.accuracyBound` of the largest magnitude (element-wise it does not hold the fixture's abs 2e-5 on
    /// these random weights: docs/engine.md), the measure WinogradAccuracyTests holds VGG19's layers to.
    func testConv3x3() {
        for padding in PaddingMode.allCases {
            for c in cases(padding == .zeros ? "conv3x3" : "conv3x3_" + padding.rawValue) {
                for strategy in ConvStrategy.allCases { checkConv(c, padding, strategy) }
            }
        }
    }

    func checkConv(_ c: FixtureCase, _ padding: PaddingMode, _ strategy: ConvStrategy) {
        let inShape = shape(c.shape("input")), outShape = shape(c.shape("output"))
        let conv = Conv2D(weights: c.floats("weight"), bias: c.floats("bias"), inChannels: inShape.channels,
                          outChannels: outShape.channels, strategy: strategy, padding: padding)
        let y = BlockedTensor(outShape)
        conv.forward(BlockedTensor(inShape, chw: c.floats("input")), into: y)
        let gx = BlockedTensor(inShape)
        conv.backwardInput(BlockedTensor(outShape, chw: c.floats("grad_output")), into: gx)
        for (actual, key) in [(y.chw(), "output"), (gx.chw(), "grad_input")] {
            check(actual, c, key)   // every strategy at the fixture's tolerance; a failure names the case and tensor
        }
    }

    func testReLU() {
        for c in cases("relu") {
            let s = shape(c.shape("input"))
            let y = BlockedTensor(s), gx = BlockedTensor(s)
            ReLU.forward(BlockedTensor(s, chw: c.floats("input")), into: y)
            check(y.chw(), c, "output")
            ReLU.backward(BlockedTensor(s, chw: c.floats("grad_output")), output: y, into: gx)
            check(gx.chw(), c, "grad_input")
        }
    }

    func testPooling() {
        for c in cases("maxpool") {
            let s = shape(c.shape("input")), o = pooledShape(s)
            let y = BlockedTensor(o), argmax = MaxPoolArgmax(o), gx = BlockedTensor(s)
            MaxPool2D.forward(BlockedTensor(s, chw: c.floats("input")), into: y, argmax: argmax)
            check(y.chw(), c, "output")
            var positions: [Float] = []
            for ch in 0..<o.channels { for yy in 0..<o.height { for xx in 0..<o.width {
                positions.append(Float(argmax[ch, yy, xx]))
            } } }
            check(positions, c, "argmax")
            MaxPool2D.backward(BlockedTensor(o, chw: c.floats("grad_output")), argmax: argmax, into: gx)
            check(gx.chw(), c, "grad_input")
        }
        for c in cases("avgpool") {
            let s = shape(c.shape("input")), o = pooledShape(s)
            let y = BlockedTensor(o), gx = BlockedTensor(s)
            AvgPool2D.forward(BlockedTensor(s, chw: c.floats("input")), into: y)
            check(y.chw(), c, "output")
            AvgPool2D.backward(BlockedTensor(o, chw: c.floats("grad_output")), into: gx)
            check(gx.chw(), c, "grad_input")
        }
    }

    func testGram() {
        for c in cases("gram") {
            let s = shape(c.shape("input")), n = c.params["normalization"]!
            let f = BlockedTensor(s, chw: c.floats("input"))
            var g = [Float](repeating: 0, count: s.channels * s.channels)
            Gram.forward(f, normalization: n, into: &g)
            check(g, c, "gram")
            let gx = BlockedTensor(s)
            Gram.backward(c.floats("grad_gram"), features: f, normalization: n, into: gx, accumulate: false)
            check(gx.chw(), c, "grad_input")
        }
    }

    func testLosses() {
        for c in cases("mse") {
            let s = shape(c.shape("a"))
            let a = BlockedTensor(s, chw: c.floats("a")), b = BlockedTensor(s, chw: c.floats("b"))
            check([Float(MeanSquaredError.forward(a, b))], c, "loss")
            let g = BlockedTensor(s)
            MeanSquaredError.backward(a, b, scale: 1, into: g, accumulate: false)
            check(g.chw(), c, "grad_a")
        }
        for c in cases("tv") {
            let s = shape(c.shape("input"))
            let x = BlockedTensor(s, chw: c.floats("input"))
            check([Float(TotalVariation.forward(x))], c, "loss")
            let g = BlockedTensor(s)
            TotalVariation.backward(x, scale: 1, into: g, accumulate: false)
            check(g.chw(), c, "grad_input")
        }
    }
}
