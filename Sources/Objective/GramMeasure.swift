// GramMeasure: Gatys et al.'s style loss at one layer and region — the squared difference between the picture's
// Gram matrix and the painting's, E = Σ (G − A)², scaled as `StyleConvention` (or the relative loss) says.

import Engine

/// E = Σ (G − A)² against the painting's Gram matrix A; ∂E/∂G = 2 (G − A).
final class GramMeasure: StyleMeasure {
    let targetGram: [Float]
    let scale: Double

    init(target: PaintingStatistics, shape: Shape, settings: ObjectiveSettings) {
        targetGram = target.gram
        switch settings.normalization {
        case .relative:   // the painting's own Σ A²: a relative error
            let sum = target.gram.reduce(0.0) { $0 + Double($1) * Double($1) }
            scale = 1 / (sum > 0 ? sum : 1)
        case .none:
            scale = settings.style.lossScale(channels: shape.channels, pixels: shape.pixels)
        }
    }

    /// Relative losses compare Grams per pixel, whatever the convention.
    static func gramNormalization(_ shape: Shape, _ settings: ObjectiveSettings) -> Double {
        settings.normalization == .relative ? Double(shape.pixels)
            : settings.style.gramNormalization(channels: shape.channels, pixels: shape.pixels)
    }

    static var readsMoments: Bool { false }

    func evaluate(_ picture: PictureStatistics, k: Double, dGram: inout [Float], dMean: inout [Double]) -> Double {
        let k2 = 2 * k
        var sum = 0.0
        for j in targetGram.indices {
            let d = Double(picture.gram[j]) - Double(targetGram[j])
            sum += d * d
            dGram[j] = Float(k2 * d)
        }
        return sum
    }
}
