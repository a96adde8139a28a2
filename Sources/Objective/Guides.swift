// Guides: where each painting applies, and how much the photo counts, pixel by pixel — masks at a picture's size
// carried down to every layer's (Gatys, Ecker, Bethge, Hertzmann & Shechtman 2017, "Controlling Perceptual Factors
// in Neural Style Transfer": guided Gram matrices).

import Network

/// How a mask is carried from the picture to a layer's size.
public enum GuidePropagation: String, Codable, Sendable, CaseIterable {
    /// Resized: each 2×2 pooling averages the mask's 2×2 values (area averaging, aligned with VGG19's pooling).
    case simple
    /// Only the neurons whose receptive field lies inside the region: each 3×3 convolution takes the smallest value
    /// of its 3×3 neighbourhood (within the map), each pooling the smallest of its 2×2 (an erosion; for a 0/1 mask
    /// exactly the neurons that see nothing outside it). Where that leaves nothing of a mask at a layer, the mask is
    /// carried `simple` to that layer instead.
    case inside

    /// StyleLapse's default (docs/masks.md has the measurement that chose it).
    public static let standard = GuidePropagation.simple
}

/// A mask over a picture: `width` × `height` values 0…1, row major.
public struct Mask: Sendable, Equatable {
    public var width: Int, height: Int
    public var values: [Float]

    public init(width: Int, height: Int, values: [Float]) {
        precondition(values.count == width * height, "Mask: \(values.count) values for \(width)×\(height)")
        (self.width, self.height, self.values) = (width, height, values)
    }

    /// Σ value.
    var sum: Double { values.reduce(0) { $0 + Double($1) } }
}

/// The masks of a guided objective. Without style masks every painting applies everywhere (blended); without a
/// content mask the photo counts everywhere as the content weight says.
public struct SpatialGuides: Sendable {
    /// One per painting, in order, at the photo's size: where the painting applies. Where masks overlap they are
    /// scaled to sum to 1 (`normalizedStyleMasks`); where none covers a pixel only the content loss (and TV) act.
    public var styleMasks: [Mask]?
    /// One per painting (nil: the whole painting), at the painting's size: where in it its style is taken.
    public var styleRegions: [Mask?]
    /// At the photo's size: the content weight per pixel (1: as the content weight says; 0: none).
    public var contentMask: Mask?
    public var propagation: GuidePropagation

    public init(styleMasks: [Mask]? = nil, styleRegions: [Mask?] = [], contentMask: Mask? = nil,
                propagation: GuidePropagation = .standard) {
        (self.styleMasks, self.styleRegions, self.contentMask) = (styleMasks, styleRegions, contentMask)
        self.propagation = propagation
    }

    /// The style masks with every pixel's sum over masks scaled down to 1 where it is more.
    var normalizedStyleMasks: [Mask]? {
        guard var masks = styleMasks, let first = masks.first else { return styleMasks }
        for i in first.values.indices {
            let sum = masks.reduce(Float(0)) { $0 + $1.values[i] }
            if sum > 1 { for k in masks.indices { masks[k].values[i] /= sum } }
        }
        return masks
    }

    /// Painting `k`'s region (nil: its whole picture).
    func region(_ k: Int) -> Mask? { k < styleRegions.count ? styleRegions[k] : nil }
}

extension GuidePropagation {
    /// `mask` carried to the size of each of `layers` of `architecture` (a picture of the mask's size). A guide that
    /// `inside` empties at a layer is carried `simple` there.
    public func carry(_ mask: Mask, architecture: VGGArchitecture, to layers: [VGGLayer]) -> [VGGLayer: Mask] {
        var out: [VGGLayer: Mask] = [:]
        var (inside, simple) = (mask, mask)
        let deepest = layers.max()!
        for l in architecture.layers where l.layer <= deepest {
            if l.layer.conv == 1 && l.layer.block > 1 {
                simple = Self.pool(simple, min: false)
                if self == .inside { inside = Self.pool(inside, min: true) }
            }
            if self == .inside { inside = Self.erode(inside) }   // every layer is a 3×3 convolution
            guard layers.contains(l.layer) else { continue }
            out[l.layer] = self == .inside && inside.values.contains { $0 > 0 } ? inside : simple
        }
        return out
    }

    /// 2×2 pooling with stride 2 (odd last rows and columns dropped, as VGG19's): the mean or the smallest.
    static func pool(_ m: Mask, min: Bool) -> Mask {
        let (w, h) = (m.width / 2, m.height / 2)
        var out = [Float](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                let i = 2 * y * m.width + 2 * x
                let (a, b, c, d) = (m.values[i], m.values[i + 1], m.values[i + m.width], m.values[i + m.width + 1])
                out[y * w + x] = min ? Swift.min(Swift.min(a, b), Swift.min(c, d)) : (a + b + c + d) / 4
            }
        }
        return Mask(width: w, height: h, values: out)
    }

    /// The smallest value of each pixel's 3×3 neighbourhood within the map.
    static func erode(_ m: Mask) -> Mask {
        let (w, h) = (m.width, m.height)
        var out = m.values
        for y in 0..<h {
            for x in 0..<w {
                var v = Float.infinity
                for yy in max(0, y - 1)...min(h - 1, y + 1) {
                    for xx in max(0, x - 1)...min(w - 1, x + 1) { v = Swift.min(v, m.values[yy * w + xx]) }
                }
                out[y * w + x] = v
            }
        }
        return Mask(width: w, height: h, values: out)
    }
}
