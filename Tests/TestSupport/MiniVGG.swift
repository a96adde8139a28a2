// MiniVGG: the seeded mini VGG19 of the network fixtures and the fixture case that holds its weights.

import Foundation
import Network

public enum MiniVGG {
    /// The fixture case "vgg_report_objective" of network/mini_vgg.slfx (with `padding` other than zeros:
    /// "vgg_report_objective_reflect", "…_reflect_all", …) and the network built from its weights.
    public static func load(padding: NetworkPadding = .zeros, pooling: Pooling = .max) throws -> (FixtureCase, VGGNetwork) {
        let kernel = "vgg_report_objective" + (padding == .zeros ? "" : "_" + padding.description.replacingOccurrences(of: "-", with: "_"))
        let c = try FixtureFile.load(Fixture.path("network/mini_vgg.slfx")).first { $0.kernel == kernel }!
        var weights: [VGGLayer: (weights: [Float], bias: [Float])] = [:]
        for l in VGGArchitecture.miniVGG19.layers {
            weights[l.layer] = (c.floats("weight_" + l.layer.name), c.floats("bias_" + l.layer.name))
        }
        return (c, VGGNetwork(architecture: .miniVGG19, weights: weights, pooling: pooling, padding: padding))
    }
}
