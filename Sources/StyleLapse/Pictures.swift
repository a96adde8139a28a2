// Pictures: the photo at its working size and the paintings at theirs, as a session reads them, and what a picture
// of the optimised pixels shows (with luminance-only colour, the photo's chroma). Also the initial image.

import Drawing
import Engine
import Foundation
import ImageFiles
import Stylization

/// The pictures of a session, read and sized once.
public struct Pictures: Sendable {
    /// The photo at its working size, with the margin (`PictureSettings.margin`) around it: what is optimised.
    public let content: RGBImage
    /// The photo at its working size, without the margin: what the pictures of the run show.
    public let photo: RGBImage
    /// Pixels of mirrored photo around every side of `content`, cropped from every picture.
    public let margin: Int
    /// The paintings at their working sizes (recoloured first with `.transfer`).
    public let styles: [RGBImage]
    /// How the photo's colours are kept (luminance: applied to every picture made of optimised pixels).
    public let colors: ColorPreservation?
    /// The masks at their working sizes (the photo's with its margin).
    public let masks: Masks
    private let contentPixels: [Float]

    /// Reads the photo (longer side at most `maxSize`, or exactly with `upscale`) and each painting: with a
    /// `styleScale` its longer side is that multiple of the photo's, without one it keeps its own size within
    /// `maxSize`. Every picture needs 16 pixels a side.
    public init(_ settings: PictureSettings) throws {
        try self.init(settings, photo: try ImageFile.read(settings.content))
    }

    /// As `init(_:)` with the photo already decoded (a clip's frame; `settings.content` names where it came from).
    public init(_ settings: PictureSettings, photo original: RGBImage) throws {
        let paintings = try settings.styles.map { try ImageFile.read($0) }
        let sizes = Self.sizes(settings, photo: original, paintings: paintings)
        for (p, size) in zip([settings.content] + settings.styles, sizes) where min(size.width, size.height) < 16 {
            throw PictureTooSmall(path: p, width: size.width, height: size.height,
                                  fittingMaxSize: Self.fittingMaxSize(settings, photo: original, paintings: paintings))
        }
        let content = original.resized(maxSide: settings.maxSize, enlarge: settings.upscale)
        let margin = settings.margin ?? (settings.defaultMargin == true ? Self.defaultMargin(content) : 0)
        styles = zip(paintings, sizes.dropFirst()).map { (pair: (RGBImage, (width: Int, height: Int))) -> RGBImage in
            let fitted = pair.0.resized(width: pair.1.width, height: pair.1.height)
            return settings.preserveColor == .transfer ? Colors.transfer(fitted, toColorsOf: content) : fitted
        }
        guard margin < min(content.width, content.height) else {
            throw ImageFileError(settings.content, "is \(content.width)×\(content.height) at this size; a margin of "
                + "\(margin) needs more")
        }
        masks = settings.hasMasks
            ? try Masks(settings, original: (original.width, original.height), working: (content.width, content.height), margin: margin,
                        paintings: zip(paintings, sizes.dropFirst()).map { ((width: $0.width, height: $0.height), $1) })
            : .none
        let padded = margin > 0 ? content.mirrored(margin: margin) : content
        (self.content, photo, self.margin) = (padded, content, margin)
        (colors, contentPixels) = (settings.preserveColor, padded.planar)
    }

    /// The same paintings with another photo of the same size (a clip's next frame, `original` as decoded): sized,
    /// and given its margin, as the first.
    public func replacingPhoto(_ original: RGBImage, _ settings: PictureSettings) -> Pictures {
        let content = original.resized(maxSide: settings.maxSize, enlarge: settings.upscale)
        precondition(content.width == photo.width && content.height == photo.height, "Pictures: the new photo's size differs")
        let padded = margin > 0 ? content.mirrored(margin: margin) : content
        return Pictures(content: padded, photo: content, margin: margin, styles: styles, colors: colors, masks: masks)
    }

    private init(content: RGBImage, photo: RGBImage, margin: Int, styles: [RGBImage], colors: ColorPreservation?, masks: Masks) {
        (self.content, self.photo, self.margin, self.styles, self.colors) = (content, photo, margin, styles, colors)
        self.masks = masks
        contentPixels = content.planar
    }

    /// The working sizes of the photo and the paintings under `settings`: the photo's longer side at most
    /// `maxSize` (exactly with `upscale`); with a `styleScale` each painting's longer side is that multiple of the
    /// photo's, without one it keeps its own size within `maxSize`.
    static func sizes(_ settings: PictureSettings, photo: RGBImage, paintings: [RGBImage]) -> [(width: Int, height: Int)] {
        func within(_ image: RGBImage, _ side: Int, enlarge: Bool) -> (width: Int, height: Int) {   // as `resized(maxSide:)`
            enlarge && max(image.width, image.height) < side
                ? Resample.fitting(width: image.width * side, height: image.height * side, maxSide: side)
                : Resample.fitting(width: image.width, height: image.height, maxSide: side)
        }
        let content = within(photo, settings.maxSize, enlarge: settings.upscale)
        return [content] + paintings.map { picture in
            guard let scale = settings.styleScale else { return within(picture, settings.maxSize, enlarge: false) }
            let side = max(16, Int((scale * Double(max(content.width, content.height))).rounded()))
            return Resample.fitting(width: picture.width * side, height: picture.height * side, maxSide: side)
        }
    }

    /// The smallest size limit above `settings.maxSize` at which every picture keeps 16 pixels a side (nil: none
    /// up to the pictures' own sizes).
    static func fittingMaxSize(_ settings: PictureSettings, photo: RGBImage, paintings: [RGBImage]) -> Int? {
        let largest = ([photo] + paintings).map { max($0.width, $0.height) }.max()!
        var s = settings
        for side in (settings.maxSize + 1)...max(settings.maxSize + 1, 16 * largest) {
            s.maxSize = side
            if sizes(s, photo: photo, paintings: paintings).allSatisfy({ min($0.width, $0.height) >= 16 }) { return side }
        }
        return nil
    }

    /// StyleLapse's default margin for a photo at its working size: 16 pixels, which leaves no frame (tools/measure/edge-compare),
    /// or a quarter of the shorter side when that is less.
    public static func defaultMargin(_ photo: RGBImage) -> Int { min(defaultMarginPixels, min(photo.width, photo.height) / 4) }

    /// The default margin of a photo whose shorter side is at least four times as long.
    public static let defaultMarginPixels = 16

    /// The largest painting (the one whose tape is largest).
    public var largestStyle: RGBImage { styles.max { $0.width * $0.height < $1.width * $1.height }! }

    /// The picture of optimised pixels `x` (planar RGB 0…255, `content`'s size), the margin cropped.
    public func picture(_ x: [Float]) -> RGBImage { picture(samples: samples(x)) }

    /// The picture of `samples` (as `samples(_:)` gives them), rounded to 8 bits.
    public func picture(samples: [Float]) -> RGBImage {
        RGBImage(width: pictureSize.width, height: pictureSize.height, planar: samples)
    }

    /// The size of `picture`'s result: the photo's working size, the margin cropped.
    public var pictureSize: (width: Int, height: Int) { (content.width - 2 * margin, content.height - 2 * margin) }

    /// `picture`'s values before they are rounded to 8 bits: planar RGB 0…255, colours kept as asked, the margin
    /// cropped (for a 16-bit PNG).
    public func samples(_ x: [Float]) -> [Float] {
        let planar = colors == .luminance ? Colors.luminanceOnly(x, content: contentPixels) : x
        guard margin > 0 else { return planar }
        let (w, h, n) = (content.width, content.height, content.width * content.height)
        var out: [Float] = []
        out.reserveCapacity(3 * (w - 2 * margin) * (h - 2 * margin))
        for c in 0..<3 {
            for y in margin..<(h - margin) {
                let row = c * n + y * w
                out += planar[(row + margin)..<(row + w - margin)]
            }
        }
        return out
    }

    /// The image the optimisation starts from (planar RGB at the photo's size).
    public func initialImage(_ initialization: Initialization, seed: UInt64) throws -> [Float] {
        switch initialization {
        case .content: return content.planar
        case .noise:
            var rng = SplitMix(seed: seed)
            return (0..<(3 * content.width * content.height)).map { _ in Float(rng.next() % 256) }
        case .image(let path):
            return try ImageFile.read(path).resized(width: content.width, height: content.height).planar
        }
    }

    static func tensor(_ image: RGBImage) -> BlockedTensor {
        BlockedTensor(Shape(channels: 3, height: image.height, width: image.width), chw: image.planar)
    }
}

extension Initialization {
    /// The value of `--init`: content, noise, or a picture's path.
    public init(option: String) {
        switch option {
        case "content": self = .content
        case "noise": self = .noise
        default: self = .image(path: option)
        }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014), for noise initialisation from a seed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension RGBImage {
    /// This picture with `m` pixels mirrored around every side (reflection without repeating the edge, as
    /// PyTorch's `reflect` padding).
    func mirrored(margin m: Int) -> RGBImage {
        let (w, h) = (width + 2 * m, height + 2 * m)
        func reflect(_ i: Int, _ n: Int) -> Int {
            var i = i
            while i < 0 || i >= n { i = i < 0 ? -i : 2 * (n - 1) - i }
            return i
        }
        var out = RGBImage(width: w, height: h)
        for y in 0..<h {
            let sy = reflect(y - m, height)
            for x in 0..<w {
                let sx = reflect(x - m, width)
                for c in 0..<3 { out[x, y, c] = self[sx, sy, c] }
            }
        }
        return out
    }
}
