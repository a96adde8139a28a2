// How close each convolution strategy comes to float64 on every layer of VGG19 with the real weights: direct,
// Winograd F(2×2) and F(4×4), forward and input gradient, as the largest error over the largest magnitude of the
// float64 result (the naive twin in Double, itself checked against PyTorch's float64 fixtures). Prints the table
// (docs/engine.md quotes it) and holds the automatic choice to it: F(4×4) for the input gradient only where its
// error is within `ConvStrategy.accuracyBound`; direct and F(2×2) within it everywhere.

import Engine
import Network
import TestSupport
import XCTest

final class WinogradAccuracyTests: XCTestCase {
    func testEveryLayerWithinTheBoundOfItsStrategy() throws {
        let file = try SafeTensorsFile(path: RealWeights.require())
        var rng = SeededRandom(seed: 7)
        var table = ["layer            Cin→Cout  size   direct fwd/grad       F(2×2) fwd/grad       F(4×4) fwd/grad    backward"]
        for l in VGGArchitecture.vgg19.layers {
            let (cin, cout) = (l.inChannels, l.outChannels)
            // Sizes off the tile multiples, so partial tiles are measured too.
            let side = [0, 46, 22, 14, 10, 10][l.layer.block]
            let shape = Shape(channels: cin, height: side, width: side)
            let outShape = Shape(channels: cout, height: side, width: side)
            let weights = file.tensor(l.layer.name + ".weight")!, bias = file.tensor(l.layer.name + ".bias")!
            // Activations after ReLU: non-negative, about half zero, on VGG's scale (inputs 0…255 less the mean).
            let input = rng.floats(shape.count).map { max(0, $0) * 50 }
            let gradOut = rng.floats(outShape.count)
            let expected = Naive.conv3x3(input.map(Double.init), shape, weights: weights.map(Double.init),
                                         bias: bias.map(Double.init), outChannels: cout)
            let expectedGrad = Naive.conv3x3BackwardInput(gradOut.map(Double.init), shape,
                                                          weights: weights.map(Double.init), outChannels: cout)
            var row = l.layer.name.padding(toLength: 16, withPad: " ", startingAt: 0)
                + String(format: "%4d→%-4d %3d²", cin, cout, side)
            let auto = ConvStrategy.automaticBackward(inChannels: cin, outChannels: cout)
            for strategy in ConvStrategy.allCases {
                let conv = Conv2D(weights: weights, bias: bias, inChannels: cin, outChannels: cout, strategy: strategy)
                let y = BlockedTensor(outShape), gx = BlockedTensor(shape)
                conv.forward(BlockedTensor(shape, chw: input), into: y)
                conv.backwardInput(BlockedTensor(outShape, chw: gradOut), into: gx)
                let forward = relativeError(y.chw(), expected), gradient = relativeError(gx.chw(), expectedGrad)
                row += String(format: "   %8.2e / %8.2e", forward, gradient)
                // F(4×4) where the network uses it: the input gradient.
                let measured = strategy == .winograd4x4 ? gradient : max(forward, gradient)
                if strategy == auto || strategy != .winograd4x4 {
                    XCTAssertLessThanOrEqual(measured, ConvStrategy.accuracyBound, "\(l.layer.name) \(strategy)")
                }
            }
            table.append(row + "   " + auto.rawValue)
        }
        print(table.joined(separator: "\n"))
    }

    /// max |a − e| / max |e|.
    func relativeError(_ actual: [Float], _ expected: [Double]) -> Double {
        var err = 0.0, scale = 0.0
        for (a, e) in zip(actual, expected) {
            err = max(err, abs(Double(a) - e))
            scale = max(scale, abs(e))
        }
        return err / scale
    }
}
