// Frames: smooth moving test pictures for the timelapse tests, and the MP4 box order check.

import Foundation
import ImageFiles

public enum TestFrames {
    /// Frame `index` of a smooth animation: soft colour gradients drifting by a few pixels per frame.
    public static func smooth(_ index: Int, width: Int, height: Int) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        let t = Double(index) * 0.15
        for y in 0..<height {
            for x in 0..<width {
                let u = Double(x) / Double(width), v = Double(y) / Double(height)
                image[x, y, 0] = UInt8(127.5 + 100 * sin(2 * u * .pi + t))
                image[x, y, 1] = UInt8(127.5 + 100 * cos(2 * v * .pi - t))
                image[x, y, 2] = UInt8(127.5 + 90 * sin((u + v) * .pi + 2 * t))
            }
        }
        return image
    }

    /// The four-letter types of an MP4 file's top-level boxes, in file order.
    public static func topLevelBoxes(_ path: String) -> [String] {
        let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
        var boxes: [String] = []
        var i = 0
        while i + 8 <= bytes.count {
            var size = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            boxes.append(String(decoding: bytes[(i + 4)..<(i + 8)], as: UTF8.self))
            if size == 1, i + 16 <= bytes.count {   // 64-bit size follows the type
                size = bytes[(i + 8)..<(i + 16)].reduce(0) { $0 << 8 | Int($1) }
            }
            if size < 8 { break }
            i += size
        }
        return boxes
    }
}

/// Crops the top-left `width`×`height` of an image (a padded even-sized video frame back to the source size).
public func cropped(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
    var out = RGBImage(width: width, height: height)
    for y in 0..<height { for x in 0..<width { for c in 0..<3 { out[x, y, c] = image[x, y, c] } } }
    return out
}
