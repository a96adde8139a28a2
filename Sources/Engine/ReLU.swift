// ReLU: max(x, 0) and its gradient, over whole BlockedTensors (the zero border and padding map to zero).

import Kernels

/// The rectified linear unit. (VGG's convolutions fuse it into Conv2D.forward; this standalone pair serves the
/// rest and the tests.)
public enum ReLU {
    /// output = max(input, 0). Overwrites `output`.
    public static func forward(_ input: BlockedTensor, into output: BlockedTensor, parallel: Parallel = .serial) {
        precondition(input.shape == output.shape, "ReLU.forward: shapes differ")
        eachBlock(input.blocks, input.blockStride, parallel) { offset, count in
            let x = input.base + offset, y = output.base + offset
            for i in stride(from: 0, to: count, by: 8) { store8(relu8(load8(x + i)), y + i) }
        }
    }

    /// gradInput = gradOutput where output > 0, else 0 (as PyTorch's threshold_backward, from the forward's output).
    /// Overwrites `gradInput`; it may be the same tensor as `gradOutput`.
    public static func backward(_ gradOutput: BlockedTensor, output: BlockedTensor, into gradInput: BlockedTensor,
                                parallel: Parallel = .serial) {
        precondition(gradOutput.shape == output.shape && gradInput.shape == output.shape, "ReLU.backward: shapes")
        eachBlock(output.blocks, output.blockStride, parallel) { offset, count in
            let g = gradOutput.base + offset, y = output.base + offset, gi = gradInput.base + offset
            for i in stride(from: 0, to: count, by: 8) {
                let v = load8(g + i)
                store8(v.replacing(with: 0, where: load8(y + i) .<= 0), gi + i)
            }
        }
    }
}

/// Runs `body(offset, count)` over each channel block's floats (border included), blocks spread over workers.
@inline(__always)
func eachBlock(_ blocks: Int, _ blockStride: Int, _ parallel: Parallel, _ body: (Int, Int) -> Void) {
    parallel.forEach(blocks) { b in body(b * blockStride, blockStride) }
}
