// How close each convolution strategy comes to float64 on every layer of VGG19 with the real weights: direct,
// Winograd F(2×2) and F(4×4), forward and input gradient, as the largest error over the largest magnitude of the
// float64 result (the naive twin in Double, itself checked against PyTorch's float64 fixtures). Prints the table
// (docs/engine.md quotes it) and holds the automatic choice to it: each strategy within
// `ConvStrategy.accuracyBound` in the directions the network uses it. A second table measures candidate point
// sets for F(4×4) and F(6×6) on the same layers and data: how the points were chosen.

import Dispatch
import Engine
import Kernels
import Network
import TestSupport
import XCTest

final class WinogradAccuracyTests: XCTestCase {
    /// The point sets measured (ConvStrategy's own are among them).
    static let candidates: [WinogradTransform] = [
        .f4Textbook,
        WinogradTransform(m: 4, points: [0, 1, -1, 0.5, -0.5]),
        WinogradTransform(m: 4, points: [0, -1, 1, 0.5, -2]),
        WinogradTransform(m: 4, points: [0, 0.7, -0.7, 1.5, -1.5]),
        WinogradTransform(m: 4, points: [0, 1, -1, 0.5, -3]),
        WinogradTransform(m: 6, points: [0, 1, -1, 0.5, -0.5, 2, -2]),
        WinogradTransform(m: 6, points: [0, 1, -1, 0.5, -0.5, 1.5, -1.5]),
        WinogradTransform(m: 6, points: [0, 1, -1, 0.5, -0.5, 0.25, -2]),
    ]

    /// One layer's measurements: each strategy's forward and gradient error, and each candidate's (empty where
    /// Winograd does not run).
    struct LayerErrors {
        var strategies: [(forward: Double, gradient: Double)] = [], candidates: [(forward: Double, gradient: Double)] = []
    }

    func testEveryLayerWithinTheBoundOfItsStrategy() throws {
        let weightsFile = try SafeTensorsFile(path: RealWeights.require())
        let layers = VGGArchitecture.vgg19.layers
        // The data drawn in the layers' order, then the layers measured side by side on every core (the float64
        // twins are most of the time); the tables and the assertions follow in the layers' order.
        var rng = SeededRandom(seed: 7)
        let data = layers.map { l -> (input: [Float], gradOut: [Float]) in
            let side = [0, 46, 22, 14, 10, 10][l.layer.block]   // off the tile multiples: partial tiles measured too
            // Activations after ReLU: non-negative, about half zero, on VGG's scale (inputs 0…255 less the mean).
            let input = rng.floats(l.inChannels * side * side).map { max(0, $0) * 50 }
            return (input, rng.floats(l.outChannels * side * side))
        }
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<LayerErrors>.allocate(capacity: layers.count)
        nonisolated(unsafe) let file = weightsFile   // read only: its tensors are copied out
        results.initialize(repeating: LayerErrors())
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: layers.count) { n in
            results[n] = Self.measure(layers[n], file: file, input: data[n].input, gradOut: data[n].gradOut)
        }

        var table = ["layer            Cin→Cout  size   direct fwd/grad       F(2×2) fwd/grad       F(4×4) fwd/grad    forward / backward"]
        var candidates = ["layer         " + Self.candidates.map { "  " + $0.description.padding(toLength: 31, withPad: " ", startingAt: 0) }.joined()]
        for (l, errors) in zip(layers, results) {
            let (cin, cout) = (l.inChannels, l.outChannels)
            let side = [0, 46, 22, 14, 10, 10][l.layer.block]
            var row = l.layer.name.padding(toLength: 16, withPad: " ", startingAt: 0)
                + String(format: "%4d→%-4d %3d²", cin, cout, side)
            let auto = ConvStrategy.automatic(inChannels: cin, outChannels: cout)
            let autoBackward = ConvStrategy.automaticBackward(inChannels: cin, outChannels: cout)
            for (strategy, (forward, gradient)) in zip(ConvStrategy.allCases, errors.strategies) {
                row += String(format: "   %8.2e / %8.2e", forward, gradient)
                if strategy == auto || strategy != .winograd4x4 {
                    XCTAssertLessThanOrEqual(forward, ConvStrategy.accuracyBound, "\(l.layer.name) \(strategy) forward")
                }
                if strategy == autoBackward || strategy != .winograd4x4 {
                    XCTAssertLessThanOrEqual(gradient, ConvStrategy.accuracyBound, "\(l.layer.name) \(strategy) gradient")
                }
            }
            table.append(row + "   " + auto.rawValue + " / " + autoBackward.rawValue)
            guard !errors.candidates.isEmpty else { continue }
            candidates.append(l.layer.name.padding(toLength: 14, withPad: " ", startingAt: 0) + errors.candidates.map {
                String(format: "  %8.2e / %8.2e          ", $0.forward, $0.gradient)
            }.joined())
        }
        print(table.joined(separator: "\n"))
        print("candidate points, forward / input gradient:\n" + candidates.joined(separator: "\n"))
    }

    /// Every strategy's and every candidate's errors on one layer against its float64 twin.
    static func measure(_ l: (layer: VGGLayer, inChannels: Int, outChannels: Int), file: SafeTensorsFile, input: [Float], gradOut: [Float]) -> LayerErrors {
        let (cin, cout) = (l.inChannels, l.outChannels)
        let side = [0, 46, 22, 14, 10, 10][l.layer.block]
        let shape = Shape(channels: cin, height: side, width: side)
        let outShape = Shape(channels: cout, height: side, width: side)
        let weights = file.tensor(l.layer.name + ".weight")!, bias = file.tensor(l.layer.name + ".bias")!
        let expected = Naive.conv3x3(input.map(Double.init), shape, weights: weights.map(Double.init),
                                     bias: bias.map(Double.init), outChannels: cout)
        let expectedGrad = Naive.conv3x3BackwardInput(gradOut.map(Double.init), shape,
                                                      weights: weights.map(Double.init), outChannels: cout)
        var errors = LayerErrors()
        for strategy in ConvStrategy.allCases {
            let conv = Conv2D(weights: weights, bias: bias, inChannels: cin, outChannels: cout, strategy: strategy)
            let y = BlockedTensor(outShape), gx = BlockedTensor(shape)
            conv.forward(BlockedTensor(shape, chw: input), into: y)
            conv.backwardInput(BlockedTensor(outShape, chw: gradOut), into: gx)
            errors.strategies.append((relativeError(y.chw(), expected), relativeError(gx.chw(), expectedGrad)))
        }
        guard cin >= 16 else { return errors }   // Winograd runs where both channel counts fill the tile kernel
        let flipped = PackedConvWeights.transposedFlipped(weights, inChannels: cin, outChannels: cout)
        for t in candidates {
            let y = BlockedTensor(outShape), gx = BlockedTensor(shape)
            WinogradWeights(oihw: weights, bias: bias, inChannels: cin, outChannels: cout, transform: t)
                .convolve(BlockedTensor(shape, chw: input), into: y)
            WinogradWeights(oihw: flipped, bias: [], inChannels: cout, outChannels: cin, transform: t)
                .convolve(BlockedTensor(outShape, chw: gradOut), into: gx)
            errors.candidates.append((relativeError(y.chw(), expected), relativeError(gx.chw(), expectedGrad)))
        }
        return errors
    }

    /// max |a − e| / max |e|.
    static func relativeError(_ actual: [Float], _ expected: [Double]) -> Double {
        var err = 0.0, scale = 0.0
        for (a, e) in zip(actual, expected) {
            err = max(err, abs(Double(a) - e))
            scale = max(scale, abs(e))
        }
        return err / scale
    }
}
