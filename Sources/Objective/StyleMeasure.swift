// StyleMeasure: what one style term compares between the picture's features and the painting's at one layer — the
// interface Gram matrices (GramMeasure) and Gaussians by Wasserstein-2 (W2Measure) implement. A new style loss is a
// new file implementing it and one case in `StyleLoss.measure`.

import Engine

/// A painting's statistics at one style layer (or several paintings' blended): its Gram matrix normalised as the
/// loss's `gramNormalization` says, and, for a loss that `readsMoments`, its second raw moment FFᵀ/N in Double and
/// its channel means (else both empty).
struct PaintingStatistics {
    var gram: [Float]
    var moment: [Double]
    var mean: [Double]

    /// `self` + w · `other` (a blend's next painting).
    mutating func add(_ other: PaintingStatistics, weight w: Double) {
        let wf = Float(w)
        for j in gram.indices { gram[j] += wf * other.gram[j] }
        for j in moment.indices { moment[j] += w * other.moment[j] }
        for j in mean.indices { mean[j] += w * other.mean[j] }
    }

    /// w · `self` (a blend's first painting).
    func scaled(_ w: Double) -> PaintingStatistics {
        let wf = Float(w)
        return PaintingStatistics(gram: gram.map { wf * $0 }, moment: moment.map { w * $0 }, mean: mean.map { w * $0 })
    }
}

/// The picture's statistics at a style layer, as a term holds them after every row is added.
struct PictureStatistics {
    /// Its Gram matrix, normalised as the painting's (C·C values).
    let gram: [Float]
    /// Its Gram sums (the second raw moment in Double, for a loss that reads it).
    let sums: GramSums
    /// Its channel means (a loss that `readsMoments`; else empty).
    let means: [Double]
    /// The map's pixel count.
    let pixels: Int
}

/// One style term's comparison: its loss E and gradient given the picture's statistics.
protocol StyleMeasure: AnyObject {
    /// The measure for `target` at a map of `shape` under `settings`.
    init(target: PaintingStatistics, shape: Shape, settings: ObjectiveSettings)
    /// The normalisation n of the Gram matrices G = FFᵀ / n this loss compares (the picture's and the painting's).
    static func gramNormalization(_ shape: Shape, _ settings: ObjectiveSettings) -> Double
    /// Whether the loss reads the channel means and the second raw moment in Double besides the Gram matrix.
    static var readsMoments: Bool { get }
    /// The factor s in the term's loss s · E: its unit under relative losses, the convention's factor otherwise.
    var scale: Double { get }
    /// The painting's Gram matrix (what `StyleObjective.styleTarget` shows).
    var targetGram: [Float] { get }
    /// E of the picture's statistics; writes k · ∂E/∂G into `dGram` and k · ∂E/∂μ into `dMean` (empty unless
    /// `readsMoments`).
    func evaluate(_ picture: PictureStatistics, k: Double, dGram: inout [Float], dMean: inout [Double]) -> Double
}

extension StyleLoss {
    /// The one place a style loss becomes its measure.
    var measure: any StyleMeasure.Type {
        switch self {
        case .gram: GramMeasure.self
        case .w2: W2Measure.self
        }
    }
}
