// MaskedDifference: Σ_pixels mask · Σ_channels (image − target)² between a 3-channel image and a planar target, and
// its gradient (a clip frame's temporal loss, Objective's TemporalTerm).

public enum MaskedDifference {
    /// Σ_i mask[i] · Σ_c (image[c, i] − target[c·n + i])², n = H·W; `target` planar, `mask` per pixel.
    public static func forward(_ image: BlockedTensor, target: [Float], mask: [Float]) -> Double {
        check(image, target, mask)
        let (h, w) = (image.shape.height, image.shape.width), n = h * w
        var total = 0.0
        for y in 0..<h {
            let p = image.pointer(block: 0, y: y, x: 0)
            var row: Float = 0
            for x in 0..<w {
                let i = y * w + x
                let d0 = p[8 * x] - target[i], d1 = p[8 * x + 1] - target[n + i], d2 = p[8 * x + 2] - target[2 * n + i]
                row += mask[i] * (d0 * d0 + d1 * d1 + d2 * d2)
            }
            total += Double(row)
        }
        return total
    }

    /// grad += scale · ∂forward/∂image.
    public static func backward(_ image: BlockedTensor, target: [Float], mask: [Float], scale: Double,
                                into grad: BlockedTensor) {
        check(image, target, mask)
        precondition(grad.shape == image.shape, "MaskedDifference: shapes differ")
        let (h, w) = (image.shape.height, image.shape.width), n = h * w
        let k = Float(2 * scale)
        for y in 0..<h {
            let p = image.pointer(block: 0, y: y, x: 0), g = grad.pointer(block: 0, y: y, x: 0)
            for x in 0..<w {
                let i = y * w + x
                let m: Float = k * mask[i]
                for c in 0..<3 { g[8 * x + c] += m * (p[8 * x + c] - target[c * n + i]) }
            }
        }
    }

    private static func check(_ image: BlockedTensor, _ target: [Float], _ mask: [Float]) {
        let n = image.shape.height * image.shape.width
        precondition(image.shape.channels == 3 && target.count == 3 * n && mask.count == n,
                     "MaskedDifference: the target or mask does not fit the image")
    }
}
