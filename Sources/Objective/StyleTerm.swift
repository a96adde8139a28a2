// StyleTerm: one style layer's loss over one region — its guide, weight, measure (what it compares), the picture's
// sums taken band by band, and the gradient it seeds — and ContentTerm, the content layer's. Each holds everything
// its term needs, so a new loss adds a measure, not an array beside the others.

import Engine

/// One (style layer, region) term: λ · s · E(picture, painting), E as its `measure` says.
final class StyleTerm {
    /// The style layer's index in `ObjectiveSettings.styleLayers`.
    let layer: Int
    /// The layer's map for the whole picture.
    let shape: Shape
    /// The region's guide at this layer (nil: the whole map, unguided).
    let guide: Guide?
    /// λ: the region's weight in the layer's loss (1 unguided).
    let weight: Double
    let measure: any StyleMeasure
    /// The Gram normalisation n of the picture's Gram matrix.
    let normalization: Double
    let sums: GramSums
    /// The picture's channel sums, for a measure that reads the means (else nil).
    let channelSums: ChannelSums?
    /// The picture's Gram matrix and channel means from the last forward; k · ∂E/∂G and k · ∂E/∂μ from the last
    /// evaluation.
    private(set) var gram: [Float], means: [Double], dGram: [Float], dMean: [Double]
    /// (dGram + dGramᵀ)/n as the Gram backward's weights, packed by `evaluate`.
    let backwardWeights: GramBackwardWeights

    init(layer: Int, shape: Shape, guide: Guide?, weight: Double, target: PaintingStatistics,
         settings: ObjectiveSettings) {
        let kind = settings.styleLoss.measure
        (self.layer, self.shape, self.guide, self.weight) = (layer, shape, guide, weight)
        measure = kind.init(target: target, shape: shape, settings: settings)
        normalization = kind.gramNormalization(shape, settings)
        sums = GramSums(channels: shape.channels)
        channelSums = kind.readsMoments ? ChannelSums(channels: shape.channels) : nil
        (gram, dGram) = (target.gram, target.gram)
        (means, dMean) = (target.mean, target.mean)
        backwardWeights = GramBackwardWeights(channels: shape.channels)
        backwardWeights.pack(dGram, normalization: normalization)
    }

    /// Starts the picture's sums again from zero.
    func reset() {
        sums.reset()
        channelSums?.reset()
    }

    /// Adds rows `rows` of the layer's map `f` (`row`: the first's row in the whole map) through the guide: the
    /// guided rows made in `workspace(f.shape)`; the channel sums weighted by the guide's square.
    func add(_ f: BlockedTensor, rows: Range<Int>, row: Int, workspace: (Shape) -> BlockedTensor, parallel: Parallel) {
        sums.add(f, guide: guide, rows: rows, row: row, workspace: workspace, parallel: parallel)
        channelSums?.add(f, weights: guide?.squared, rows: rows, row: row, parallel: parallel)
    }

    /// The picture's Gram matrix (and means) from the sums, once every row is added.
    func take() {
        sums.result(normalization: normalization, into: &gram)
        channelSums?.result(normalization: Double(shape.pixels), into: &means)
    }

    /// E of the picture's statistics against the painting's, its gradient scaled by `k` kept for `seed` (dGram
    /// packed as the Gram backward's weights, once).
    func evaluate(k: Double) -> Double {
        let e = measure.evaluate(PictureStatistics(gram: gram, sums: sums, means: means, pixels: shape.pixels), k: k,
                                 dGram: &dGram, dMean: &dMean)
        backwardWeights.pack(dGram, normalization: normalization)
        return e
    }

    /// g[rows] (+)= ∂(k · E)/∂f over rows `rows` of the map `f`: (D + Dᵀ) f / n (+ ∂/∂μ's share of every pixel);
    /// for a guided term t² times that, the chain rule through f∘t (the product made in `workspace(f.shape)`).
    /// Added to `g` with `accumulate`, else written.
    func seed(_ f: BlockedTensor, rows: Range<Int>, row: Int, into g: BlockedTensor, accumulate: Bool,
              workspace: (Shape) -> BlockedTensor, parallel: Parallel) {
        let product = guide == nil ? g : workspace(f.shape)
        Gram.backward(backwardWeights, features: f, into: product, accumulate: guide == nil && accumulate, rows: rows,
                      parallel: parallel)
        if channelSums != nil {
            ChannelSums.backward(dMean, normalization: Double(shape.pixels), rows: rows, row: row, into: product,
                                 accumulate: true, parallel: parallel)
        }
        if let guide {
            PixelWeights.multiply(product, by: guide.squared, rows: rows, row: row, into: g, accumulate: accumulate,
                                  parallel: parallel)
        }
    }
}

/// The content layer's term: s · Σ guide · (F − P)² against the photo's features P (guide 1 without a content mask).
final class ContentTerm {
    /// The photo's features at the content layer (a clip's next frame replaces them: `retarget`).
    let target: BlockedTensor
    /// The content loss's weight per pixel at the content layer's size (nil: 1 everywhere).
    let guide: [Float]?
    /// s: 1 / Σ P² under relative losses, else the convention's (1/count for a mean, ½ for ½Σ).
    private(set) var scale = 1.0
    let settings: ObjectiveSettings

    init(shape: Shape, guide: [Float]?, settings: ObjectiveSettings) {
        (target, self.guide, self.settings) = (BlockedTensor(shape), guide, settings)
    }

    /// The scale for the features now in `target`.
    func targetChanged() {
        let count = Double(target.shape.count)
        switch (settings.normalization, settings.content) {
        case (.relative, _):
            let sum = MeanSquaredError.forward(target, BlockedTensor(target.shape)) * count
            scale = 1 / (sum > 0 ? sum : 1)
        case (.none, let convention):
            scale = convention == .meanSquared ? 1 / count : 0.5
        }
    }

    /// Σ guide · (F − P)² over rows `rows` of the map `f` (`row`: the first's row in the whole map), unscaled.
    func sum(_ f: BlockedTensor, rows: Range<Int>, row: Int) -> Double {
        guide.map { PixelWeights.sumOfSquares(f, rows: rows, target, bRow: row, guide: $0) }
            ?? MeanSquaredError.sumOfSquares(f, rows: rows, target, bRow: row)
    }

    /// The loss from the whole map's `sum`. Unguided it is taken as the mean times the count, as the whole tape has
    /// always taken it, so that runs keep their losses to the bit (a banded run moves by at most an ulp).
    func value(sum: Double) -> Double {
        guide == nil ? sum / Double(target.shape.count) * Double(target.shape.count) * scale : sum * scale
    }

    /// g[rows] (+)= ∂(weight · s · Σ guide (F − P)²)/∂f over rows `rows`; added with `accumulate`, else written.
    /// Unguided its factor is taken through the mean as `value` takes the loss.
    func seed(_ f: BlockedTensor, rows: Range<Int>, row: Int, weight: Double, into g: BlockedTensor, accumulate: Bool) {
        let count = Double(target.shape.count)
        let k = guide == nil ? 2 * (weight * count * scale) / count : 2 * weight * scale
        if let guide {
            if !accumulate { g.zero() }
            PixelWeights.gradient(f, rows: rows, target, bRow: row, guide: guide, k: k, into: g)
        } else {
            MeanSquaredError.gradient(f, rows: rows, target, bRow: row, k: k, into: g, accumulate: accumulate)
        }
    }
}
