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
/// Targets (style Grams, content features) are computed once at construction; buffers are allocated once.
public final class StyleObjective {
    public let network: VGGNetwork
    /// The settings; only the style weight changes after construction (`steer`).
    public private(set) var settings: ObjectiveSettings
    public let imageShape: Shape
    /// How the image is evaluated (nil: the whole image on one tape); see StyleObjective+Checkpointed.swift.
    public let recompute: RecomputePlan?
    /// The whole image's tape, or the recomputing one.
    let tape: VGGTape?
    let recomputing: RecomputingTape?
    /// Every array below is indexed [style layer][region]. The regions: one, the whole picture, its target the
    /// paintings' Grams blended; or, with style masks, one per painting, matched inside its mask
    /// (StyleObjective+Guides.swift).
    let regions: Int
    /// The Gram sums of each style layer and region (across the bands of a recomputing evaluation).
    let gramSums: [[GramSums]]
    /// The shape of each style layer's map and the content layer's, for the whole image.
    let styleShapes: [Shape]
    let styleTargets: [[[Float]]]
    /// Each region's guide at each style layer's size, normalised (nil: the whole map, unguided), and its square.
    let styleGuides: [[Guide?]]
    /// The content loss's weight per pixel at the content layer's size (nil: 1 everywhere).
    let contentGuide: [Float]?
    /// Per style layer and region, λ: the region's weight in the layer's loss (1 unguided).
    let regionWeights: [[Double]]
    let contentTarget: BlockedTensor
    /// A clip frame's pull towards the previous painted frame, warped (nil: none); set per frame.
    public var temporal: TemporalTerm?
    var grams: [[[Float]]]
    /// ∂total/∂G of each style layer and region, from the last evaluation.
    var gramGradients: [[[Float]]]
    let parallel: Parallel
    /// Where the time goes, when set (`stylelapse bench iteration --profile`).
    public var profile: Profile?
    /// Per style layer and region, the factor s in E = s · Σ (G − A)².
    let styleScales: [[Double]]
    /// The content loss is `contentScale` · Σ guide · (F − P)².
    var contentScale: Double
    /// Guided maps, one per map shape, allocated when first needed.
    var scratch: [Shape: BlockedTensor] = [:]
    /// The W2 loss (`settings.styleLoss == .w2`; else empty): each style layer's and region's painting statistics,
    /// the image's channel sums, their means and ∂total/∂mean (see StyleObjective+W2.swift).
    let w2: [[W2Layer]]
    let channelSums: [[ChannelSums]]
    var means: [[[Double]]], meanGradients: [[[Double]]]

    /// `content` and `style` are RGB images (3 channels, 0…255); the optimised image has `content`'s size.
    /// The style image may have another size: its Grams are normalised by its own size.
    public convenience init(network: VGGNetwork, settings: ObjectiveSettings, content: BlockedTensor,
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
    public init(network: VGGNetwork, settings: ObjectiveSettings, content: BlockedTensor,
                styles: [(image: BlockedTensor, weight: Double)], guides: SpatialGuides? = nil,
                recompute: RecomputePlan? = nil, parallel: Parallel = .serial) {
        precondition(!styles.isEmpty, "StyleObjective: at least one style")
        self.network = network
        self.settings = settings
        self.parallel = parallel
        imageShape = content.shape
        let shapes = network.architecture.mapShapes(height: content.shape.height, width: content.shape.width)
        styleShapes = settings.styleLayers.map { shapes[$0.layer]! }
        let regions = Self.regions(guides, styles: styles.map(\.weight), settings: settings, architecture: network.architecture,
                                   imageShape: content.shape, styleShapes: styleShapes)
        (self.regions, styleGuides, regionWeights) = (regions.count, regions.guides, regions.weights)
        contentGuide = guides?.contentMask.map { Self.contentGuide($0, guides!.propagation, network, settings) }
        // The style image's tape is made, used and released before the content's is allocated: the two are never
        // held at once (at 1024² each is gigabytes).
        var targets: [[[Float]]] = settings.styleLayers.map { _ in [] }
        var means: [[[Double]]] = targets.map { _ in [] }, moments = means
        for (k, style) in styles.enumerated() {
            let statistics = Self.styleGrams(network, settings, style.image, recompute, parallel,
                                             region: guides?.region(k), propagation: guides?.propagation ?? .standard)
            let w = Float(style.weight), wd = style.weight
            for (i, (g, moment, mean)) in statistics.enumerated() {
                if guides?.styleMasks != nil {   // each painting its own region's target, unweighted
                    (targets[i], moments[i], means[i]) = (targets[i] + [g], moments[i] + [moment], means[i] + [mean])
                } else if k == 0 {
                    (targets[i], moments[i], means[i]) = ([g.map { w * $0 }], [moment.map { wd * $0 }], [mean.map { wd * $0 }])
                } else {
                    for j in g.indices { targets[i][0][j] += w * g[j] }
                    for j in moment.indices { moments[i][0][j] += wd * moment[j] }
                    for j in mean.indices { means[i][0][j] += wd * mean[j] }
                }
            }
        }
        styleTargets = targets
        w2 = settings.styleLoss == .w2 ? zip(moments, means).map { zip($0, $1).map { W2Layer(mean: $1, moment: $0) } } : []
        channelSums = settings.styleLoss == .w2
            ? styleShapes.map { shape in (0..<regions.count).map { _ in ChannelSums(channels: shape.channels) } } : []
        (self.means, meanGradients) = (means, means)
        let recomputing = recompute.map {
            RecomputingTape(network: network, height: content.shape.height, width: content.shape.width,
                             deepest: settings.deepestLayer, plan: $0)
        }
        let tape = recompute != nil ? nil
            : VGGTape(network: network, height: content.shape.height, width: content.shape.width, deepest: settings.deepestLayer)
        gramSums = styleShapes.map { shape in (0..<regions.count).map { _ in GramSums(channels: shape.channels) } }
        let target = BlockedTensor(shapes[settings.contentLayer]!)
        Self.contentFeatures(content, into: target, network, settings, tape, recomputing, parallel)
        (self.recompute, self.tape, self.recomputing, contentTarget) = (recompute, tape, recomputing, target)
        let p = contentTarget
        grams = styleTargets
        gramGradients = styleTargets
        contentScale = Self.contentScale(p, settings)
        switch (settings.normalization, settings.styleLoss) {
        case (.relative, .w2):
            styleScales = w2.map { layer in layer.map { 1 / ($0.magnitude > 0 ? $0.magnitude : 1) } }
        case (.none, .w2):
            styleScales = styleShapes.map { _ in [Double](repeating: 1, count: regions.count) }
        case (.relative, .gram):
            styleScales = targets.map { layer in
                layer.map { a in
                    let sum = a.reduce(0.0) { $0 + Double($1) * Double($1) }
                    return 1 / (sum > 0 ? sum : 1)
                }
            }
        case (.none, .gram):
            styleScales = styleShapes.map { [Double](repeating: settings.style.lossScale(channels: $0.channels, pixels: $0.pixels),
                                                     count: regions.count) }
        }
    }

    /// The content layer's features of `content` into `target`.
    private static func contentFeatures(_ content: BlockedTensor, into target: BlockedTensor, _ network: VGGNetwork,
                                        _ settings: ObjectiveSettings, _ tape: VGGTape?, _ recomputing: RecomputingTape?,
                                        _ parallel: Parallel) {
        if let recomputing {
            recomputing.forward(content, observed: [settings.contentLayer], parallel: parallel) { _, p, rows, row in
                target.copyRows(from: p, rows.lowerBound, to: row, count: rows.count)
            }
        } else if let tape {
            network.forward(content, recording: tape, parallel: parallel)
            let p = tape.output(settings.contentLayer)
            target.copyRows(from: p, 0, to: 0, count: p.shape.height)
        }
    }

    /// The factor of the content loss for the content features `p`.
    private static func contentScale(_ p: BlockedTensor, _ settings: ObjectiveSettings) -> Double {
        let count = Double(p.shape.count)
        switch (settings.normalization, settings.content) {
        case (.relative, _):
            let sum = MeanSquaredError.forward(p, BlockedTensor(p.shape)) * count
            return 1 / (sum > 0 ? sum : 1)
        case (.none, let convention):
            return convention == .meanSquared ? 1 / count : 0.5
        }
    }

    /// A new photo for the same paintings, size and buffers (a clip's next frame): its content features replace the
    /// target; the style targets stay.
    public func retarget(content: BlockedTensor) {
        precondition(content.shape == imageShape, "StyleObjective.retarget: \(content.shape), expected \(imageShape)")
        Self.contentFeatures(content, into: contentTarget, network, settings, tape, recomputing, parallel)
        contentScale = Self.contentScale(contentTarget, settings)
    }

    /// The style image's Gram matrix at style layer `i` (C·C values): region `region`'s target (the blend's without
    /// style masks).
    public func styleTarget(_ i: Int, region: Int = 0) -> [Float] { styleTargets[i][region] }

    static func gram(_ f: BlockedTensor, _ settings: ObjectiveSettings, _ parallel: Parallel) -> [Float] {
        var g = [Float](repeating: 0, count: f.shape.channels * f.shape.channels)
        Gram.forward(f, normalization: gramNormalization(f.shape, settings), into: &g, parallel: parallel)
        return g
    }

    /// Relative losses compare Grams per pixel, whatever the convention, and W2 takes the second raw moment FFᵀ/N.
    static func gramNormalization(_ shape: Shape, _ settings: ObjectiveSettings) -> Double {
        settings.normalization == .relative || settings.styleLoss == .w2 ? Double(shape.pixels)
            : settings.style.gramNormalization(channels: shape.channels, pixels: shape.pixels)
    }

    /// Changes the style weight for the evaluations that follow (the targets stay: they do not depend on it).
    public func steer(styleWeight: Double) {
        precondition(styleWeight.isFinite && styleWeight >= 0, "StyleObjective.steer: a style weight of 0 or more")
        settings.styleWeight = styleWeight
    }

    /// The loss of `image` (RGB 0…255); when `gradient` is given, it is overwritten with ∂total/∂image.
    public func evaluate(_ image: BlockedTensor, gradient: BlockedTensor? = nil) -> LossBreakdown {
        precondition(image.shape == imageShape, "StyleObjective: image is \(image.shape), expected \(imageShape)")
        guard let tape else { return evaluateCheckpointed(image, gradient: gradient) }
        network.forward(image, recording: tape, parallel: parallel, profile: profile)
        let s = settings
        for (i, l) in s.styleLayers.enumerated() {
            let f = tape.output(l.layer)
            profile.measure("Gram forward") {   // the sums allocated once, as the banded walk's
                resetSums(i)
                addGramSums(i, f, rows: 0..<f.shape.height, row: 0)
                takeSums(i)
            }
        }
        let f = tape.output(s.contentLayer)
        let content = contentGuide.map { PixelWeights.sumOfSquares(f, rows: 0..<f.shape.height, contentTarget, bRow: 0, guide: $0) * contentScale }
            ?? MeanSquaredError.forward(f, contentTarget) * Double(f.shape.count) * contentScale
        let styleLayers = styleLosses()
        let tv = s.tvWeight != 0 ? TotalVariation.forward(image) : 0
        let temporalLoss = temporal?.forward(image)
        if let gradient {
            // Each loss's gradient enters where the backward walk reaches its layer.
            network.backward(tape, seeded: seededLayers, seed: { layer, g, add in
                var accumulate = add
                for (i, l) in s.styleLayers.enumerated() where l.layer == layer {
                    let f = tape.output(layer)
                    profile.measure("Gram backward") {
                        seedGram(i, f, rows: 0..<f.shape.height, row: 0, into: g, accumulate: accumulate)
                    }
                    accumulate = true
                }
                if layer == s.contentLayer, let guide = contentGuide {
                    if !accumulate { g.zero() }
                    PixelWeights.gradient(f, rows: 0..<f.shape.height, contentTarget, bRow: 0, guide: guide,
                                          k: 2 * s.contentWeight * contentScale, into: g)
                } else if layer == s.contentLayer {
                    MeanSquaredError.backward(f, contentTarget, scale: s.contentWeight * Double(f.shape.count) * contentScale,
                                              into: g, accumulate: accumulate)
                }
            }, into: gradient, parallel: parallel, profile: profile)
            if s.tvWeight != 0 { TotalVariation.backward(image, scale: s.tvWeight, into: gradient, accumulate: true) }
            temporal?.backward(image, into: gradient)
        }
        return breakdown(styleLayers: styleLayers, content: content, tv: tv, temporal: temporalLoss)
    }

    /// The layers whose losses seed the backward.
    var seededLayers: Set<VGGLayer> { Set(settings.styleLayers.map(\.layer) + [settings.contentLayer]) }

    /// E_l of each style layer from `grams` (Σ over regions of λ · s · Σ (G − A)²), writing ∂total/∂G into
    /// `gramGradients`.
    func styleLosses() -> [Double] {
        let s = settings
        if s.styleLoss == .w2 { return w2Losses() }
        return s.styleLayers.indices.map { i in
            let c = styleShapes[i].channels
            var layer = 0.0
            for r in 0..<regions {
                let scale = styleScales[i][r], lambda = regionWeights[i][r]
                var sum = 0.0
                let k = 2 * scale * lambda * s.styleLayers[i].weight * s.styleWeight
                for j in 0..<(c * c) {
                    let d = Double(grams[i][r][j]) - Double(styleTargets[i][r][j])
                    sum += d * d
                    gramGradients[i][r][j] = Float(k * d)
                }
                layer += lambda * scale * sum
            }
            return layer
        }
    }

    func breakdown(styleLayers: [Double], content: Double, tv: Double, temporal: Double?) -> LossBreakdown {
        let s = settings
        let style = zip(styleLayers, s.styleLayers).reduce(0) { $0 + $1.0 * $1.1.weight }
        let t = temporal.map { $0 * self.temporal!.weight } ?? 0
        return LossBreakdown(total: s.styleWeight * style + s.contentWeight * content + s.tvWeight * tv + t,
                             style: style, content: content, tv: tv, styleLayers: styleLayers, temporal: temporal)
    }
}
