// StyleObjective's targets: the regions of the style loss and their guides at each layer's size (Gatys et al. 2017's
// guided Gram matrices), the content guide, and the paintings' statistics taken through them — on the whole
// picture's tape or band by band.
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

    /// A style picture's statistics at the style layers (`PaintingStatistics`: the Gram matrix as the loss normalises
    /// it; for a loss that reads them, the second raw moment FFᵀ/N in Double and the channel means), on one tape
    /// (`plan` nil) or recomputing; with a `region`, guided by it (carried as `propagation` says; the means weighted
    /// by the guide's square, as the Gram's products are).
    static func paintingStatistics(_ network: VGGNetwork, _ settings: ObjectiveSettings, _ image: BlockedTensor,
                                   _ plan: RecomputePlan?, _ parallel: Parallel, region: Mask?,
                                   propagation: GuidePropagation) -> [PaintingStatistics] {
        let layers = settings.styleLayers.map(\.layer)
        let deepest = layers.max()!
        let shapes = network.architecture.mapShapes(height: image.shape.height, width: image.shape.width)
        let measure = settings.styleLoss.measure
        let sums = layers.map { GramSums(channels: shapes[$0]!.channels) }
        let channelSums = measure.readsMoments ? layers.map { ChannelSums(channels: shapes[$0]!.channels) } : []
        let guides = region.map { propagation.carry($0, architecture: network.architecture, to: layers).mapValues(Guide.init) }
        var scratch: [Shape: BlockedTensor] = [:]
        func workspace(_ shape: Shape) -> BlockedTensor {
            let t = scratch[shape] ?? BlockedTensor(shape)
            scratch[shape] = t
            return t
        }
        let walk = FeatureWalk(network: network, shape: image.shape, deepest: deepest, plan: plan)
        walk.forward(image, observed: Set(layers), parallel: parallel, profile: nil) { layer, f, rows, row in
            for (i, l) in layers.enumerated() where l == layer {
                sums[i].add(f, guide: guides?[l], rows: rows, row: row, workspace: workspace, parallel: parallel)
                if measure.readsMoments {
                    channelSums[i].add(f, weights: guides?[l]?.squared, rows: rows, row: row, parallel: parallel)
                }
            }
        }
        return layers.enumerated().map { i, l in
            let shape = shapes[l]!
            var g = [Float](repeating: 0, count: shape.channels * shape.channels)
            sums[i].result(normalization: measure.gramNormalization(shape, settings), into: &g)
            guard measure.readsMoments else { return PaintingStatistics(gram: g, moment: [], mean: []) }
            var moment = [Double](repeating: 0, count: g.count)
            sums[i].result(normalization: Double(shape.pixels), into: &moment)
            return PaintingStatistics(gram: g, moment: moment,
                                      mean: channelSums[i].result(normalization: Double(shape.pixels)))
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
