// TemporalTerm: a clip frame's temporal loss (Ruder, Dosovitskiy and Brox 2016): the mean, over the picture's values,
// of the squared difference to the previous painted frame warped into this one, each pixel weighted by how far the
// flow there can be trusted (the consistency mask: 0 at occlusions and motion boundaries).

import Engine

/// weight · (1 / 3HW) Σ_pixels mask · Σ_rgb (x − warped)², x in levels 0…255: Ruder et al.'s mean squared difference,
/// so the weight does not depend on the picture's size.
public struct TemporalTerm: Sendable {
    public var weight: Double
    /// The previous painted frame warped into this one: planar RGB, 0…255, the picture's size.
    public let target: [Float]
    /// Per pixel, 0…1.
    public let mask: [Float]
    public let width: Int, height: Int

    public init(weight: Double, target: [Float], mask: [Float], width: Int, height: Int) {
        precondition(target.count == 3 * width * height && mask.count == width * height,
                     "TemporalTerm: target or mask does not fit the size")
        (self.weight, self.target, self.mask, self.width, self.height) = (weight, target, mask, width, height)
    }

    private var scale: Double { 1 / (3 * Double(width * height)) }

    /// The unweighted loss of `image`.
    package func forward(_ image: BlockedTensor) -> Double {
        MaskedDifference.forward(image, target: target, mask: mask) * scale
    }

    /// gradient += weight · ∂forward/∂image.
    package func backward(_ image: BlockedTensor, into gradient: BlockedTensor) {
        MaskedDifference.backward(image, target: target, mask: mask, scale: weight * scale, into: gradient)
    }
}
