// An objective fixture case's pictures and masks, and the check of an objective against it — the losses, each style
// layer's and the image gradient, after an evaluation of noise (the result must not depend on the buffers' last
// values) — on the whole image's tape and band by band. The guided and the W2 fixtures share it.

import Engine
import Foundation
import Network
import Objective
import TestSupport
import XCTest

extension FixtureCase {
    func rgb(_ key: String) -> BlockedTensor {
        let s = shape(key)
        return BlockedTensor(Shape(channels: s[0], height: s[1], width: s[2]), chw: floats(key))
    }

    func mask(_ key: String) -> Mask {
        let s = shape(key)
        return Mask(width: s[1], height: s[0], values: floats(key))
    }
}

enum ObjectiveFixtureCheck {
    /// The plans each case is checked on beside the whole tape: the mini network's two, the real one's one.
    static func plans(real: Bool) -> [RecomputePlan] {
        real ? [RecomputePlan(keptFrom: 4, bandRows: 4)]
            : [RecomputePlan(keptFrom: 5, bandRows: 2), RecomputePlan(keptFrom: 3, bandRows: 4)]
    }

    /// Checks `make(plan)` against `c` on the whole tape (plan nil) and on each of `plans(real:)`.
    static func verify(_ c: FixtureCase, real: Bool, _ make: (RecomputePlan?) -> StyleObjective) {
        for plan in [nil] + plans(real: real) { verify(make(plan), c, name: c.name + (plan.map { ", " + $0.description } ?? "")) }
    }

    static func verify(_ objective: StyleObjective, _ c: FixtureCase, name: String) {
        let image = c.rgb("image")
        let gradient = BlockedTensor(image.shape)
        let noise = BlockedTensor(image.shape, chw: (0..<image.shape.count).map { Float(($0 * 7919) % 256) })
        _ = objective.evaluate(noise, gradient: gradient)
        let loss = objective.evaluate(image, gradient: gradient)
        assertClose([loss.total], c.values("loss_total"), rel: c.rel, abs: c.abs, "\(name): total")
        assertClose([loss.style], c.values("loss_style"), rel: c.rel, abs: c.abs, "\(name): style")
        assertClose([loss.content], c.values("loss_content"), rel: c.rel, abs: c.abs, "\(name): content")
        assertClose(loss.styleLayers, c.values("loss_style_layers"), rel: c.rel, abs: c.abs, "\(name): style layers")
        let t = c.tolerance("grad_image")
        assertClose(gradient.chw(), c.values("grad_image"), rel: t.rel, abs: t.abs, dims: c.shape("grad_image"), "\(name): gradient")
        let ref = c.values("grad_image"), mine = gradient.chw()
        let gradError = zip(mine, ref).map { abs(Double($0) - $1) }.max()! / ref.map(abs).max()!
        let layerError = zip(loss.styleLayers, c.values("loss_style_layers")).map { abs($0 / $1 - 1) }.max()!
        print(String(format: "%@: total loss rel. error %.2e, style %.2e (layers at most %.2e), content %.2e; gradient max error %.2e of its largest magnitude",
                     name, abs(loss.total / c.values("loss_total")[0] - 1), abs(loss.style / c.values("loss_style")[0] - 1),
                     layerError, abs(loss.content / c.values("loss_content")[0] - 1), gradError))
    }
}
