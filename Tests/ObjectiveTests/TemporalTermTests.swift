// TemporalTermTests: a clip frame's temporal loss (Ruder et al.) against its definition computed here in Double —
// value and gradient — and inside the objective, where it adds exactly its weighted value and gradient on the mini
// network, on the whole tape and recomputed in bands alike; and retargeting the objective to a new photo equals
// making it for that photo.

import Engine
import Foundation
import Network
import Objective
import TestSupport
import XCTest

final class TemporalTermTests: XCTestCase {
    func testValueAndGradientAreTheMaskedMeanSquaredDifference() {
        let (w, h) = (13, 9), n = 13 * 9
        var rng = SystemRandomNumberGenerator()
        let x = (0..<(3 * n)).map { _ in Float.random(in: 0...255, using: &rng) }
        let target = (0..<(3 * n)).map { _ in Float.random(in: 0...255, using: &rng) }
        let mask = (0..<n).map { i in i % 5 == 0 ? 0 : Float.random(in: 0...1, using: &rng) }
        let term = TemporalTerm(weight: 3.5, target: target, mask: mask, width: w, height: h)
        let image = BlockedTensor(Shape(channels: 3, height: h, width: w), chw: x)
        var expected = 0.0
        for c in 0..<3 { for i in 0..<n { let d = Double(x[c * n + i]) - Double(target[c * n + i]); expected += Double(mask[i]) * d * d } }
        expected /= Double(3 * n)
        XCTAssertEqual(term.forward(image), expected, accuracy: 1e-6 * expected)
        let gradient = BlockedTensor(Shape(channels: 3, height: h, width: w))
        gradient.zero()
        term.backward(image, into: gradient)
        let g = gradient.chw()
        for c in 0..<3 {
            for i in 0..<n {
                let want = 3.5 * 2 * Double(mask[i]) * (Double(x[c * n + i]) - Double(target[c * n + i])) / Double(3 * n)
                XCTAssertEqual(Double(g[c * n + i]), want, accuracy: 1e-5 * max(1, abs(want)))
            }
        }
    }

    func testTheObjectiveAddsTheWeightedTermAndRetargetsExactly() throws {
        let (c, network) = try MiniVGG.load()
        func rgb(_ key: String) -> BlockedTensor {
            let s = c.shape(key)
            return BlockedTensor(Shape(channels: s[0], height: s[1], width: s[2]), chw: c.floats(key))
        }
        let (content, style, image) = (rgb("content"), rgb("style"), rgb("image"))
        let (h, w) = (image.shape.height, image.shape.width), n = h * w
        let target = image.chw().enumerated().map { $0.element + Float($0.offset % 7) - 3 }
        let mask = (0..<n).map { Float($0 % 3) / 2 }
        let term = TemporalTerm(weight: 40, target: target, mask: mask, width: w, height: h)
        for recompute in [nil, RecomputePlan(keptFrom: 4, bandRows: 4)] {
            let objective = StyleObjective(network: network, settings: .report, content: content, style: style, recompute: recompute)
            let (g0, g1) = (BlockedTensor(image.shape), BlockedTensor(image.shape))
            let plain = objective.evaluate(image, gradient: g0)
            XCTAssertNil(plain.temporal)
            objective.temporal = term
            let with = objective.evaluate(image, gradient: g1)
            let t = try XCTUnwrap(with.temporal)
            XCTAssertEqual(t, term.forward(image), accuracy: 1e-9 * t)
            XCTAssertEqual(with.total, plain.total + 40 * t, accuracy: 1e-9 * with.total)
            let extra = BlockedTensor(image.shape)
            extra.zero()
            term.backward(image, into: extra)
            for (a, (b, e)) in zip(g1.chw(), zip(g0.chw(), extra.chw())) {
                XCTAssertEqual(a, b + e, accuracy: 1e-5 * max(1, abs(a)), "\(String(describing: recompute))")
            }
            // Retargeting to another photo gives what an objective made for it gives.
            objective.temporal = nil
            objective.retarget(content: image)
            let fresh = StyleObjective(network: network, settings: .report, content: image, style: style, recompute: recompute)
            let (r0, r1) = (BlockedTensor(image.shape), BlockedTensor(image.shape))
            XCTAssertEqual(objective.evaluate(content, gradient: r0), fresh.evaluate(content, gradient: r1))
            XCTAssertEqual(r0.chw(), r1.chw())
        }
    }
}
