// The relative (size-independent) losses behind --strength: each equals the report's loss rescaled by its target's
// norm — values, per-layer parts and the input gradient — on the seeded mini network.

import Engine
import Foundation
import Network
import Objective
import TestSupport
import XCTest

final class RelativeLossTests: XCTestCase {
    func testRelativeLossesAreTheReportsRescaledByTheTargetsNorms() throws {
        let (c, network) = try MiniVGG.load()
        func rgb(_ key: String) -> BlockedTensor {
            let s = c.shape(key)
            return BlockedTensor(Shape(channels: s[0], height: s[1], width: s[2]), chw: c.floats(key))
        }
        let (content, style, image) = (rgb("content"), rgb("style"), rgb("image"))

        let strength = ObjectiveSettings.strength(0.7)
        XCTAssertEqual(strength.normalization, .relative)
        XCTAssertEqual(strength.styleWeight, ObjectiveSettings.strengthBalance(.gram) * pow(10, 0.8), accuracy: 1e-12)
        let relative = StyleObjective(network: network, settings: strength, content: content, style: style)

        // The same objective in the report's terms: each layer weight and the content weight divided by the norm.
        let tape = VGGTape(network: network, height: content.shape.height, width: content.shape.width,
                           deepest: .block5Conv2)
        network.forward(content, recording: tape)
        let p = tape.output(.block5Conv2).chw()
        let sumP2 = p.reduce(0.0) { $0 + Double($1) * Double($1) }
        var report = ObjectiveSettings.report
        report.balance = .weights(content: Double(p.count) / sumP2, style: strength.styleWeight)
        var norms: [Double] = []
        for (i, l) in report.styleLayers.enumerated() {
            let a = relative.styleTarget(i)
            norms.append(a.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(a.count))   // ΣA² / C²
            report.styleLayers[i].weight = l.weight / norms[i]
        }
        let rescaled = StyleObjective(network: network, settings: report, content: content, style: style)

        let (g1, g2) = (BlockedTensor(image.shape), BlockedTensor(image.shape))
        let a = relative.evaluate(image, gradient: g1), b = rescaled.evaluate(image, gradient: g2)
        XCTAssertEqual(a.total, b.total, accuracy: 1e-5 * b.total)
        XCTAssertEqual(a.content, b.content * Double(p.count) / sumP2, accuracy: 1e-5 * a.content)
        for i in norms.indices {
            XCTAssertEqual(a.styleLayers[i], b.styleLayers[i] / norms[i], accuracy: 1e-5 * a.styleLayers[i])
        }
        XCTAssertGreaterThan(a.content, 0)
        XCTAssertGreaterThan(a.style, 0)
        assertClose(g1.chw().map(Double.init), g2.chw().map(Double.init), rel: 1e-4, abs: 1e-6 * Double(g2.chw().map(abs).max()!),
                    "relative gradient")
        // The content image itself has zero content loss.
        XCTAssertEqual(relative.evaluate(content).content, 0)
    }

    func testStrengthScaleIsMonotoneAndDocumented() {
        XCTAssertEqual(ObjectiveSettings.styleWeight(strength: 0.5), ObjectiveSettings.strengthBalance(.gram))
        XCTAssertEqual(ObjectiveSettings.styleWeight(strength: 0.75), 10 * ObjectiveSettings.strengthBalance(.gram), accuracy: 1e-9)
        XCTAssertEqual(ObjectiveSettings.styleWeight(strength: 0), 1e-2 * ObjectiveSettings.strengthBalance(.gram), accuracy: 1e-12)
        XCTAssertEqual(ObjectiveSettings.styleWeight(strength: 1), 1e2 * ObjectiveSettings.strengthBalance(.gram), accuracy: 1e-9)
    }
}
