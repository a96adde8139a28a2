// The guided objective (style masks with overlaps and an uncovered part, a painting's region, a content mask; each
// propagation) against PyTorch float64 (tools/fixtures/make_mask_fixtures.py): the mini VGG19 and the real one, on the whole
// image's tape and band by band; and the guides' own rules.

import Engine
import Foundation
import Network
import Objective
import TestSupport
import XCTest

final class GuidedObjectiveTests: XCTestCase {
    func objective(_ network: VGGNetwork, _ c: FixtureCase, _ recompute: RecomputePlan?) -> StyleObjective {
        let relative = c.kernel.hasSuffix("_relative")
        let propagation = GuidePropagation(rawValue: String(c.kernel.split(separator: "_")[3]))!
        var settings = ObjectiveSettings.report
        let (content, style) = (c.params["content_weight"]!, c.params["style_weight"]!)
        settings.balance = relative ? .relativeWeights(content: content, style: style) : .weights(content: content, style: style)
        let guides = SpatialGuides(styleMasks: [c.mask("mask0"), c.mask("mask1")], styleRegions: [c.mask("region0"), nil],
                                   contentMask: c.mask("content_mask"), propagation: propagation)
        let blend = c.values("blend")
        return StyleObjective(network: network, settings: settings, content: c.rgb("content"),
                              styles: [(c.rgb("style0"), blend[0]), (c.rgb("style1"), blend[1])],
                              guides: guides, recompute: recompute)
    }

    func cases(real: Bool) throws -> [FixtureCase] {
        let all = try FixtureFile.load(Fixture.path("network/guided.slfx"))
        let chosen = all.filter { $0.name.hasPrefix("VGG19") == real }
        XCTAssertEqual(chosen.map(\.kernel).sorted(), ["vgg_guided_objective_inside", "vgg_guided_objective_simple"]
            + (real ? [] : ["vgg_guided_objective_simple_relative"]))
        return chosen
    }

    func testMiniVGG19GuidedAgainstPyTorch() throws {
        let (_, network) = try MiniVGG.load()
        for c in try cases(real: false) { ObjectiveFixtureCheck.verify(c, real: false) { objective(network, c, $0) } }
    }

    func testRealVGG19GuidedAgainstPyTorch() throws {
        let network = try VGGNetwork.load(try RealWeights.require())
        for c in try cases(real: true) { ObjectiveFixtureCheck.verify(c, real: true) { objective(network, c, $0) } }
    }

    /// All-white masks are no masks: the same loss and gradient, bit for bit, as the unguided objective.
    func testWhiteMasksAreTheUnguidedObjective() throws {
        let (c, network) = try MiniVGG.load()
        let content = c.rgb("content"), style = c.rgb("style"), image = c.rgb("image")
        let white = Mask(width: content.shape.width, height: content.shape.height,
                         values: [Float](repeating: 1, count: content.shape.pixels))
        for propagation in GuidePropagation.allCases {
            let plain = StyleObjective(network: network, settings: .report, content: content, styles: [(style, 1)])
            let guided = StyleObjective(network: network, settings: .report, content: content, styles: [(style, 1)],
                                        guides: SpatialGuides(styleMasks: [white], contentMask: white, propagation: propagation))
            let (g1, g2) = (BlockedTensor(image.shape), BlockedTensor(image.shape))
            let (l1, l2) = (plain.evaluate(image, gradient: g1), guided.evaluate(image, gradient: g2))
            XCTAssertEqual(l1.total, l2.total, accuracy: 1e-6 * l1.total, "\(propagation)")
            XCTAssertEqual(l1.styleLayers, l2.styleLayers, "\(propagation)")
            let d = zip(g1.chw(), g2.chw()).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(d, 1e-5 * g1.chw().map(abs).max()!, "\(propagation)")
        }
    }

    /// With style masks a painting's blend weight scales its region's loss relative to the blend's mean: one masked
    /// painting is the same objective at any weight (its target is its own Gram matrices, never scaled).
    func testOneMaskedPaintingIgnoresItsBlendWeight() throws {
        let (c, network) = try MiniVGG.load()
        let content = c.rgb("content"), style = c.rgb("style"), image = c.rgb("image")
        let left = Mask(width: content.shape.width, height: content.shape.height,
                        values: (0..<content.shape.pixels).map { Float($0 % content.shape.width < 16 ? 1 : 0) })
        let guides = SpatialGuides(styleMasks: [left])
        let losses = [1.0, 0.5].map { weight in
            StyleObjective(network: network, settings: .report, content: content, styles: [(style, weight)], guides: guides)
                .evaluate(image)
        }
        XCTAssertEqual(losses[0], losses[1])
    }

    /// `inside` erodes a 0/1 mask by one pixel per convolution and takes the smallest of each 2×2 pooling window;
    /// `simple` averages the windows. Worked by hand on a 12×8 mask, white on the left 7 columns.
    func testPropagationByHand() {
        let values = (0..<96).map { i in Float(i % 12 < 7 ? 1 : 0) }
        let m = Mask(width: 12, height: 8, values: values)
        let layers: [VGGLayer] = [.block1Conv1, .block1Conv2, .block2Conv1]
        let inside = GuidePropagation.inside.carry(m, architecture: .vgg19, to: layers)
        let simple = GuidePropagation.simple.carry(m, architecture: .vgg19, to: layers)
        XCTAssertEqual(Array(inside[.block1Conv1]!.values[0..<12]), [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(Array(inside[.block1Conv2]!.values[0..<12]), [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
        // Pooled to 6×4 (the smallest of columns 0–1, 2–3: white; 4–5: black), then eroded once: column 0.
        XCTAssertEqual(Array(inside[.block2Conv1]!.values[0..<6]), [1, 0, 0, 0, 0, 0])
        XCTAssertEqual(Array(simple[.block2Conv1]!.values[0..<6]), [1, 1, 1, 0.5, 0, 0])
        XCTAssertEqual(simple[.block1Conv2]!.values, values)
    }
}
