// StyleObjective recomputing: the loss and its gradient through a RecomputingTape — the Gram sums and the content
// sum taken over each band's own rows as the forward visits them (the whole map's rows in order), the seeds put on
// each band's own rows as the backward recomputes it.

import Engine
import Network

extension StyleObjective {
    func evaluateCheckpointed(_ image: BlockedTensor, gradient: BlockedTensor?) -> LossBreakdown {
        let s = settings, tape = recomputing!
        for sums in gramSums { sums.reset() }
        var contentSum = 0.0
        profile.measure("recomputing forward") {
            tape.forward(image, observed: seededLayers, parallel: parallel) { layer, f, rows, row in
                for (i, l) in s.styleLayers.enumerated() where l.layer == layer {
                    gramSums[i].add(f, rows: rows, parallel: parallel)
                }
                if layer == s.contentLayer {
                    contentSum += MeanSquaredError.sumOfSquares(f, rows: rows, contentTarget, bRow: row)
                }
            }
        }
        for i in s.styleLayers.indices {
            gramSums[i].result(normalization: Self.gramNormalization(styleShapes[i], s), into: &grams[i])
        }
        let styleLayers = styleLosses()
        let content = contentSum * contentScale
        let tv = s.tvWeight != 0 ? TotalVariation.forward(image) : 0
        let temporalLoss = temporal?.forward(image)
        if let gradient {
            profile.measure("recomputing backward") {
                tape.backward(image, seeded: seededLayers, into: gradient, parallel: parallel) { layer, g, f, rows, row in
                    for (i, l) in s.styleLayers.enumerated() where l.layer == layer {
                        Gram.backward(gramGradients[i], features: f, normalization: Self.gramNormalization(styleShapes[i], s),
                                      into: g, accumulate: true, rows: rows, parallel: parallel)
                    }
                    if layer == s.contentLayer {
                        MeanSquaredError.gradient(f, rows: rows, contentTarget, bRow: row, k: 2 * s.contentWeight * contentScale,
                                                  into: g, accumulate: true)
                    }
                }
            }
            if s.tvWeight != 0 { TotalVariation.backward(image, scale: s.tvWeight, into: gradient, accumulate: true) }
            temporal?.backward(image, into: gradient)
        }
        return breakdown(styleLayers: styleLayers, content: content, tv: tv, temporal: temporalLoss)
    }

    /// The Gram matrices of a style picture at the style layers, on one tape (`plan` nil) or recomputing.
    static func styleGrams(_ network: VGGNetwork, _ settings: ObjectiveSettings, _ image: BlockedTensor,
                           _ plan: RecomputePlan?, _ parallel: Parallel) -> [[Float]] {
        let deepest = settings.styleLayers.map(\.layer).max()!
        let shapes = network.architecture.mapShapes(height: image.shape.height, width: image.shape.width)
        let sums = settings.styleLayers.map { GramSums(channels: shapes[$0.layer]!.channels) }
        if let plan {
            let tape = RecomputingTape(network: network, height: image.shape.height, width: image.shape.width,
                                        deepest: deepest, plan: plan)
            tape.forward(image, observed: Set(settings.styleLayers.map(\.layer)), parallel: parallel) { layer, f, rows, _ in
                for (i, l) in settings.styleLayers.enumerated() where l.layer == layer { sums[i].add(f, rows: rows, parallel: parallel) }
            }
        } else {
            let tape = VGGTape(network: network, height: image.shape.height, width: image.shape.width, deepest: deepest)
            network.forward(image, recording: tape, parallel: parallel)
            for (i, l) in settings.styleLayers.enumerated() {
                let f = tape.output(l.layer)
                sums[i].add(f, rows: 0..<f.shape.height, parallel: parallel)
            }
        }
        return settings.styleLayers.enumerated().map { i, l in
            let shape = shapes[l.layer]!
            var g = [Float](repeating: 0, count: shape.channels * shape.channels)
            sums[i].result(normalization: gramNormalization(shape, settings), into: &g)
            return g
        }
    }
}
