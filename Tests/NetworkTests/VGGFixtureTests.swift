// VGG19 and the report's objective against PyTorch float64: the seeded mini network (no download) and the real
// weights (fetched by tools/setup/fetch-weights; in CI a missing file fails, elsewhere it skips with how to fetch it).

import Engine
import Foundation
import Network
import Objective
import TestSupport
import XCTest

final class VGGFixtureTests: XCTestCase {
    func rgb(_ c: FixtureCase, _ key: String) -> BlockedTensor {
        let s = c.shape(key)
        return BlockedTensor(Shape(channels: s[0], height: s[1], width: s[2]), chw: c.floats(key))
    }

    func check(_ actual: [Float], _ c: FixtureCase, _ key: String) {
        let t = c.tolerance(key)
        assertClose(actual, c.values(key), rel: t.rel, abs: t.abs, dims: c.shape(key), "\(c.name): \(key)")
    }

    /// Compares activations, Grams, losses and the input gradient of `network` with fixture case `c`.
    /// With `recompute`, the objective is evaluated recomputing blocks (#16), the painting's Grams made so too.
    func verify(_ network: VGGNetwork, _ c: FixtureCase, layers: [VGGLayer], recompute: RecomputePlan? = nil) {
        let objective = StyleObjective(network: network, settings: .report, content: rgb(c, "content"),
                                       style: rgb(c, "style"), recompute: recompute)
        let image = rgb(c, "image")
        let gradient = BlockedTensor(image.shape)
        // An evaluation of another image first leaves the shared gradient buffers full of other values: the
        // result must not depend on them.
        let noise = BlockedTensor(image.shape, chw: (0..<image.shape.count).map { Float(($0 * 7919) % 256) })
        _ = objective.evaluate(noise, gradient: gradient)
        let loss = objective.evaluate(image, gradient: gradient)
        check([Float(loss.total)], c, "loss_total")
        check([Float(loss.style)], c, "loss_style")
        check([Float(loss.content)], c, "loss_content")
        assertClose(loss.styleLayers, c.values("loss_style_layers"), rel: c.rel, abs: c.abs, "\(c.name): style layers")
        XCTAssertEqual(loss.total, c.values("loss_total")[0], accuracy: 1e-5 * abs(c.values("loss_total")[0]))
        check(gradient.chw(), c, "grad_image")
        // The achieved agreement, for the record (the asserts above hold the documented bounds).
        let ref = c.values("grad_image"), mine = gradient.chw()
        let gradError = zip(mine, ref).map { abs(Double($0) - $1) }.max()! / ref.map(abs).max()!
        print(String(format: "%@%@: total loss rel. error %.2e, style %.2e, content %.2e; gradient max error %.2e of its "
            + "largest magnitude", c.name, recompute.map { ", " + $0.description } ?? "", abs(loss.total / c.values("loss_total")[0] - 1),
            abs(loss.style / c.values("loss_style")[0] - 1), abs(loss.content / c.values("loss_content")[0] - 1),
            gradError))
        for (i, l) in ObjectiveSettings.report.styleLayers.enumerated() {
            check(objective.styleTarget(i), c, "target_gram_" + l.layer.name)
        }
        // Activations of the evaluated image, all layers the fixture holds (a forward deep enough for them).
        let tape = VGGTape(network: network, height: image.shape.height, width: image.shape.width,
                           deepest: layers.max()!)
        network.forward(image, recording: tape)
        for l in layers { check(tape.output(l).chw(), c, "act_" + l.name) }
    }

    func testMiniVGG19AgainstPyTorch() throws {
        let (c, network) = try MiniVGG.load()
        verify(network, c, layers: VGGArchitecture.miniVGG19.layers.map(\.layer))
        for plan in [RecomputePlan(keptFrom: 5, bandRows: 2), RecomputePlan(keptFrom: 3, bandRows: 4),
                     RecomputePlan(keptFrom: 2, bandRows: nil)] {
            verify(network, c, layers: VGGArchitecture.miniVGG19.layers.map(\.layer), recompute: plan)
        }
    }

    /// The network padded by copying the picture's edge (PyTorch: F.pad, then the convolution unpadded), in the
    /// first convolution and in every one.
    func testPaddedMiniVGG19AgainstPyTorch() throws {
        for name in ["reflect", "replicate-all", "reflect-all"] {
            let (c, network) = try MiniVGG.load(padding: NetworkPadding(name: name)!)
            verify(network, c, layers: VGGArchitecture.miniVGG19.layers.map(\.layer))
            verify(network, c, layers: VGGArchitecture.miniVGG19.layers.map(\.layer),
                   recompute: RecomputePlan(keptFrom: 4, bandRows: 2))
        }
    }

    func testRealVGG19AgainstPyTorch() throws {
        let path = try RealWeights.require()
        let network = try VGGNetwork.load(path)
        XCTAssertEqual(network.inputNormalization, .caffeBGR)
        let c = try FixtureFile.load(Fixture.path("network/vgg19.slfx")).first { $0.kernel == "vgg_report_objective" }!
        let layers: [VGGLayer] = [.block1Conv1, .block2Conv1, .block3Conv1, .block4Conv1, .block5Conv1, .block5Conv2]
        verify(network, c, layers: layers)
        verify(network, c, layers: layers, recompute: RecomputePlan(keptFrom: 4, bandRows: 4))
    }
}
