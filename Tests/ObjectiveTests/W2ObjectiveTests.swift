// The Wasserstein-2 style loss (one painting, a blend on the relative scale, two paintings under style masks)
// against PyTorch float64 with the square root by eigendecomposition (tools/fixtures/make_w2_fixtures.py): the mini VGG19
// and the real one, on the whole image's tape and band by band.

import Engine
import Foundation
import Network
import Objective
import TestSupport
import XCTest

final class W2ObjectiveTests: XCTestCase {
    func objective(_ network: VGGNetwork, _ c: FixtureCase, _ recompute: RecomputePlan?) -> StyleObjective {
        var settings = ObjectiveSettings.report
        settings.styleLoss = .w2
        let (content, style) = (c.params["content_weight"]!, c.params["style_weight"]!)
        settings.balance = c.params["relative"]! == 1 ? .relativeWeights(content: content, style: style)
            : .weights(content: content, style: style)
        let blend = c.values("blend")
        let styles = blend.indices.map { (c.rgb("style\($0)"), blend[$0]) }
        let guides = c.kernel.hasSuffix("_masked") ? SpatialGuides(styleMasks: [c.mask("mask0"), c.mask("mask1")]) : nil
        return StyleObjective(network: network, settings: settings, content: c.rgb("content"), styles: styles,
                              guides: guides, recompute: recompute)
    }

    func cases(real: Bool) throws -> [FixtureCase] {
        let all = try FixtureFile.load(Fixture.path("network/w2.slfx"))
        let chosen = all.filter { $0.name.hasPrefix("VGG19") == real }
        XCTAssertEqual(chosen.count, real ? 2 : 3)
        return chosen
    }

    func testMiniVGG19W2AgainstPyTorch() throws {
        let (_, network) = try MiniVGG.load()
        for c in try cases(real: false) { ObjectiveFixtureCheck.verify(c, real: false) { objective(network, c, $0) } }
    }

    func testRealVGG19W2AgainstPyTorch() throws {
        let network = try VGGNetwork.load(try RealWeights.require())
        for c in try cases(real: true) { ObjectiveFixtureCheck.verify(c, real: true) { objective(network, c, $0) } }
    }
}
