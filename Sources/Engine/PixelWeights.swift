// PixelWeights: feature maps weighted pixel by pixel by a guide (a mask carried to a layer's size): the map times
// the guide, written or added, and the guide-weighted squared difference of two maps with its gradient. Objective's
// guided Gram matrices and masked content loss are made of these. A guide holds the whole map's H·W values, row
// major; a band of a banded evaluation names the rows it holds and where the first of them is in the whole map.

import Kernels

public enum PixelWeights {
    /// out[c, y, x] (+)= guide[(row + y − rows.lowerBound)·W + x] · f[c, y, x] for the rows `rows` of `f` and `out`
    /// (every channel, the padding channels too), added with `accumulate`, else written; `row`: where
    /// `rows.lowerBound` is in the whole map. Channel blocks are shared among `parallel`'s workers.
    public static func multiply(_ f: BlockedTensor, by guide: [Float], rows: Range<Int>, row: Int, into out: BlockedTensor,
                                accumulate: Bool = false, parallel: Parallel = .serial) {
        check(f, out, guide, rows, row)
        let w = f.shape.width
        guide.withUnsafeBufferPointer { t in
            parallel.forEach(f.blocks) { block in
                for y in rows {
                    let pf = f.pointer(block: block, y: y, x: 0), po = out.pointer(block: block, y: y, x: 0)
                    let tr = t.baseAddress! + (row + y - rows.lowerBound) * w
                    for x in 0..<w {
                        let v = Vec8(repeating: tr[x]) * load8(pf + 8 * x)
                        store8(accumulate ? load8(po + 8 * x) + v : v, po + 8 * x)
                    }
                }
            }
        }
    }

    /// Σ guide(p) · Σ_c (a − b)² over the rows `rows` of `a` against `b`'s rows from `bRow` on (`bRow` is also where
    /// `rows.lowerBound` is in the whole map, which `b` and `guide` cover). Float along a row, Double across rows.
    public static func sumOfSquares(_ a: BlockedTensor, rows: Range<Int>, _ b: BlockedTensor, bRow: Int, guide: [Float]) -> Double {
        check(a, b, guide, rows, bRow)
        let w = a.shape.width
        var total = 0.0
        guide.withUnsafeBufferPointer { t in
            for y in rows {
                let tr = t.baseAddress! + (bRow + y - rows.lowerBound) * w
                var sum = Vec8.zero
                for block in 0..<a.blocks {
                    let pa = a.pointer(block: block, y: y, x: 0), pb = b.pointer(block: block, y: bRow + y - rows.lowerBound, x: 0)
                    for x in 0..<w {
                        let d = load8(pa + 8 * x) - load8(pb + 8 * x)
                        sum += Vec8(repeating: tr[x]) * d * d
                    }
                }
                total += SIMD8<Double>(sum).sum()
            }
        }
        return total
    }

    /// grad[rows] += k · guide · (a − b): the gradient of (k/2) · `sumOfSquares` (rows as there).
    public static func gradient(_ a: BlockedTensor, rows: Range<Int>, _ b: BlockedTensor, bRow: Int, guide: [Float],
                                k: Double, into grad: BlockedTensor) {
        check(a, b, guide, rows, bRow)
        precondition(grad.shape == a.shape, "PixelWeights.gradient: shapes")
        let w = a.shape.width, kf = Float(k)
        guide.withUnsafeBufferPointer { t in
            for block in 0..<a.blocks {
                for y in rows {
                    let pa = a.pointer(block: block, y: y, x: 0), pb = b.pointer(block: block, y: bRow + y - rows.lowerBound, x: 0)
                    let pg = grad.pointer(block: block, y: y, x: 0)
                    let tr = t.baseAddress! + (bRow + y - rows.lowerBound) * w
                    for x in 0..<w {
                        let g = Vec8(repeating: kf * tr[x]) * (load8(pa + 8 * x) - load8(pb + 8 * x))
                        store8(load8(pg + 8 * x) + g, pg + 8 * x)
                    }
                }
            }
        }
    }

    /// `a`'s rows `rows` and `b`'s (the same rows, or the whole map's from `row` on) fit, and the guide covers the
    /// whole map's rows from `row` on.
    private static func check(_ a: BlockedTensor, _ b: BlockedTensor, _ guide: [Float], _ rows: Range<Int>, _ row: Int) {
        precondition(a.blocks == b.blocks && a.shape.width == b.shape.width && rows.lowerBound >= 0
            && rows.upperBound <= a.shape.height && row >= 0 && guide.count % a.shape.width == 0
            && row + rows.count <= guide.count / a.shape.width, "PixelWeights: the rows or the guide do not fit")
    }
}
