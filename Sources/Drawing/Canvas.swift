// Canvas: the few operations composed pictures are made of — fit a picture in a box, place it, mix two pictures,
// fade to black.

import ImageFiles

extension RGBImage {
    /// This picture scaled (Lanczos-3, up or down) to the largest size that fits `width`×`height`, aspect kept.
    public func fitted(width boxWidth: Int, height boxHeight: Int) -> RGBImage {
        let scale = min(Double(boxWidth) / Double(width), Double(boxHeight) / Double(height))
        let w = max(1, min(boxWidth, Int((Double(width) * scale).rounded())))
        let h = max(1, min(boxHeight, Int((Double(height) * scale).rounded())))
        return resized(width: w, height: h)
    }

    /// Copies `picture` with its top-left corner at (`x`, `y`), clipped to this image.
    public mutating func place(_ picture: RGBImage, x: Int, y: Int) {
        for row in max(0, -y)..<min(picture.height, height - y) {
            let columns = max(0, -x)..<min(picture.width, width - x)
            guard !columns.isEmpty else { return }
            let from = (row * picture.width + columns.lowerBound) * 3
            let to = ((y + row) * width + x + columns.lowerBound) * 3
            pixels.replaceSubrange(to..<(to + columns.count * 3), with: picture.pixels[from..<(from + columns.count * 3)])
        }
    }

    /// Fills the rectangle at (`x`, `y`) of `w`×`h` pixels with `color`, clipped to this image.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: (UInt8, UInt8, UInt8)) {
        for py in max(0, y)..<min(height, y + h) {
            for px in max(0, x)..<min(width, x + w) {
                let o = (py * width + px) * 3
                (pixels[o], pixels[o + 1], pixels[o + 2]) = color
            }
        }
    }

    /// (1 − t)·`a` + t·`b`, rounded; `a` and `b` of one size, t in 0…1.
    public static func mix(_ a: RGBImage, _ b: RGBImage, _ t: Double) -> RGBImage {
        precondition(a.width == b.width && a.height == b.height, "RGBImage.mix: sizes differ")
        if t <= 0 { return a }
        if t >= 1 { return b }
        let w = Float(t)
        var out = a
        a.pixels.withUnsafeBufferPointer { pa in
            b.pixels.withUnsafeBufferPointer { pb in
                out.pixels.withUnsafeMutableBufferPointer { po in
                    for i in 0..<po.count {
                        po[i] = UInt8((Float(pa[i]) + w * (Float(pb[i]) - Float(pa[i]))).rounded())
                    }
                }
            }
        }
        return out
    }

    /// This picture at brightness t (0 black … 1 itself).
    public func faded(_ t: Double) -> RGBImage {
        RGBImage.mix(RGBImage(width: width, height: height), self, t)
    }

    /// The mean absolute difference between this picture and `other` (same size), in levels 0…255.
    public func meanAbsoluteDifference(_ other: RGBImage) -> Double {
        precondition(width == other.width && height == other.height, "meanAbsoluteDifference: sizes differ")
        var sum = 0
        pixels.withUnsafeBufferPointer { a in
            other.pixels.withUnsafeBufferPointer { b in
                for i in 0..<a.count { sum += abs(Int(a[i]) - Int(b[i])) }
            }
        }
        return Double(sum) / Double(max(pixels.count, 1))
    }
}
