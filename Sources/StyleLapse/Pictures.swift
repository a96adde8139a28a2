// Pictures: the photo at its working size and the paintings fitted to it, as `stylize` and `sweep` both read them,
// and what a picture of the optimised pixels shows (with luminance-only colour, the photo's chroma).

import Engine
import ImageFiles
import Stylize

struct Pictures {
    let content: RGBImage
    let styles: [RGBImage]
    let colors: ColorPreservation?
    private let contentPixels: [Float]

    /// Reads the photo (longer side at most `maxSize`, or exactly with `upscale`) and each painting with its longer
    /// side `styleScale` times the photo's (recoloured to the photo's colour statistics with `.transfer`); every
    /// picture needs 16 pixels a side.
    init(content path: String, styles paths: [String], maxSize: Int, upscale: Bool = false, styleScale: Double,
         colors: ColorPreservation?) throws {
        let content = try ImageFile.read(path).resized(maxSide: maxSize, enlarge: upscale)
        let side = max(16, Int((styleScale * Double(max(content.width, content.height))).rounded()))
        styles = try paths.map { stylePath -> RGBImage in
            let picture = try ImageFile.read(stylePath)
            let size = Resample.fitting(width: picture.width * side, height: picture.height * side, maxSide: side)
            let fitted = picture.resized(width: size.width, height: size.height)
            return colors == .transfer ? Colors.transfer(fitted, toColorsOf: content) : fitted
        }
        for (p, image) in zip([path] + paths, [content] + styles) where min(image.width, image.height) < 16 {
            throw ImageFileError(p, "is \(image.width)×\(image.height) at this size; VGG19 needs 16 pixels a side")
        }
        (self.content, self.colors, contentPixels) = (content, colors, content.planar)
    }

    /// The largest painting (the one whose tape is largest).
    var largestStyle: RGBImage { styles.max { $0.width * $0.height < $1.width * $1.height }! }

    /// The picture of optimised pixels `x` (planar RGB, the photo's size).
    func picture(_ x: [Float]) -> RGBImage {
        RGBImage(width: content.width, height: content.height,
                 planar: colors == .luminance ? Colors.luminanceOnly(x, content: contentPixels) : x)
    }

    static func tensor(_ image: RGBImage) -> BlockedTensor {
        BlockedTensor(Shape(channels: 3, height: image.height, width: image.width), chw: image.planar)
    }
}

extension Initialization {
    /// The value of `--init`: content, noise, or a picture's path.
    init(option: String) {
        switch option {
        case "content": self = .content
        case "noise": self = .noise
        default: self = .image(path: option)
        }
    }
}
