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

/// Everything that defines the objective apart from the images and the network.
public struct ObjectiveSettings: Sendable {
    public var contentLayer: VGGLayer
    /// Style layers and the weight of each in the style sum.
    public var styleLayers: [(layer: VGGLayer, weight: Double)]
    public var style: StyleConvention
    public var content: ContentConvention
    public var contentWeight: Double
    public var styleWeight: Double
    public var tvWeight: Double
    public var normalization: LossNormalization
    /// What the style layers compare (Gram matrices unless chosen).
    public var styleLoss: StyleLoss = .gram

    public init(contentLayer: VGGLayer, styleLayers: [(layer: VGGLayer, weight: Double)], style: StyleConvention,
                content: ContentConvention, contentWeight: Double, styleWeight: Double, tvWeight: Double,
                normalization: LossNormalization = .none) {
        self.contentLayer = contentLayer
        self.styleLayers = styleLayers
        self.style = style
        self.content = content
        self.contentWeight = contentWeight
        self.styleWeight = styleWeight
        self.tvWeight = tvWeight
        self.normalization = normalization
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
        var s = report
        s.styleLoss = standardStyleLoss
        s.setStrength(standardStrength)   // after the loss: the strength's balance is the loss's
        return s
    }()

    /// The strength of `standard`, and of a run on the strength scale that names none.
    public static let standardStrength = 0.5

    /// The style loss of `standard` (docs/w2.md: chosen by measurement).
    public static let standardStyleLoss = StyleLoss.gram

    /// The strength scale: relative losses (`LossNormalization.relative`), content weight 1, style weight
    /// `styleWeight(strength:)`; `strength` 0…1, 0.5 the default balance, each 0.25 a factor of 10 in the style weight.
    public static func strength(_ strength: Double) -> ObjectiveSettings {
        var s = report
        s.setStrength(strength)
        return s
    }

    /// Switches these settings to the strength scale (relative losses and their two weights); layers and the TV
    /// weight stay as they are.
    public mutating func setStrength(_ strength: Double) {
        (normalization, contentWeight, styleWeight) = (.relative, 1, Self.styleWeight(strength: strength, styleLoss))
    }

    /// The relative-loss style weight of a strength: `balance · 10^(4·(strength − 0.5))`.
    public static func styleWeight(strength: Double, _ loss: StyleLoss = .gram) -> Double {
        strengthBalance(loss) * pow(10, 4 * (strength - 0.5))
    }

    /// The style weight at strength 0.5: 10 for either loss. Gram: on the demo pictures at 256 px it looks like the
    /// report's weights (1e3, 1e-2). W2: the same weight leaves the photo as far (relative content loss 0.44 after 200
    /// L-BFGS steps on the demo at 256 px, against the Gram loss's 0.42; docs/w2.md).
    public static func strengthBalance(_ loss: StyleLoss) -> Double { 10 }

    /// The deepest layer the objective reads.
    public var deepestLayer: VGGLayer { ([contentLayer] + styleLayers.map(\.layer)).max()! }
}

extension ObjectiveSettings: Codable, Equatable {
    private enum CodingKeys: String, CodingKey {
        case contentLayer, styleLayers, style, content, contentWeight, styleWeight, tvWeight, normalization, styleLoss
    }
    private struct StyleLayer: Codable { var layer: VGGLayer; var weight: Double }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(contentLayer: try c.decode(VGGLayer.self, forKey: .contentLayer),
                  styleLayers: try c.decode([StyleLayer].self, forKey: .styleLayers).map { ($0.layer, $0.weight) },
                  style: try c.decode(StyleConvention.self, forKey: .style),
                  content: try c.decode(ContentConvention.self, forKey: .content),
                  contentWeight: try c.decode(Double.self, forKey: .contentWeight),
                  styleWeight: try c.decode(Double.self, forKey: .styleWeight),
                  tvWeight: try c.decode(Double.self, forKey: .tvWeight),
                  normalization: try c.decode(LossNormalization.self, forKey: .normalization))
        styleLoss = try c.decodeIfPresent(StyleLoss.self, forKey: .styleLoss) ?? .gram   // settings from before W2
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
        if styleLoss != .gram { try c.encode(styleLoss, forKey: .styleLoss) }   // a Gram run's settings as they were
    }

    public static func == (a: ObjectiveSettings, b: ObjectiveSettings) -> Bool {
        a.contentLayer == b.contentLayer && a.styleLayers.map(\.layer) == b.styleLayers.map(\.layer)
            && a.styleLayers.map(\.weight) == b.styleLayers.map(\.weight) && a.style == b.style
            && a.content == b.content && a.contentWeight == b.contentWeight && a.styleWeight == b.styleWeight
            && a.tvWeight == b.tvWeight && a.normalization == b.normalization && a.styleLoss == b.styleLoss
    }
}
