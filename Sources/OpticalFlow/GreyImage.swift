// GreyImage: the one-channel float picture optical flow works on (levels 0…255), with what the flow needs of it:
// made from planar RGB, halved for a pyramid, its gradients, and bilinear samples between pixels.

/// A grey picture, row-major, levels 0…255.
public struct GreyImage: Sendable {
    public let width: Int, height: Int
    public var pixels: [Float]

    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height, "GreyImage: pixels do not fit the size")
        (self.width, self.height, self.pixels) = (width, height, pixels)
    }

    /// The luma (BT.601 weights) of planar RGB (`3 · width · height` values, 0…255).
    public init(planarRGB rgb: [Float], width: Int, height: Int) {
        let n = width * height
        precondition(rgb.count == 3 * n, "GreyImage: planar RGB does not fit the size")
        var grey = [Float](repeating: 0, count: n)
        for i in 0..<n { grey[i] = 0.299 * rgb[i] + 0.587 * rgb[n + i] + 0.114 * rgb[2 * n + i] }
        self.init(width: width, height: height, pixels: grey)
    }

    /// Half the size (rounded up), each pixel the mean of the 2×2 block it covers (edge blocks of one column or row
    /// are the mean of what they have).
    public func halved() -> GreyImage {
        let w2 = (width + 1) / 2, h2 = (height + 1) / 2
        var out = [Float](repeating: 0, count: w2 * h2)
        pixels.withUnsafeBufferPointer { p in
            for y in 0..<h2 {
                let y0 = 2 * y, y1 = min(2 * y + 1, height - 1)
                for x in 0..<w2 {
                    let x0 = 2 * x, x1 = min(2 * x + 1, width - 1)
                    out[y * w2 + x] = 0.25 * (p[y0 * width + x0] + p[y0 * width + x1] + p[y1 * width + x0] + p[y1 * width + x1])
                }
            }
        }
        return GreyImage(width: w2, height: h2, pixels: out)
    }

    /// The value at (x, y) between pixels: bilinear, the border repeated outside.
    @inlinable
    public func sample(_ x: Float, _ y: Float) -> Float {
        pixels.withUnsafeBufferPointer { Self.sample($0, width, height, x, y) }
    }

    @inlinable
    static func sample(_ p: UnsafeBufferPointer<Float>, _ width: Int, _ height: Int, _ x: Float, _ y: Float) -> Float {
        let xc = min(max(x, 0), Float(width - 1)), yc = min(max(y, 0), Float(height - 1))
        let x0 = min(Int(xc), width - 2 < 0 ? 0 : width - 2), y0 = min(Int(yc), height - 2 < 0 ? 0 : height - 2)
        let fx = xc - Float(x0), fy = yc - Float(y0)
        let x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
        let top = p[y0 * width + x0] + fx * (p[y0 * width + x1] - p[y0 * width + x0])
        let bottom = p[y1 * width + x0] + fx * (p[y1 * width + x1] - p[y1 * width + x0])
        return top + fy * (bottom - top)
    }

    /// Central differences (x, y), each half the difference of the two neighbours; one-sided at the border.
    public func gradients() -> (x: [Float], y: [Float]) {
        var gx = [Float](repeating: 0, count: pixels.count), gy = gx
        let w = width, h = height
        pixels.withUnsafeBufferPointer { p in
            for y in 0..<h {
                let up = max(y - 1, 0), down = min(y + 1, h - 1)
                let sy: Float = down - up == 2 ? 0.5 : 1
                for x in 0..<w {
                    let left = max(x - 1, 0), right = min(x + 1, w - 1)
                    let sx: Float = right - left == 2 ? 0.5 : 1
                    gx[y * w + x] = right == left ? 0 : sx * (p[y * w + right] - p[y * w + left])
                    gy[y * w + x] = down == up ? 0 : sy * (p[down * w + x] - p[up * w + x])
                }
            }
        }
        return (gx, gy)
    }
}
