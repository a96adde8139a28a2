// The report preset's first five Adam steps (TF1 form, pixel box after each step) against PyTorch float64: the
// seeded mini network always, the real VGG19 when its weights are present (in CI they must be).

import Engine
import Foundation
import Network
import Objective
import Optimization
import TestSupport
import XCTest

final class AdamFixtureTests: XCTestCase {
    func tensor(_ c: FixtureCase, _ key: String) -> BlockedTensor {
        let s = c.shape(key)
        return BlockedTensor(Shape(channels: s[0], height: s[1], width: s[2]), chw: c.floats(key))
    }

    func verify(_ network: VGGNetwork, _ c: FixtureCase) {
        let objective = StyleObjective(network: network, settings: .report, content: tensor(c, "content"),
                                       style: tensor(c, "style"))
        var x = c.floats("content")
        var adam = Adam(count: x.count, settings: .report)
        let image = BlockedTensor(objective.imageShape), gradient = BlockedTensor(objective.imageShape)
        var losses: [Double] = []
        var worst = 0.0
        for t in 0...5 {
            image.load(chw: x)
            losses.append(objective.evaluate(image, gradient: gradient).total)
            if t == 5 { break }
            adam.step(&x, gradient: gradient.chw(), lower: 0, upper: 255)
            let key = "x\(t + 1)", tol = c.tolerance(key)
            assertClose(x, c.values(key), rel: tol.rel, abs: tol.abs, dims: c.shape(key), "\(c.name): \(key)")
            worst = max(worst, zip(x, c.values(key)).map { abs(Double($0) - $1) }.max()!)
        }
        assertClose(losses, c.values("losses"), rel: c.rel, abs: c.abs, "\(c.name): losses of x0…x5")
        // The optimiser alone, fed the reference's own gradients: five steps held to a tighter bound.
        var alone = Adam(count: x.count, settings: .report)
        var y = c.floats("content")
        for t in 0..<5 {
            alone.step(&y, gradient: c.floats("g\(t)"), lower: 0, upper: 255)
            assertClose(y, c.values("x\(t + 1)"), rel: 0, abs: c.params["optimizer_only_abs"]!, dims: c.shape("x1"),
                        "\(c.name): optimiser alone, x\(t + 1)")
        }
        print(String(format: "%@: largest pixel difference after 5 steps %.2e levels; loss after 5 steps rel. error %.2e",
                     c.name, worst, abs(losses[5] / c.values("losses")[5] - 1)))
    }

    func testMiniNetwork() throws {
        let cases = try FixtureFile.load(Fixture.path("network/mini_vgg.slfx"))
        let weightsCase = cases.first { $0.kernel == "vgg_report_objective" }!
        var weights: [VGGLayer: (weights: [Float], bias: [Float])] = [:]
        for l in VGGArchitecture.miniVGG19.layers {
            weights[l.layer] = (weightsCase.floats("weight_" + l.layer.name), weightsCase.floats("bias_" + l.layer.name))
        }
        verify(VGGNetwork(architecture: .miniVGG19, weights: weights), cases.first { $0.kernel == "adam_report_steps" }!)
    }

    func testRealVGG19() throws {
        let path = try RealWeights.require()
        let c = try FixtureFile.load(Fixture.path("network/vgg19.slfx")).first { $0.kernel == "adam_report_steps" }!
        verify(try VGGNetwork.load(path), c)
    }
}
