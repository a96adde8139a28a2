// Losses: mean squared error between two feature maps and total variation of an image, each with its gradient.
// Sums are taken in Float along one row (RowSums in the Kernels module) and in Double across rows.

import Kernels

/// Mean squared error over the C·H·W elements of two BlockedTensors.
public enum MeanSquaredError {
    /// Σ (a − b)² / (C·H·W).
    public static func forward(_ a: BlockedTensor, _ b: BlockedTensor) -> Double {
        precondition(a.shape == b.shape, "MeanSquaredError: shapes differ")
        return sumOfSquares(a, rows: 0..<a.shape.height, b, bRow: 0) / Double(a.shape.count)
    }

    /// grad (+)= scale · 2(a − b) / (C·H·W), the gradient of `scale · forward(a, b)` with respect to `a`.
    public static func backward(_ a: BlockedTensor, _ b: BlockedTensor, scale: Double, into grad: BlockedTensor,
                                accumulate: Bool) {
        precondition(a.shape == b.shape && grad.shape == a.shape, "MeanSquaredError: shapes differ")
        gradient(a, rows: 0..<a.shape.height, b, bRow: 0, k: 2 * scale / Double(a.shape.count), into: grad,
                 accumulate: accumulate)
    }

    /// Σ (a − b)² over rows `rows` of `a` against the rows of `b` from `bRow` on (the same channels and width): a
    /// band of a map against the whole target, or all of it. Not divided by the count. Sums in Float along a row,
    /// in Double across rows.
    public static func sumOfSquares(_ a: BlockedTensor, rows: Range<Int>, _ b: BlockedTensor, bRow: Int) -> Double {
        precondition(a.blocks == b.blocks && a.shape.width == b.shape.width && rows.lowerBound >= 0
            && rows.upperBound <= a.shape.height && bRow >= 0 && bRow + rows.count <= b.shape.height, "sumOfSquares: rows")
        var total = 0.0
        let kernels = InstructionSet.kernels
        for block in 0..<a.blocks {
            for y in rows {
                let pa = a.pointer(block: block, y: y, x: 0), pb = b.pointer(block: block, y: bRow + y - rows.lowerBound, x: 0)
                total += SIMD8<Double>(kernels.squaredDifferences(pa, pb, count: a.shape.width)).sum()
            }
        }
        return total
    }

    /// grad[rows] (+)= k · (a − b) over rows `rows` of `a` and `grad`, against `b`'s rows from `bRow` on: the
    /// gradient of (k/2) · `sumOfSquares`; with `accumulate` added to what `grad` holds, else written.
    public static func gradient(_ a: BlockedTensor, rows: Range<Int>, _ b: BlockedTensor, bRow: Int, k: Double,
                                into grad: BlockedTensor, accumulate: Bool) {
        precondition(grad.shape == a.shape && a.blocks == b.blocks && a.shape.width == b.shape.width
            && rows.lowerBound >= 0 && rows.upperBound <= a.shape.height && bRow + rows.count <= b.shape.height,
            "MeanSquaredError.gradient: rows")
        let kv = Vec8(repeating: Float(k))
        for block in 0..<a.blocks {
            for y in rows {
                let pa = a.pointer(block: block, y: y, x: 0), pb = b.pointer(block: block, y: bRow + y - rows.lowerBound, x: 0)
                let pg = grad.pointer(block: block, y: y, x: 0)
                for x in 0..<a.shape.width {
                    let g = kv * (load8(pa + 8 * x) - load8(pb + 8 * x))
                    store8(accumulate ? load8(pg + 8 * x) + g : g, pg + 8 * x)
                }
            }
        }
    }
}

/// Total variation: Σ over channels and pixels of the squared differences between vertical and horizontal
/// neighbours, Σ (x[y+1, x] − x[y, x])² + Σ (x[y, x+1] − x[y, x])² (Mahendran & Vedaldi's TV with β = 2).
public enum TotalVariation {
    public static func forward(_ image: BlockedTensor) -> Double {
        let (h, w) = (image.shape.height, image.shape.width)
        let kernels = InstructionSet.kernels
        var total = 0.0
        for block in 0..<image.blocks {
            for y in 0..<h {
                let s = kernels.totalVariationRow(image.pointer(block: block, y: y, x: 0), rowStride: image.rowStride,
                                                  width: w, below: y + 1 < h)
                total += SIMD8<Double>(s).sum()
            }
        }
        return total
    }

    /// grad (+)= scale · ∂forward/∂image.
    public static func backward(_ image: BlockedTensor, scale: Double, into grad: BlockedTensor, accumulate: Bool) {
        precondition(grad.shape == image.shape, "TotalVariation: shapes differ")
        let (h, w) = (image.shape.height, image.shape.width)
        let k = Vec8(repeating: Float(2 * scale))
        for block in 0..<image.blocks {
            for y in 0..<h {
                let p = image.pointer(block: block, y: y, x: 0), pg = grad.pointer(block: block, y: y, x: 0)
                for x in 0..<w {
                    let v = load8(p + 8 * x)
                    var g = Vec8.zero
                    // Each squared difference (n − v)² pulls v by −2(n − v) and its neighbour n by +2(n − v).
                    if y + 1 < h { g -= load8(p + image.rowStride + 8 * x) - v }
                    if y > 0 { g += v - load8(p - image.rowStride + 8 * x) }
                    if x + 1 < w { g -= load8(p + 8 * x + 8) - v }
                    if x > 0 { g += v - load8(p + 8 * x - 8) }
                    g *= k
                    store8(accumulate ? load8(pg + 8 * x) + g : g, pg + 8 * x)
                }
            }
        }
    }
}
