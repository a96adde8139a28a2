// StyleObjective guided: the regions of the style loss and their guides at each layer's size (Gatys et al. 2017's
// guided Gram matrices), the content guide, and the Gram sums and seeds taken through them — the same on the whole
// image's tape and band by band.
//
// A region's guide t at a layer is its mask carried there (`GuidePropagation`), scaled so that Σ t² is the map's
// pixel count: its Gram G = (F∘t)(F∘t)ᵀ / n is a weighted mean of the products FFᵀ, comparable with a painting's
// (an all-white mask gives exactly the unguided Gram). Its weight λ in the layer's loss is its blend weight over the
// blend's mean times its share of the map (Σ t² before scaling, over the pixel count): a painting pulls each pixel
// of its region as hard as it pulls every pixel when it covers the whole picture.

import Engine
import Network

/// A guide at one layer's size: its values and their squares (the backward's weights).
struct Guide {
    let values: [Float], squared: [Float]

    /// t = k·√m for the mask m, k such that Σ t² is its pixel count (all zeros stays zeros).
    init(normalizing mask: Mask) {
        let sum = mask.sum
        let k = Float(sum > 0 ? (Double(mask.values.count) / sum).squareRoot() : 0)
        values = mask.values.map { k * $0.squareRoot() }
        squared = values.map { $0 * $0 }
    }
}

extension StyleObjective {
    /// The style loss's regions: one unguided region, or one per style mask with its guide and weight at each style
    /// layer.
    static func regions(_ guides: SpatialGuides?, styles weights: [Double], settings: ObjectiveSettings,
                        architecture: VGGArchitecture, imageShape: Shape, styleShapes: [Shape])
        -> (count: Int, guides: [[Guide?]], weights: [[Double]]) {
        let layers = settings.styleLayers.map(\.layer)
        guard let guides, let masks = guides.normalizedStyleMasks else {
            return (1, layers.map { _ in [nil] }, layers.map { _ in [1] })
        }
        precondition(masks.count == weights.count && masks.allSatisfy { $0.width == imageShape.width && $0.height == imageShape.height },
                     "StyleObjective: one style mask per painting, each the image's size")
        let mean = weights.reduce(0, +) / Double(weights.count)
        var out = (count: masks.count, guides: layers.map { _ in [Guide?]() }, weights: layers.map { _ in [Double]() })
        for (k, mask) in masks.enumerated() {
            let carried = guides.propagation.carry(mask, architecture: architecture, to: layers)
            for (i, layer) in layers.enumerated() {
                let m = carried[layer]!
                precondition(m.width == styleShapes[i].width && m.height == styleShapes[i].height, "StyleObjective: guide size")
                out.guides[i].append(Guide(normalizing: m))
                out.weights[i].append(mean > 0 ? weights[k] / mean * m.sum / Double(m.values.count) : 0)
            }
        }
        return out
    }

    /// The content mask carried to the content layer: the content loss's weight per pixel there.
    static func contentGuide(_ mask: Mask, _ propagation: GuidePropagation, _ network: VGGNetwork,
                             _ settings: ObjectiveSettings) -> [Float] {
        propagation.carry(mask, architecture: network.architecture, to: [settings.contentLayer])[settings.contentLayer]!.values
    }

    /// A guided map's workspace of `shape` (one per shape, kept).
    func scratch(_ shape: Shape) -> BlockedTensor {
        if let t = scratch[shape] { return t }
        let t = BlockedTensor(shape)
        scratch[shape] = t
        return t
    }

    /// Starts style layer `i`'s sums (Gram, and channel sums for W2) again from zero.
    func resetSums(_ i: Int) {
        for r in 0..<regions { gramSums[i][r].reset() }
        if !channelSums.isEmpty { for r in 0..<regions { channelSums[i][r].reset() } }
    }

    /// Adds rows `rows` of style layer `i`'s map `f` (`row`: the first's row in the whole map) to each region's
    /// Gram sums, through its guide (and, for W2, to its channel sums, each pixel weighted by the guide's square).
    func addGramSums(_ i: Int, _ f: BlockedTensor, rows: Range<Int>, row: Int) {
        for r in 0..<regions {
            gramSums[i][r].add(f, guide: styleGuides[i][r], rows: rows, row: row, workspace: scratch, parallel: parallel)
            if !channelSums.isEmpty {
                channelSums[i][r].add(f, weights: styleGuides[i][r]?.squared, rows: rows, row: row, parallel: parallel)
            }
        }
    }

    /// Style layer `i`'s Gram matrices (and, for W2, channel means) from its sums, once every row is added.
    func takeSums(_ i: Int) {
        let n = Self.gramNormalization(styleShapes[i], settings)
        for r in 0..<regions {
            gramSums[i][r].result(normalization: n, into: &grams[i][r])
            if !channelSums.isEmpty { channelSums[i][r].result(normalization: Double(styleShapes[i].pixels), into: &means[i][r]) }
        }
    }

    /// g (+)= ∂total/∂f over rows `rows` of style layer `i`'s map `f`: (D + Dᵀ) f / n (+ ∂total/∂mean / N for
    /// W2); for a guided region t² times that, the chain rule through f∘t.
    func seedGram(_ i: Int, _ f: BlockedTensor, rows: Range<Int>, row: Int, into g: BlockedTensor, accumulate: Bool) {
        let n = Self.gramNormalization(styleShapes[i], settings), pixels = Double(styleShapes[i].pixels)
        guard styleGuides[i][0] != nil else {
            Gram.backward(gramGradients[i][0], features: f, normalization: n, into: g, accumulate: accumulate,
                          rows: rows, parallel: parallel)
            if !w2.isEmpty {
                ChannelSums.backward(meanGradients[i][0], normalization: pixels, rows: rows, row: row, into: g,
                                     accumulate: true, parallel: parallel)
            }
            return
        }
        if !accumulate { g.zero() }
        for r in 0..<regions where regionWeights[i][r] != 0 {
            let product = scratch(f.shape)
            Gram.backward(gramGradients[i][r], features: f, normalization: n, into: product, accumulate: false,
                          rows: rows, parallel: parallel)
            if !w2.isEmpty {
                ChannelSums.backward(meanGradients[i][r], normalization: pixels, rows: rows, row: row, into: product,
                                     accumulate: true, parallel: parallel)
            }
            PixelWeights.multiply(product, by: styleGuides[i][r]!.squared, rows: rows, row: row, into: g,
                                  accumulate: true, parallel: parallel)
        }
    }

    /// The Gram matrices of a style picture at the style layers (for W2 also the second raw moment FFᵀ/N in Double
    /// and the channel means; else both empty), on one tape (`plan` nil) or recomputing; with a `region`, guided by
    /// it (carried as `propagation` says; the means weighted by the guide's square, as the Gram's products are).
    static func styleGrams(_ network: VGGNetwork, _ settings: ObjectiveSettings, _ image: BlockedTensor,
                           _ plan: RecomputePlan?, _ parallel: Parallel, region: Mask?,
                           propagation: GuidePropagation) -> [(gram: [Float], moment: [Double], mean: [Double])] {
        let layers = settings.styleLayers.map(\.layer)
        let deepest = layers.max()!
        let shapes = network.architecture.mapShapes(height: image.shape.height, width: image.shape.width)
        let w2 = settings.styleLoss == .w2
        let sums = layers.map { GramSums(channels: shapes[$0]!.channels) }
        let channelSums = w2 ? layers.map { ChannelSums(channels: shapes[$0]!.channels) } : []
        let guides = region.map { propagation.carry($0, architecture: network.architecture, to: layers).mapValues(Guide.init) }
        var scratch: [Shape: BlockedTensor] = [:]
        func workspace(_ shape: Shape) -> BlockedTensor {
            let t = scratch[shape] ?? BlockedTensor(shape)
            scratch[shape] = t
            return t
        }
        func add(_ i: Int, _ f: BlockedTensor, _ rows: Range<Int>, _ row: Int) {
            sums[i].add(f, guide: guides?[layers[i]], rows: rows, row: row, workspace: workspace, parallel: parallel)
            if w2 { channelSums[i].add(f, weights: guides?[layers[i]]?.squared, rows: rows, row: row, parallel: parallel) }
        }
        if let plan {
            let tape = RecomputingTape(network: network, height: image.shape.height, width: image.shape.width,
                                        deepest: deepest, plan: plan)
            tape.forward(image, observed: Set(layers), parallel: parallel) { layer, f, rows, row in
                for (i, l) in layers.enumerated() where l == layer { add(i, f, rows, row) }
            }
        } else {
            let tape = VGGTape(network: network, height: image.shape.height, width: image.shape.width, deepest: deepest)
            network.forward(image, recording: tape, parallel: parallel)
            for (i, l) in layers.enumerated() {
                let f = tape.output(l)
                add(i, f, 0..<f.shape.height, 0)
            }
        }
        return layers.enumerated().map { i, l in
            let shape = shapes[l]!
            var g = [Float](repeating: 0, count: shape.channels * shape.channels)
            sums[i].result(normalization: gramNormalization(shape, settings), into: &g)
            guard w2 else { return (g, [], []) }
            var moment = [Double](repeating: 0, count: g.count)
            sums[i].result(normalization: Double(shape.pixels), into: &moment)
            return (g, moment, channelSums[i].result(normalization: Double(shape.pixels)))
        }
    }
}

extension GramSums {
    /// Adds rows `rows` of `f` (`row`: the first's row in the whole map) through `guide` (nil: as they are), the
    /// guided rows made in `workspace(f.shape)`.
    func add(_ f: BlockedTensor, guide: Guide?, rows: Range<Int>, row: Int, workspace: (Shape) -> BlockedTensor,
             parallel: Parallel) {
        guard let guide else { return add(f, rows: rows, parallel: parallel) }
        let guided = workspace(f.shape)
        PixelWeights.multiply(f, by: guide.values, rows: rows, row: row, into: guided, parallel: parallel)
        add(guided, rows: rows, parallel: parallel)
    }
}
