// ConvBorder: the gradient of a 3×3 convolution with respect to its input's one-pixel border (the padding). Zero
// padding needs none; a padding copied from the map (PaddingMode) folds it back onto the pixels it copied.

import Kernels

/// A 3×3 convolution's weights as the border gradient reads them: `[9 taps][Cout][Cin/8][8]` Float32, missing
/// input channels zero.
final class BorderConvWeights: @unchecked Sendable {
    let inBlocks: Int
    let outChannels: Int
    let data: UnsafeMutablePointer<Float>

    /// `weights` in OIHW order `[outChannels][inChannels][3][3]`.
    init(oihw weights: [Float], inChannels: Int, outChannels: Int) {
        inBlocks = (inChannels + 7) / 8
        self.outChannels = outChannels
        let count = 9 * outChannels * inBlocks * 8
        data = UnsafeMutablePointer<Float>.allocate(capacity: count)
        data.initialize(repeating: 0, count: count)
        for o in 0..<outChannels {
            for i in 0..<inChannels {
                for t in 0..<9 { data[(t * outChannels + o) * inBlocks * 8 + i] = weights[(o * inChannels + i) * 9 + t] }
            }
        }
    }

    deinit { data.deallocate() }
}

enum BorderConv {
    /// Writes ∂L/∂(padded input) at each of `gradInput`'s border positions p: the sum over the taps (ky, kx) whose
    /// output pixel q = p − (ky, kx) + (1, 1) lies inside the map of Wᵀ[ky, kx] · gradOutput[q] (a side at most 3,
    /// a corner 1). The interior is left as it is. Each position is one work item.
    static func run(gradOutput: BlockedTensor, into gradInput: BlockedTensor, weights: BorderConvWeights,
                    parallel: Parallel) {
        let (h, w) = (gradOutput.shape.height, gradOutput.shape.width)
        let (inBlocks, outChannels) = (weights.inBlocks, weights.outChannels)
        precondition(gradInput.blocks == inBlocks && gradOutput.shape.channels == outChannels, "BorderConv: shapes")
        let kernels = InstructionSet.kernels
        parallel.forEach(2 * (w + 2) + 2 * h) { k in
            let (y, x) = borderPosition(k, height: h, width: w)
            withUnsafeTemporaryAllocation(of: Vec8.self, capacity: inBlocks) { acc in
                let sum = acc.baseAddress!
                sum.initialize(repeating: .zero, count: inBlocks)
                for ky in 0..<3 where (0..<h).contains(y - ky + 1) {
                    for kx in 0..<3 where (0..<w).contains(x - kx + 1) {
                        let (qy, qx) = (y - ky + 1, x - kx + 1)
                        let taps = weights.data + (ky * 3 + kx) * outChannels * inBlocks * 8
                        for o in 0..<outChannels {
                            let g = gradOutput.pointer(block: o / 8, y: qy, x: qx)[o % 8]
                            if g == 0 { continue }   // ReLU's backward leaves many
                            kernels.scaledAdd(sum, g, taps + o * inBlocks * 8, blocks: inBlocks)
                        }
                    }
                }
                for b in 0..<inBlocks { store8(sum[b], gradInput.pointer(block: b, y: y, x: x)) }
            }
        }
    }

    /// Border position `k` of a padded h×w map: the top row (−1, −1…w), the bottom row (h, −1…w), then the left
    /// and right ends of every interior row.
    @inline(__always) static func borderPosition(_ k: Int, height h: Int, width w: Int) -> (y: Int, x: Int) {
        if k < w + 2 { return (-1, k - 1) }
        if k < 2 * (w + 2) { return (h, k - (w + 2) - 1) }
        let r = k - 2 * (w + 2)
        return (r / 2, r % 2 == 0 ? -1 : w)
    }
}
