// Pixels: conversions between 8-bit pictures and the optimiser's planar RGB floats (0…255).

import ImageFiles

extension RGBImage {
    /// Planar R, G, B planes of 0…255 values.
    public var planar: [Float] {
        let n = width * height
        var out = [Float](repeating: 0, count: 3 * n)
        for p in 0..<n { for c in 0..<3 { out[c * n + p] = Float(pixels[3 * p + c]) } }
        return out
    }

    /// The picture of planar RGB values: clamped to 0…255 and rounded, the same way for every frame (no per-frame
    /// rescaling, which would make a film flicker).
    public init(width: Int, height: Int, planar: [Float]) {
        let n = width * height
        precondition(planar.count == 3 * n)
        var pixels = [UInt8](repeating: 0, count: 3 * n)
        for p in 0..<n {
            for c in 0..<3 {
                let v = planar[c * n + p]
                pixels[3 * p + c] = UInt8(v.isNaN ? 0 : min(max(v, 0), 255).rounded())
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }
}
