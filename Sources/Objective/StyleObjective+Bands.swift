// StyleObjective in bands: the loss and its gradient computed slab by slab (BandLayout), in the memory of one slab's
// tape. A first walk over the bands sums the Gram matrices and the content loss over each band's own rows; a
// second recomputes each slab, seeds the backward on the band's own rows only and adds the slab's gradient into the
// image's. Exact: every value a band's rows depend on is the whole image's (the halo), the Gram sums add the same
// rows in the same order; only the gradient's sums across overlapping slabs are taken in another order.

import Engine
import Network

extension StyleObjective {
    func evaluateInBands(_ image: BlockedTensor, gradient: BlockedTensor?) -> LossBreakdown {
        let s = settings, layout = layout!
        for sums in gramSums { sums.reset() }
        var contentSum = 0.0
        Self.eachBand(network, image, layout, tape, slab!.image, parallel) { band in
            for (i, l) in s.styleLayers.enumerated() {
                let f = tape.output(l.layer)
                gramSums[i].add(f, rows: layout.rows(band!, level: l.layer.block - 1, slabMapRows: f.shape.height).slab,
                                parallel: parallel)
            }
            let f = tape.output(s.contentLayer)
            let rows = layout.rows(band!, level: s.contentLayer.block - 1, slabMapRows: f.shape.height)
            contentSum += MeanSquaredError.sumOfSquares(f, rows: rows.slab, contentTarget, bRow: rows.picture)
        }
        for i in s.styleLayers.indices {
            gramSums[i].result(normalization: Self.gramNormalization(styleShapes[i], s), into: &grams[i])
        }
        let styleLayers = styleLosses()
        let content = contentSum * contentScale
        let tv = s.tvWeight != 0 ? TotalVariation.forward(image) : 0
        if let gradient {
            gradient.zero()
            let slabGradient = slab!.gradient
            // Backwards through the bands: the last slab of the first walk is still on the tape.
            Self.eachBand(network, image, layout, tape, slab!.image, parallel, reversed: true) { band in
                network.backward(tape, seeded: seededLayers, seed: { layer, g, add in
                    if !add { g.zero() }   // only the band's own rows are seeded
                    let f = tape.output(layer)
                    let rows = layout.rows(band!, level: layer.block - 1, slabMapRows: f.shape.height)
                    for (i, l) in s.styleLayers.enumerated() where l.layer == layer {
                        Gram.backward(gramGradients[i], features: f, normalization: Self.gramNormalization(styleShapes[i], s),
                                      into: g, accumulate: true, rows: rows.slab, parallel: parallel)
                    }
                    if layer == s.contentLayer {
                        MeanSquaredError.gradient(f, rows: rows.slab, contentTarget, bRow: rows.picture,
                                                  k: 2 * s.contentWeight * contentScale, into: g, accumulate: true)
                    }
                }, into: slabGradient, parallel: parallel)
                gradient.addRows(from: slabGradient, 0, to: layout.bands[band!].slabStart, count: layout.slabRows)
            }
            if s.tvWeight != 0 { TotalVariation.backward(image, scale: s.tvWeight, into: gradient, accumulate: true) }
        }
        return breakdown(styleLayers: styleLayers, content: content, tv: tv)
    }

    /// Runs the network forward on `image` whole (`layout` nil: `tape` is the image's, `body(nil)`), or on each
    /// band's slab copied into `slab` (`body(band)`). `reversed`: the last band first, whose slab the tape and
    /// `slab` still hold from a walk in order just before (not computed again).
    static func eachBand(_ network: VGGNetwork, _ image: BlockedTensor, _ layout: BandLayout?, _ tape: VGGTape,
                         _ slab: BlockedTensor?, _ parallel: Parallel, reversed: Bool = false, _ body: (Int?) -> Void) {
        guard let layout, let slab else {
            network.forward(image, recording: tape, parallel: parallel)
            return body(nil)
        }
        let order = reversed ? Array(layout.bands.indices.reversed()) : Array(layout.bands.indices)
        for (k, band) in order.enumerated() {
            if !(reversed && k == 0) {
                slab.copyRows(from: image, layout.bands[band].slabStart, to: 0, count: layout.slabRows)
                network.forward(slab, recording: tape, parallel: parallel)
            }
            body(band)
        }
    }

    /// The Gram matrices of a style picture at the style layers, whole or in bands.
    static func styleGrams(_ network: VGGNetwork, _ settings: ObjectiveSettings, _ image: BlockedTensor,
                           _ layout: BandLayout?, _ parallel: Parallel) -> [[Float]] {
        let deepest = settings.styleLayers.map(\.layer).max()!
        let tape = VGGTape(network: network, height: layout?.slabRows ?? image.shape.height, width: image.shape.width,
                           deepest: deepest)
        let shapes = network.architecture.mapShapes(height: image.shape.height, width: image.shape.width)
        let sums = settings.styleLayers.map { GramSums(channels: shapes[$0.layer]!.channels) }
        let slab = layout.map { BlockedTensor(Shape(channels: 3, height: $0.slabRows, width: image.shape.width)) }
        eachBand(network, image, layout, tape, slab, parallel) { band in
            for (i, l) in settings.styleLayers.enumerated() {
                let f = tape.output(l.layer)
                let rows = band.map { layout!.rows($0, level: l.layer.block - 1, slabMapRows: f.shape.height).slab }
                    ?? 0..<f.shape.height
                sums[i].add(f, rows: rows, parallel: parallel)
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
