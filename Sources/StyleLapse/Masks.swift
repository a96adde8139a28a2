// Masks: the session's masks read and sized — where each painting applies on the photo, where in each painting
// its style is taken, the content weight per pixel — checked before any work, and handed to the objective as guides.

import Foundation
import ImageFiles
import Objective

/// A session's masks at their working sizes, as greyscale pictures (what the live page and the film's card show).
public struct Masks: Sendable {
    /// One per painting at the photo's working size with its margin (nil: no style masks).
    public let style: [RGBImage]?
    /// One per painting at its working size (nil: the whole painting).
    public let regions: [RGBImage?]
    /// At the photo's working size with its margin.
    public let content: RGBImage?
    public let propagation: GuidePropagation

    /// No masks.
    static let none = Masks(style: nil, regions: [], content: nil, propagation: .standard)

    /// Reads the masks `settings` names: each must be a picture of its subject's aspect ratio (within 1 %) and not
    /// black everywhere; it is resized to its subject's working size (the photo's `working`, each painting's) and,
    /// on the photo, given the photo's margin. Sizes are (width, height): `original` the photo's as decoded.
    init(_ settings: PictureSettings, original: (width: Int, height: Int), working photo: (width: Int, height: Int),
         margin: Int, paintings: [(original: (width: Int, height: Int), working: (width: Int, height: Int))]) throws {
        func read(_ path: String, onto subject: (width: Int, height: Int), at size: (width: Int, height: Int),
                  named: String, margin: Int) throws -> RGBImage {
            let picture = try ImageFile.read(path)
            let height = Double(picture.height) * Double(subject.width) / Double(picture.width)
            guard abs(height - Double(subject.height)) <= max(1, 0.01 * Double(subject.height)) else {
                throw ImageFileError(path, "is \(picture.width)×\(picture.height), not the shape of \(named) "
                    + "(\(subject.width)×\(subject.height)): a mask must have its picture's aspect ratio")
            }
            let sized = picture.resized(width: size.width, height: size.height)
            guard sized.pixels.contains(where: { $0 > 0 }) else {
                throw ImageFileError(path, "is black everywhere: a mask must be white (or grey) where it applies")
            }
            return margin > 0 ? sized.mirrored(margin: margin) : sized
        }
        style = try settings.styleMasks.map { paths in
            try paths.map { try read($0, onto: original, at: photo, named: "the photo", margin: margin) }
        }
        regions = try (settings.styleRegions ?? []).enumerated().map { k, path in
            try read(path, onto: paintings[k].original, at: paintings[k].working, named: "its painting", margin: 0)
        }
        content = try settings.contentMask.map { try read($0, onto: original, at: photo, named: "the photo", margin: margin) }
        propagation = settings.maskPropagation ?? .standard
    }

    private init(style: [RGBImage]?, regions: [RGBImage?], content: RGBImage?, propagation: GuidePropagation) {
        (self.style, self.regions, self.content, self.propagation) = (style, regions, content, propagation)
    }

    /// Whether there is any mask.
    public var any: Bool { style != nil || regions.contains { $0 != nil } || content != nil }

    /// The guides the objective takes, each mask sized by `sized` (a coarse pass's size; as they are by default).
    public func guides(_ sized: (RGBImage) -> RGBImage = { $0 }) -> SpatialGuides? {
        guard any else { return nil }
        return SpatialGuides(styleMasks: style?.map { Mask(grey: sized($0)) },
                             styleRegions: regions.map { $0.map { Mask(grey: sized($0)) } },
                             contentMask: content.map { Mask(grey: sized($0)) }, propagation: propagation)
    }
}

extension Mask {
    /// A picture's grey level, 0…1 (the mean of its channels).
    init(grey picture: RGBImage) {
        let n = picture.width * picture.height
        var values = [Float](repeating: 0, count: n)
        picture.pixels.withUnsafeBufferPointer { p in
            for i in 0..<n { values[i] = (Float(p[3 * i]) + Float(p[3 * i + 1]) + Float(p[3 * i + 2])) / (3 * 255) }
        }
        self.init(width: picture.width, height: picture.height, values: values)
    }
}

extension Pictures {
    /// What the masks say, in one picture at the photo's working size (nil without masks): the photo in grey, each
    /// painting's region tinted with the painting's mean colour, dark where the photo does not count (the content mask).
    /// The live page and the film's opening card show it beside the photo.
    public var maskOverview: RGBImage? {
        guard masks.any, masks.style != nil || masks.content != nil else { return nil }
        let (w, h, m) = (photo.width, photo.height, margin)
        let tints = styles.map { p -> SIMD3<Float> in
            var sum = SIMD3<Float>.zero
            for i in 0..<(p.width * p.height) {
                sum += SIMD3(Float(p.pixels[3 * i]), Float(p.pixels[3 * i + 1]), Float(p.pixels[3 * i + 2]))
            }
            return sum / Float(p.width * p.height)
        }
        func value(_ picture: RGBImage, _ x: Int, _ y: Int) -> Float {
            (Float(picture[x + m, y + m, 0]) + Float(picture[x + m, y + m, 1]) + Float(picture[x + m, y + m, 2])) / (3 * 255)
        }
        var out = RGBImage(width: w, height: h)
        for y in 0..<h {
            for x in 0..<w {
                let grey = (0.299 * Float(photo[x, y, 0]) + 0.587 * Float(photo[x, y, 1]) + 0.114 * Float(photo[x, y, 2]))
                var colour = SIMD3(repeating: grey)
                if let style = masks.style {
                    let weights = style.map { value($0, x, y) }
                    let total = max(1, weights.reduce(0, +))
                    for (k, wk) in weights.enumerated() { colour += 0.6 * wk / total * (tints[k] - colour) }
                }
                colour *= 0.25 + 0.75 * (masks.content.map { value($0, x, y) } ?? 1)
                for c in 0..<3 { out[x, y, c] = UInt8(max(0, min(255, colour[c].rounded()))) }
            }
        }
        return out
    }
}
