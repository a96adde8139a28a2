// StyleObjective recomputing: the loss and its gradient through a RecomputingTape — the Gram sums and the content
// sum taken over each band's own rows as the forward visits them (the whole map's rows in order), the seeds put on
// each band's own rows as the backward recomputes it.

import Engine
import Network

extension StyleObjective {
    func evaluateCheckpointed(_ image: BlockedTensor, gradient: BlockedTensor?) -> LossBreakdown {
        let s = settings, tape = recomputing!
        for i in s.styleLayers.indices { resetSums(i) }
        var contentSum = 0.0
        profile.measure("recomputing forward") {
            tape.forward(image, observed: seededLayers, parallel: parallel) { layer, f, rows, row in
                for (i, l) in s.styleLayers.enumerated() where l.layer == layer { addGramSums(i, f, rows: rows, row: row) }
                if layer == s.contentLayer, let guide = contentGuide {
                    contentSum += PixelWeights.sumOfSquares(f, rows: rows, contentTarget, bRow: row, guide: guide)
                } else if layer == s.contentLayer {
                    contentSum += MeanSquaredError.sumOfSquares(f, rows: rows, contentTarget, bRow: row)
                }
            }
        }
        for i in s.styleLayers.indices { takeSums(i) }
        let styleLayers = styleLosses()
        let content = contentSum * contentScale
        let tv = s.tvWeight != 0 ? TotalVariation.forward(image) : 0
        let temporalLoss = temporal?.forward(image)
        if let gradient {
            profile.measure("recomputing backward") {
                tape.backward(image, seeded: seededLayers, into: gradient, parallel: parallel) { layer, g, f, rows, row in
                    for (i, l) in s.styleLayers.enumerated() where l.layer == layer {
                        seedGram(i, f, rows: rows, row: row, into: g, accumulate: true)
                    }
                    if layer == s.contentLayer, let guide = contentGuide {
                        PixelWeights.gradient(f, rows: rows, contentTarget, bRow: row, guide: guide,
                                              k: 2 * s.contentWeight * contentScale, into: g)
                    } else if layer == s.contentLayer {
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
}
