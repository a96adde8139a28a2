// SessionOptions: what a person (or a program) chooses, each value nil when not given, laid over a preset. The one
// place where a preset's settings and every default are stated: `stylize`, `sweep` and a Swift program that asks for
// the same options get the same `SessionSettings`.

import Foundation
import Network
import Objective
import Stylization

/// Where a session's settings start.
public enum SessionPreset: String, Codable, Sendable, CaseIterable {
    /// StyleLapse's: L-BFGS, 300 steps from the photo, automatic coarse-to-fine, every painting at the photo's size,
    /// the default margin (`Pictures.defaultMargin`), VGG's zero padding.
    case standard
    /// The origin report's exact run: `StylizeSettings.report` (Adam, 7500 steps), every picture at its own size
    /// within the size limit, no margin, zero padding.
    case report

    /// This preset's settings for `content` and `styles`.
    public func settings(content: String, styles: [String]) -> SessionSettings {
        switch self {
        case .standard:
            return SessionSettings(pictures: PictureSettings(content: content, styles: styles), run: .standard)
        case .report:
            return SessionSettings(pictures: PictureSettings(content: content, styles: styles, styleScale: nil, margin: 0),
                                   run: .report, padding: .zeros)
        }
    }
}

/// The options of a session, each nil (or empty) when not given: `settings()` lays them over `preset`.
public struct SessionOptions: Sendable, Equatable {
    public var preset: SessionPreset = .standard
    public var content: String?
    public var styles: [String] = []
    public var styleBlend: [Double]?
    public var styleMasks: [String]?, styleRegions: [String]?, contentMask: String?
    public var maskPropagation: GuidePropagation?
    public var styleScale: Double?
    public var maxSize: Int?
    public var upscale: Bool?
    public var preserveColor: ColorPreservation?
    public var margin: Int?
    public var pooling: Pooling?
    public var padding: NetworkPadding?
    public var optimizer: OptimizerChoice?
    public var iterations: Int?
    public var learningRate: Double?, beta1: Double?, beta2: Double?, epsilon: Double?
    public var contentWeight: Double?, styleWeight: Double?, tvWeight: Double?
    /// What the style layers compare; W2 without `strength` or weights runs at strength 0.5 (its losses relative).
    public var styleLoss: StyleLoss?
    /// The style layers' weights, in `ObjectiveSettings.styleLayers` order, scaled to sum 1 (nil: the preset's).
    public var styleLayerWeights: [Double]?
    /// How strongly to stylise, 0…1: relative losses and their balance (`Balance.strength`), instead
    /// of the content and style weights.
    public var strength: Double?
    public var initialization: Initialization?
    public var seed: UInt64?
    public var scales: Int?, coarseIterations: Int?, scaleRatio: Double?
    public var every: Int?, smooth: Double?
    public var weights: String?
    public var memoryLimit: Int?, bandRows: Int?

    public init() {}

    /// The preset's settings with every option given laid over them, checked (`SessionSettings.check`): a
    /// `SettingsError` names the first value no run can use by its key.
    public func settings() throws -> SessionSettings {
        if let strength {
            try Self.check(strength: strength)
            guard contentWeight == nil && styleWeight == nil else {
                throw SettingsError(key: "strength", "sets the balance itself; give it or the content and style weights, not both")
            }
        }
        var s = preset.settings(content: content ?? "", styles: styles)
        if let styleBlend { s.pictures.styleBlend = styleBlend }
        (s.pictures.styleMasks, s.pictures.styleRegions, s.pictures.contentMask) = (styleMasks, styleRegions, contentMask)
        s.pictures.maskPropagation = maskPropagation
        if let styleScale { s.pictures.styleScale = styleScale }
        if let maxSize { s.pictures.maxSize = maxSize }
        if let upscale { s.pictures.upscale = upscale }
        if let preserveColor { s.pictures.preserveColor = preserveColor }
        if let margin { (s.pictures.margin, s.pictures.defaultMargin) = (margin, nil) }
        if let pooling { s.pooling = pooling }
        if let padding { s.padding = padding }
        if let optimizer { s.run.optimizer = optimizer }
        if let iterations { (s.run.iterations, s.run.finish) = (iterations, nil) }   // N steps given: exactly N
        if let learningRate { s.run.adam.learningRate = learningRate }
        if let beta1 { s.run.adam.beta1 = beta1 }
        if let beta2 { s.run.adam.beta2 = beta2 }
        if let epsilon { s.run.adam.epsilon = epsilon }
        try layObjective(over: &s.run.objective)
        if let tvWeight { s.run.objective.tvWeight = tvWeight }
        if let initialization { s.run.initialization = initialization }
        if let seed { s.run.seed = seed }
        if let scales { s.scales = scales }
        if let coarseIterations { s.coarseIterations = coarseIterations }
        if let scaleRatio { s.scaleRatio = scaleRatio }
        if let every { s.film.every = every }
        if let smooth { s.film.smooth = smooth }
        if let weights { s.weights = weights }
        if let memoryLimit { s.memoryLimit = memoryLimit }
        if let bandRows { s.bandRows = bandRows }
        try s.check()
        return s
    }

    /// The objective's options over the preset's balance, as chosen: a strength; or weights, the report's absolute
    /// ones (the weight not given is the preset's, or the report's over a strength preset). W2 has no weight of the
    /// report's scale: chosen over weights without new ones, it runs at the standard strength.
    func layObjective(over o: inout ObjectiveSettings) throws {
        if let styleLoss { o.styleLoss = styleLoss }
        if let styleLayerWeights { try o.setStyleLayerWeights(styleLayerWeights) }
        if let strength {
            o.balance = .strength(strength)
        } else if contentWeight != nil || styleWeight != nil {
            let given = o.normalization == .none ? o : ObjectiveSettings.report
            o.balance = .weights(content: contentWeight ?? given.contentWeight, style: styleWeight ?? given.styleWeight)
        } else if styleLoss == .w2 && o.normalization == .none {
            o.balance = .strength(ObjectiveSettings.standardStrength)
        }
    }

    /// A strength is 0…1 (here and when a run is steered).
    static func check(strength: Double) throws {
        guard strength.isFinite && (0...1).contains(strength) else { throw SettingsError(key: "strength", "must be 0…1") }
    }
}

extension ObjectiveSettings {
    /// Weighs the style layers by `weights` (one per layer, in order, 0 or more and not all 0) scaled to sum 1.
    mutating func setStyleLayerWeights(_ weights: [Double]) throws {
        let key = "run.objective.styleLayers"
        guard weights.count == styleLayers.count else {
            throw SettingsError(key: key, "takes one weight per style layer (\(styleLayers.count): "
                + "\(styleLayers.map { "\($0.layer)" }.joined(separator: ", "))), e.g. 256,64,16,4,1")
        }
        let sum = weights.reduce(0, +)
        guard weights.allSatisfy({ $0.isFinite && $0 >= 0 }) && sum > 0 else {
            throw SettingsError(key: key, "takes weights of 0 or more, not all 0")
        }
        styleLayers = zip(styleLayers, weights).map { ($0.layer, $1 / sum) }
    }
}
