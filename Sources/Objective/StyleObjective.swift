// StyleObjective: the Gatys loss of an image (style: Gram matrices at several layers; content: features at one
// deep layer; total variation) with its breakdown, and its gradient with respect to the image's RGB values.

import Engine
import Network

/// The value of the objective and its parts.
public struct LossBreakdown: Sendable, Equatable, Codable {
    /// styleWeight · style + contentWeight · content + tvWeight · tv.
    public var total: Double
    /// Σ over style layers of weight_l · E_l (unweighted by styleWeight).
    public var style: Double
    /// The content loss (unweighted by contentWeight).
    public var content: Double
    /// The total variation (unweighted by tvWeight).
    public var tv: Double
    /// E_l of each style layer, in `ObjectiveSettings.styleLayers` order (unweighted).
    public var styleLayers: [Double]
    /// A clip frame's temporal loss (unweighted; see `TemporalTerm`); nil without one.
    public var temporal: Double?

    public init(total: Double, style: Double, content: Double, tv: Double, styleLayers: [Double],
                temporal: Double? = nil) {
        (self.total, self.style, self.content, self.tv, self.styleLayers) = (total, style, content, tv, styleLayers)
        self.temporal = temporal
    }
}

/// The style-transfer objective for one content image, one style image and one size of the optimised image.
/// Targets (style statistics, content features) are computed once at construction; buffers are allocated once.
///
/// The loss is a list of terms: a `StyleTerm` per style layer and region (one region, the whole picture, its target
/// the paintings blended; or, with style masks, one per painting, matched inside its mask), and the `ContentTerm`.
/// `evaluate` assembles them in one walk over the layers (`FeatureWalk`), the same for the whole picture's tape and
/// the recomputing one.
public final class StyleObjective {
    public let network: VGGNetwork
    /// The settings; only the balance changes after construction (`steer`).
    public private(set) var settings: ObjectiveSettings
    public let imageShape: Shape
    /// How the image is evaluated (nil: the whole image on one tape).
    public let recompute: RecomputePlan?
    let walk: FeatureWalk
    /// The style terms, layer by layer in `settings.styleLayers` order, regions in order within a layer.
    let terms: [StyleTerm]
    /// The range of `terms` of each style layer.
    let layerTerms: [Range<Int>]
    let content: ContentTerm
    /// A clip frame's pull towards the previous painted frame, warped (nil: none); set per frame.
    public var temporal: TemporalTerm?
    let parallel: Parallel
    /// Where the time goes, when set (`stylelapse bench iteration --profile`).
    public var profile: Profile?
    /// Guided maps, one per map shape, allocated when first needed.
    var scratch: [Shape: BlockedTensor] = [:]

    /// `content` and `style` are RGB images (3 channels, 0…255); the optimised image has `content`'s size.
    /// The style image may have another size: its Grams are normalised by its own size.
    package convenience init(network: VGGNetwork, settings: ObjectiveSettings, content: BlockedTensor,
                            style: BlockedTensor, recompute: RecomputePlan? = nil, parallel: Parallel = .serial) {
        self.init(network: network, settings: settings, content: content, styles: [(style, 1)], recompute: recompute,
                  parallel: parallel)
    }

    /// Several styles blended: each style layer's target is Σ wᵢ·Aᵢ, the weighted sum of the styles' Gram
    /// matrices (weights as given; a blend 1, 0 is exactly the first style alone).
    ///
    /// `recompute`: evaluate recomputing (`RecomputingTape`), the style pictures too: the blocks' inputs and a
    /// slab's maps instead of the whole image's tape, the same losses and gradient. Nil: the whole image on one tape.
    ///
    /// `guides`: masks on the photo, the paintings and for the content (`SpatialGuides`; nil: none). With style
    /// masks each painting is a region of its own, its Grams matched inside its mask only (guided Gram matrices),
    /// its weight the blend's over the blend's mean.
    package init(network: VGGNetwork, settings: ObjectiveSettings, content: BlockedTensor,
                styles: [(image: BlockedTensor, weight: Double)], guides: SpatialGuides? = nil,
                recompute: RecomputePlan? = nil, parallel: Parallel = .serial) {
        precondition(!styles.isEmpty, "StyleObjective: at least one style")
        self.network = network
        self.settings = settings
        self.parallel = parallel
        imageShape = content.shape
        let shapes = network.architecture.mapShapes(height: content.shape.height, width: content.shape.width)
        let styleShapes = settings.styleLayers.map { shapes[$0.layer]! }
        let regions = Self.regions(guides, styles: styles.map(\.weight), settings: settings,
                                   architecture: network.architecture, imageShape: content.shape, styleShapes: styleShapes)
        // The style image's tape is made, used and released before the content's is allocated: the two are never
        // held at once (at 1024² each is gigabytes).
        var targets: [[PaintingStatistics]] = settings.styleLayers.map { _ in [] }   // [style layer][region]
        for (k, style) in styles.enumerated() {
            let statistics = Self.paintingStatistics(network, settings, style.image, recompute, parallel,
                                                     region: guides?.region(k),
                                                     propagation: guides?.propagation ?? .standard)
            for (i, layer) in statistics.enumerated() {
                if guides?.styleMasks != nil {   // each painting its own region's target, unweighted
                    targets[i].append(layer)
                } else if k == 0 {
                    targets[i] = [layer.scaled(style.weight)]
                } else {
                    targets[i][0].add(layer, weight: style.weight)
                }
            }
        }
        var terms: [StyleTerm] = [], layerTerms: [Range<Int>] = []
        for (i, shape) in styleShapes.enumerated() {
            let first = terms.count
            for (r, target) in targets[i].enumerated() {
                terms.append(StyleTerm(layer: i, shape: shape, guide: regions.guides[i][r], weight: regions.weights[i][r],
                                       target: target, settings: settings))
            }
            layerTerms.append(first..<terms.count)
        }
        (self.terms, self.layerTerms) = (terms, layerTerms)
        let contentShape = shapes[settings.contentLayer]!
        self.content = ContentTerm(
            shape: contentShape,
            guide: guides?.contentMask.map { Self.contentGuide($0, guides!.propagation, network, settings) },
            settings: settings)
        self.recompute = recompute
        walk = FeatureWalk(network: network, shape: content.shape, deepest: settings.deepestLayer, plan: recompute)
        retarget(content: content)
    }

    /// A new photo for the same paintings, size and buffers (a clip's next frame): its content features replace the
    /// target; the style targets stay.
    package func retarget(content image: BlockedTensor) {
        precondition(image.shape == imageShape, "StyleObjective.retarget: \(image.shape), expected \(imageShape)")
        let target = content.target
        walk.forward(image, observed: [settings.contentLayer], parallel: parallel, profile: nil) { _, f, rows, row in
            target.copyRows(from: f, rows.lowerBound, to: row, count: rows.count)
        }
        content.targetChanged()
    }

    /// The style image's Gram matrix at style layer `i` (C·C values): region `region`'s target (the blend's without
    /// style masks).
    public func styleTarget(_ i: Int, region: Int = 0) -> [Float] { terms[layerTerms[i].lowerBound + region].measure.targetGram }

    /// Changes the balance for the evaluations that follow (the targets stay: they do not depend on it).
    public func steer(balance: Balance) {
        settings.balance = balance
        precondition(settings.styleWeight.isFinite && settings.styleWeight >= 0 && settings.contentWeight.isFinite,
                     "StyleObjective.steer: weights of 0 or more")
    }

    /// The layers whose losses seed the backward.
    var seededLayers: Set<VGGLayer> { Set(settings.styleLayers.map(\.layer) + [settings.contentLayer]) }

    /// The loss of `image` (RGB 0…255); when `gradient` is given, it is overwritten with ∂total/∂image. The one place
    /// the loss is assembled: the terms' sums taken as the walk visits their layers (the whole map, or band by
    /// band), the terms evaluated, then their gradients seeded as the backward walk reaches their layers.
    package func evaluate(_ image: BlockedTensor, gradient: BlockedTensor? = nil) -> LossBreakdown {
        precondition(image.shape == imageShape, "StyleObjective: image is \(image.shape), expected \(imageShape)")
        let s = settings
        for term in terms { term.reset() }
        var contentSum = 0.0
        walk.forward(image, observed: seededLayers, parallel: parallel, profile: profile) { layer, f, rows, row in
            for (i, l) in s.styleLayers.enumerated() where l.layer == layer {
                profile.measure("Gram forward") {
                    for term in terms[layerTerms[i]] { term.add(f, rows: rows, row: row, workspace: scratch, parallel: parallel) }
                }
            }
            if layer == s.contentLayer { contentSum += content.sum(f, rows: rows, row: row) }
        }
        for term in terms { term.take() }
        let styleLayers = styleLosses()
        let contentLoss = content.value(sum: contentSum)
        let tv = s.tvWeight != 0 ? TotalVariation.forward(image) : 0
        let temporalLoss = temporal?.forward(image)
        if let gradient {
            walk.backward(image, seeded: seededLayers, into: gradient, parallel: parallel, profile: profile) {
                layer, g, f, rows, row, accumulate in
                var accumulate = accumulate
                for (i, l) in s.styleLayers.enumerated() where l.layer == layer {
                    profile.measure("Gram backward") {
                        for term in terms[layerTerms[i]] where term.weight != 0 {
                            term.seed(f, rows: rows, row: row, into: g, accumulate: accumulate, workspace: scratch,
                                      parallel: parallel)
                            accumulate = true
                        }
                        if !accumulate { g.zero() }   // every region of the layer weighs 0
                    }
                    accumulate = true
                }
                if layer == s.contentLayer {
                    content.seed(f, rows: rows, row: row, weight: s.contentWeight, into: g, accumulate: accumulate)
                }
            }
            if s.tvWeight != 0 { TotalVariation.backward(image, scale: s.tvWeight, into: gradient, accumulate: true) }
            temporal?.backward(image, into: gradient)
        }
        return breakdown(styleLayers: styleLayers, content: contentLoss, tv: tv, temporal: temporalLoss)
    }

    /// E_l of each style layer (Σ over its terms of λ · s · E), each term's gradient kept for the backward. The
    /// terms are shared among the workers (a W2 term's eigendecomposition on one thread).
    func styleLosses() -> [Double] {
        let s = settings
        var values = [Double](repeating: 0, count: terms.count)
        profile.measure("style loss") {
            values.withUnsafeMutableBufferPointer { values in
                let out = values.baseAddress!
                parallel.forEach(terms.count) { k in
                    let term = terms[k]
                    out[k] = term.evaluate(k: term.measure.scale * term.weight * s.styleLayers[term.layer].weight * s.styleWeight)
                }
            }
        }
        var layers = [Double](repeating: 0, count: s.styleLayers.count)
        for (term, value) in zip(terms, values) { layers[term.layer] += term.weight * term.measure.scale * value }
        return layers
    }

    /// A guided map's workspace of `shape` (one per shape, kept).
    func scratch(_ shape: Shape) -> BlockedTensor {
        if let t = scratch[shape] { return t }
        let t = BlockedTensor(shape)
        scratch[shape] = t
        return t
    }

    func breakdown(styleLayers: [Double], content: Double, tv: Double, temporal: Double?) -> LossBreakdown {
        let s = settings
        let style = zip(styleLayers, s.styleLayers).reduce(0) { $0 + $1.0 * $1.1.weight }
        let t = temporal.map { $0 * self.temporal!.weight } ?? 0
        return LossBreakdown(total: s.styleWeight * style + s.contentWeight * content + s.tvWeight * tv + t,
                             style: style, content: content, tv: tv, styleLayers: styleLayers, temporal: temporal)
    }
}
