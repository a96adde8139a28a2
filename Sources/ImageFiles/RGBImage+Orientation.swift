// RGBImage+Orientation: applying an EXIF orientation (1…8) so the picture stands the way the camera meant.

extension RGBImage {
    /// The image turned upright for EXIF `orientation`: 2 mirror, 3 rotate 180°, 4 flip, 5 transpose,
    /// 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° counter-clockwise. 1 and unknown values: unchanged.
    public func oriented(_ orientation: Int) -> RGBImage {
        guard (2...8).contains(orientation) else { return self }
        let (w, h) = (width, height)
        let swaps = orientation >= 5
        let (ow, oh) = swaps ? (h, w) : (w, h)
        var out = [UInt8](repeating: 0, count: pixels.count)
        for y in 0..<oh {
            for x in 0..<ow {
                // (sx, sy): the stored pixel that lands at output (x, y).
                let (sx, sy): (Int, Int)
                switch orientation {
                case 2: (sx, sy) = (w - 1 - x, y)
                case 3: (sx, sy) = (w - 1 - x, h - 1 - y)
                case 4: (sx, sy) = (x, h - 1 - y)
                case 5: (sx, sy) = (y, x)
                case 6: (sx, sy) = (y, h - 1 - x)
                case 7: (sx, sy) = (w - 1 - y, h - 1 - x)
                default: (sx, sy) = (w - 1 - y, x)
                }
                let s = (sy * w + sx) * 3, d = (y * ow + x) * 3
                out[d] = pixels[s]; out[d + 1] = pixels[s + 1]; out[d + 2] = pixels[s + 2]
            }
        }
        return RGBImage(width: ow, height: oh, pixels: out)
    }

    /// Composites non-premultiplied RGBA onto white, in sRGB-encoded values (as browsers show a PNG on a white
    /// page): out = (c·a + 255·(255 − a)) / 255, rounded.
    public init(width: Int, height: Int, compositingOnWhite rgba: [UInt8]) {
        precondition(rgba.count == width * height * 4)
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for p in 0..<(width * height) {
            let a = UInt32(rgba[p * 4 + 3])
            for c in 0..<3 {
                rgb[p * 3 + c] = UInt8((UInt32(rgba[p * 4 + c]) * a + 255 * (255 - a) + 127) / 255)
            }
        }
        self.init(width: width, height: height, pixels: rgb)
    }
}
