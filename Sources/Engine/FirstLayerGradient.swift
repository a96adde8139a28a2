// The input gradient of a first layer (3 input channels: the picture's RGB). As a convolution it has 3 outputs in a
// tile of 16 (9 % of the FMA peak); here it is a 1×1 product and a gather. For every pixel of the output gradient g
// (Cout channels), Q[t·3 + c] = Σ_o W[o][c][t] g[o] — 27 values, one per tap t = ky·3 + kx and input channel c, on
// the tile kernel with 27 of its 32 outputs used — then the picture's gradient gathers them:
// dx[c][y][x] = Σ_t Q[t·3 + c] at (y + 1 − ky, x + 1 − kx). Q lives only for a band of rows (and its two halo
// rows), in scratch made once.

import Kernels

/// The packed weights of a first layer's input gradient: `[2 pairs][Cout/8][8][16]`, output q = t·3 + c.
package final class FirstLayerGradient: @unchecked Sendable {
    let outChannels: Int
    let weights: PackedConvWeights

    /// `oihw`: the layer's weights `[Cout][3][3][3]`.
    init(oihw: [Float], outChannels: Int) {
        self.outChannels = outChannels
        var q = [Float](repeating: 0, count: 27 * outChannels)
        for o in 0..<outChannels {
            for c in 0..<3 {
                for t in 0..<9 { q[(t * 3 + c) * outChannels + o] = oihw[(o * 3 + c) * 9 + t] }
            }
        }
        weights = PackedConvWeights(oihw: q, bias: [], inChannels: outChannels, outChannels: 27, kernelSize: 1)
    }

    /// Rows of the picture's gradient per band (each band recomputes Q for 2 halo rows); the bands are dealt
    /// round-robin to the workers.
    package static let bandRows = 16
    static let scratch = SharedScratch()

    /// gradInput (+)= the input gradient of `gradOutput`, interior only (the border's share is the caller's).
    func run(gradOutput g: BlockedTensor, into dx: BlockedTensor, accumulate: Bool, parallel: Parallel) {
        let (h, w) = (dx.shape.height, dx.shape.width)
        let band = Self.bandRows, bands = (h + band - 1) / band
        let qRowStride = (w + 2) * 8, qBlockStride = (band + 2) * qRowStride, qCount = 4 * qBlockStride
        let workers = min(parallel.workers, bands)
        let kernels = InstructionSet.kernels
        let blocks = weights.inBlocks
        Self.scratch.with(16 + workers * qCount) { scratch in
            let zeros = scratch
            zeros.update(repeating: 0, count: 16)
            parallel.forEachWorker(bands) { worker, b in
                let q = scratch + 16 + worker * qCount
                let y0 = b * band, rows = min(band, h - y0)
                // Q for picture rows y0 − 1 … y0 + rows: row r of the scratch is picture row y0 − 1 + r; rows outside
                // the picture and the columns −1 and w are zeros.
                for r in 0..<(rows + 2) {
                    let y = y0 - 1 + r
                    for block in 0..<4 {
                        let row = q + block * qBlockStride + r * qRowStride
                        if y < 0 || y >= h {
                            row.update(repeating: 0, count: qRowStride)
                        } else {
                            row.update(repeating: 0, count: 8)
                            (row + (w + 1) * 8).update(repeating: 0, count: 8)
                        }
                    }
                    guard y >= 0 && y < h else { continue }
                    for pair in 0..<2 {
                        var chunk = 0
                        while chunk < blocks {
                            let n = min(32, blocks - chunk)
                            let operands = TileOperands(
                                input: UnsafePointer(g.pointer(block: chunk, y: y, x: 0)), blockStride: g.blockStride,
                                rowStride: 0, blocks: n, kernelSize: 1, weights: weights.pointer(pair: pair, block: chunk),
                                out0: q + (2 * pair) * qBlockStride + r * qRowStride + 8,
                                out1: q + (2 * pair + 1) * qBlockStride + r * qRowStride + 8,
                                start: chunk == 0 ? .bias(UnsafePointer(zeros)) : .output, relu: false)
                            kernels.convRow(operands, count: w)
                            chunk += n
                        }
                    }
                }
                // The gather: tap (ky, kx) of input channel c reads Q[t·3 + c] at scratch row (y − y0 + 2 − ky),
                // column x + 1 − kx (+1 for the zero column).
                for y in y0..<(y0 + rows) {
                    let out = dx.pointer(block: 0, y: y, x: 0)
                    for x in 0..<w {
                        var sum: (Float, Float, Float) = (0, 0, 0)
                        for ky in 0..<3 {
                            let row = q + (y - y0 + 2 - ky) * qRowStride + (x + 1) * 8
                            for kx in 0..<3 {
                                let t = ky * 3 + kx, p = row - kx * 8 + 8
                                @inline(__always) func tap(_ c: Int) -> Float {
                                    let channel = t * 3 + c
                                    return p[(channel / 8) * qBlockStride + channel % 8]
                                }
                                sum = (sum.0 + tap(0), sum.1 + tap(1), sum.2 + tap(2))
                            }
                        }
                        let o = out + 8 * x
                        if accumulate {
                            (o[0], o[1], o[2]) = (o[0] + sum.0, o[1] + sum.1, o[2] + sum.2)
                        } else {
                            (o[0], o[1], o[2]) = sum
                        }
                    }
                }
            }
        }
    }
}
