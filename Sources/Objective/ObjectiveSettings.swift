// ObjectiveSettings: the conventions of the style-transfer loss, each a typed setting, with the origin report's as
// the default and Gatys et al.'s paper as an alternative.

import Foundation
import Network

/// How each style layer's Gram matrix is normalised and its loss reduced.
public enum StyleConvention: String, Sendable, Codable, CaseIterable {
    /// The origin report: G = FᵀF / (H·W); E = mean over the C×C entries of (G − A)².
    case report
    /// neural-style (Johnson): G = FᵀF / (C·H·W); E = mean over the C×C entries of (G − A)².
    case neuralStyle
    /// Gatys, Ecker & Bethge 2015: G = FᵀF; E = Σ (G − A)² / (4 N² M²), N = C channels, M = H·W pixels.
    case paper

    /// The Gram normalisation n for a C × H × W feature map.
    public func gramNormalization(channels c: Int, pixels m: Int) -> Double {
        switch self {
        case .report: return Double(m)
        case .neuralStyle: return Double(c * m)
        case .paper: return 1
        }
    }

    /// The factor s in E = s · Σ (G − A)².
    public func lossScale(channels c: Int, pixels m: Int) -> Double {
        switch self {
        case .report, .neuralStyle: return 1 / Double(c * c)
        case .paper: return 1 / (4 * Double(c * c) * Double(m) * Double(m))
        }
    }
}

/// How the content loss is reduced.
public enum ContentConvention: String, Sendable, Codable, CaseIterable {
    /// The origin report: mean over all elements of (F − P)².
    case meanSquared
    /// The paper: ½ Σ (F − P)².
    case halfSumSquared
}

/// How the losses are scaled before they are weighted.
public enum LossNormalization: String, Sendable, Codable, CaseIterable {
    /// As the conventions define them.
    case none
    /// Each loss as a relative error: style layer Σ(G − A)² / ΣA² with G = FᵀF / (H·W), content Σ(F − P)² / ΣP².
    /// Dimensionless: the same weights give a similar balance at any size and for any pair of pictures.
    case relative
}

/// What each style layer's loss compares.
public enum StyleLoss: String, Sendable, Codable, CaseIterable {
    /// Gatys et al.: the Gram matrices, as `StyleConvention` normalises and reduces them.
    case gram
    /// The squared 2-Wasserstein distance between the Gaussians of the image's and the painting's features
    /// (crowsonkb's style-transfer-pytorch, 2023): mean over channels of (μ − μ_s)² plus tr(Σ_s + Σ − 2·(S Σ S)^½) / C,
    /// S = Σ_s^½, Σ = FFᵀ/(H·W) − μμᵀ + 10⁻⁴·I (`W2Measure`). Relative losses divide it by the painting's own
    /// (Σ μ_s² + tr Σ_s) / C.
    case w2
}

/// How the losses are weighed against each other, as it was chosen; the weights and the losses' normalisation are
/// derived from it where they are used (`ObjectiveSettings.contentWeight`, `styleWeight`, `normalization`).
public enum Balance: Sendable, Equatable {
    /// How strongly to stylise, 0…1: relative losses (`LossNormalization.relative`), content weight 1, style weight
    /// `ObjectiveSettings.styleWeight(strength:)` — 0.5 the default balance, each 0.25 a factor of 10.
    case strength(Double)
    /// Weights on the losses as their conventions define them (the origin report's run: 1e3 and 1e-2).
    case weights(content: Double, style: Double)
    /// Weights on the relative losses (a fixture's, or a library user's own scale).
    case relativeWeights(content: Double, style: Double)
}

/// Everything that defines the objective apart from the images and the network.
public struct ObjectiveSettings: Sendable {
    public var contentLayer: VGGLayer
    /// Style layers and the weight of each in the style sum.
    public var styleLayers: [(layer: VGGLayer, weight: Double)]
    public var style: StyleConvention
    public var content: ContentConvention
    /// The balance of the content and style losses, as chosen.
    public var balance: Balance
    public var tvWeight: Double
    /// What the style layers compare (Gram matrices unless chosen).
    public var styleLoss: StyleLoss = .gram

    public init(contentLayer: VGGLayer, styleLayers: [(layer: VGGLayer, weight: Double)], style: StyleConvention,
                content: ContentConvention, balance: Balance, tvWeight: Double) {
        self.contentLayer = contentLayer
        self.styleLayers = styleLayers
        self.style = style
        self.content = content
        self.balance = balance
        self.tvWeight = tvWeight
    }

    /// Weights on the losses as `normalization` scales them.
    public init(contentLayer: VGGLayer, styleLayers: [(layer: VGGLayer, weight: Double)], style: StyleConvention,
                content: ContentConvention, contentWeight: Double, styleWeight: Double, tvWeight: Double,
                normalization: LossNormalization = .none) {
        self.init(contentLayer: contentLayer, styleLayers: styleLayers, style: style, content: content,
                  balance: normalization == .relative ? .relativeWeights(content: contentWeight, style: styleWeight)
                      : .weights(content: contentWeight, style: styleWeight),
                  tvWeight: tvWeight)
    }

    /// How the losses are scaled before they are weighed: relative on the strength scale and for relative weights.
    public var normalization: LossNormalization {
        if case .weights = balance { return .none }
        return .relative
    }

    /// The content loss's weight (1 on the strength scale).
    public var contentWeight: Double {
        switch balance {
        case .strength: return 1
        case .weights(let content, _), .relativeWeights(let content, _): return content
        }
    }

    /// The style loss's weight: on the strength scale derived from the strength and the style loss.
    public var styleWeight: Double {
        switch balance {
        case .strength(let s): return Self.styleWeight(strength: s, styleLoss)
        case .weights(_, let style), .relativeWeights(_, let style): return style
        }
    }

    /// The strength chosen; nil when the losses are weighed.
    public var strength: Double? {
        if case .strength(let s) = balance { return s }
        return nil
    }

    /// The balance with the style weight replaced (steering by weight): on the strength scale, the relative losses
    /// with the content weight 1 and that style weight — a weight chosen, not a strength.
    public func balance(styleWeight: Double) -> Balance {
        switch balance {
        case .strength: return .relativeWeights(content: 1, style: styleWeight)
        case .weights(let c, _): return .weights(content: c, style: styleWeight)
        case .relativeWeights(let c, _): return .relativeWeights(content: c, style: styleWeight)
        }
    }

    static let gatysStyleLayers: [VGGLayer] = [.block1Conv1, .block2Conv1, .block3Conv1, .block4Conv1, .block5Conv1]

    /// The origin report's objective: content block5_conv2; style block1_conv1 … block5_conv1 weighted 1/5 each;
    /// Gram / (H·W), mean-squared style and content losses; style weight 1e-2, content weight 1e3, TV 0.
    public static let report = ObjectiveSettings(
        contentLayer: .block5Conv2, styleLayers: gatysStyleLayers.map { ($0, 0.2) }, style: .report,
        content: .meanSquared, contentWeight: 1e3, styleWeight: 1e-2, tvWeight: 0)

    /// The paper's conventions: content block4_conv2, 1/(4N²M²) style losses, ½Σ content loss, α/β = 1e-3.
    public static let paper = ObjectiveSettings(
        contentLayer: .block4Conv2, styleLayers: gatysStyleLayers.map { ($0, 0.2) }, style: .paper,
        content: .halfSumSquared, contentWeight: 1, styleWeight: 1e3, tvWeight: 0)

    /// StyleLapse's default objective: the report's layers on the strength scale at 0.5 (relative losses: every style
    /// layer as a relative error, so no layer drowns the others), with `standardStyleLoss`. Measured against the
    /// report's weights, under which block4_conv1 holds 99 % of the style loss and block1_conv1 (colour) none: at
    /// 1024 px those leave blocks and colours in neither picture (docs/w2.md).
    public static let standard: ObjectiveSettings = {
        var s = strength(standardStrength)
        s.styleLoss = standardStyleLoss
        return s
    }()

    /// The strength of `standard`, and of a run on the strength scale that names none.
    public static let standardStrength = 0.5

    /// The style loss of `standard` (docs/w2.md: chosen by measurement).
    public static let standardStyleLoss = StyleLoss.gram

    /// The strength scale at `strength`, on the report's layers and conventions.
    public static func strength(_ strength: Double) -> ObjectiveSettings {
        var s = report
        s.balance = .strength(strength)
        return s
    }

    /// The relative-loss style weight of a strength: `balance · 10^(4·(strength − 0.5))`.
    public static func styleWeight(strength: Double, _ loss: StyleLoss = .gram) -> Double {
        strengthBalance(loss) * pow(10, 4 * (strength - 0.5))
    }

    /// The strength whose style weight is `styleWeight`: only for reading settings written before the balance was
    /// kept as chosen.
    static func strength(styleWeight: Double, _ loss: StyleLoss) -> Double {
        styleWeight > 0 ? 0.5 + log10(styleWeight / strengthBalance(loss)) / 4 : 0
    }

    /// The style weight at strength 0.5, for either loss: 10. Gram: on the demo pictures at 256 px it looks like the
    /// report's weights (1e3, 1e-2). W2: measured, not assumed, to need the same — it leaves the photo as far
    /// (relative content loss 0.44 after 200 L-BFGS steps on the demo at 256 px, against the Gram loss's 0.42;
    /// docs/w2.md). A loss that needs another balance says so here.
    public static func strengthBalance(_ loss: StyleLoss) -> Double {
        switch loss {
        case .gram, .w2: return 10
        }
    }

    /// The deepest layer the objective reads.
    public var deepestLayer: VGGLayer { ([contentLayer] + styleLayers.map(\.layer)).max()! }
}

extension ObjectiveSettings: Codable, Equatable {
    /// The weights and normalisation are written as derived (the trace's header and a film's metadata read them);
    /// `strength` beside them says the balance was chosen as a strength.
    private enum CodingKeys: String, CodingKey {
        case contentLayer, styleLayers, style, content, contentWeight, styleWeight, tvWeight, normalization, styleLoss
        case strength
    }
    private struct StyleLayer: Codable { var layer: VGGLayer; var weight: Double }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let styleLoss = try c.decodeIfPresent(StyleLoss.self, forKey: .styleLoss) ?? .gram   // settings from before W2
        let (contentWeight, styleWeight) = (try c.decode(Double.self, forKey: .contentWeight),
                                            try c.decode(Double.self, forKey: .styleWeight))
        let balance: Balance
        if let strength = try c.decodeIfPresent(Double.self, forKey: .strength) {
            balance = .strength(strength)
        } else if try c.decode(LossNormalization.self, forKey: .normalization) == .none {
            balance = .weights(content: contentWeight, style: styleWeight)
        } else {
            // Written before the balance was kept: a strength run is the strength whose weight is the one recorded,
            // taken only where that gives back the very weight (else the weights, as they were used).
            let strength = Self.strength(styleWeight: styleWeight, styleLoss)
            balance = contentWeight == 1 && Self.styleWeight(strength: strength, styleLoss) == styleWeight
                ? .strength(strength) : .relativeWeights(content: contentWeight, style: styleWeight)
        }
        self.init(contentLayer: try c.decode(VGGLayer.self, forKey: .contentLayer),
                  styleLayers: try c.decode([StyleLayer].self, forKey: .styleLayers).map { ($0.layer, $0.weight) },
                  style: try c.decode(StyleConvention.self, forKey: .style),
                  content: try c.decode(ContentConvention.self, forKey: .content),
                  balance: balance, tvWeight: try c.decode(Double.self, forKey: .tvWeight))
        self.styleLoss = styleLoss
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(contentLayer, forKey: .contentLayer)
        try c.encode(styleLayers.map { StyleLayer(layer: $0.layer, weight: $0.weight) }, forKey: .styleLayers)
        try c.encode(style, forKey: .style)
        try c.encode(content, forKey: .content)
        try c.encode(contentWeight, forKey: .contentWeight)
        try c.encode(styleWeight, forKey: .styleWeight)
        try c.encode(tvWeight, forKey: .tvWeight)
        try c.encode(normalization, forKey: .normalization)
        try c.encodeIfPresent(strength, forKey: .strength)
        if styleLoss != .gram { try c.encode(styleLoss, forKey: .styleLoss) }   // a Gram run's settings as they were
    }

    public static func == (a: ObjectiveSettings, b: ObjectiveSettings) -> Bool {
        a.contentLayer == b.contentLayer && a.styleLayers.map(\.layer) == b.styleLayers.map(\.layer)
            && a.styleLayers.map(\.weight) == b.styleLayers.map(\.weight) && a.style == b.style
            && a.content == b.content && a.balance == b.balance && a.tvWeight == b.tvWeight && a.styleLoss == b.styleLoss
    }
}
