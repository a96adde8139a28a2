// Pooling: 2×2, stride 2 max and average pooling over BlockedTensors, each with its backward. Odd sizes round
// down (PyTorch's and Keras's default): the last row or column of an odd map is not pooled and gets no gradient.

import Kernels

/// Which pixel of each 2×2 window held the maximum (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right),
/// per output element: the tape MaxPool2D.forward writes and MaxPool2D.backward needs.
/// Layout `[C/8][Ho][Wo][8]`, the positions held as Float so that selecting with them stays in Float SIMD
/// comparisons (Int32 SIMD comparisons were not inlined and made the backward 20× slower); allocated once per shape.
public final class MaxPoolArgmax: @unchecked Sendable {
    /// The pooled (output) shape.
    public let shape: Shape
    let indices: UnsafeMutablePointer<Vec8>
    let count: Int

    public init(_ outputShape: Shape) {
        shape = outputShape
        count = (outputShape.channels + 7) / 8 * outputShape.pixels
        indices = .allocate(capacity: count)
        indices.initialize(repeating: Vec8.zero, count: count)
    }

    deinit { indices.deallocate() }

    /// The window position of channel `c`'s maximum at output pixel (`y`, `x`).
    public subscript(c: Int, y: Int, x: Int) -> Int {
        Int(indices[((c / 8) * shape.height + y) * shape.width + x][c % 8])
    }
}

/// The output shape of 2×2 stride-2 pooling: each side halved, rounding down.
public func pooledShape(_ shape: Shape) -> Shape {
    precondition(shape.height >= 2 && shape.width >= 2, "pooling needs at least 2×2, got \(shape)")
    return Shape(channels: shape.channels, height: shape.height / 2, width: shape.width / 2)
}

/// 2×2 max pooling, stride 2.
public enum MaxPool2D {
    /// output = max of each window; `argmax` records where (the first maximum in row-major order on ties, as
    /// PyTorch). Overwrites both.
    public static func forward(_ input: BlockedTensor, into output: BlockedTensor, argmax: MaxPoolArgmax,
                               parallel: Parallel = .serial) {
        precondition(output.shape == pooledShape(input.shape) && argmax.shape == output.shape, "MaxPool2D shapes")
        let (ho, wo) = (output.shape.height, output.shape.width)
        parallel.forEach(output.blocks * ho) { item in
            let (b, y) = (item / ho, item % ho)
            let top = input.pointer(block: b, y: 2 * y, x: 0), bottom = top + input.rowStride
            let out = output.pointer(block: b, y: y, x: 0)
            let idx = argmax.indices + (b * ho + y) * wo
            for x in 0..<wo {
                var m = load8(top + 16 * x)
                var at = Vec8.zero
                // Strictly greater: on ties the first position in row-major order keeps the maximum.
                @inline(__always) func challenge(_ v: Vec8, _ k: Float) {
                    let greater = v .> m
                    m.replace(with: v, where: greater)
                    at.replace(with: k, where: greater)
                }
                challenge(load8(top + 16 * x + 8), 1)
                challenge(load8(bottom + 16 * x), 2)
                challenge(load8(bottom + 16 * x + 8), 3)
                store8(m, out + 8 * x)
                idx[x] = at
            }
        }
    }

    /// gradInput = gradOutput routed to each window's maximum, zero elsewhere. Overwrites `gradInput`'s interior,
    /// or adds to it with `accumulate`.
    public static func backward(_ gradOutput: BlockedTensor, argmax: MaxPoolArgmax, into gradInput: BlockedTensor,
                                accumulate: Bool = false, parallel: Parallel = .serial) {
        precondition(gradOutput.shape == pooledShape(gradInput.shape) && argmax.shape == gradOutput.shape, "shapes")
        let (ho, wo) = (gradOutput.shape.height, gradOutput.shape.width)
        eachWindowRow(gradInput, clear: !accumulate, parallel) { b, y, top in
            guard y < ho else { return }
            let g = gradOutput.pointer(block: b, y: y, x: 0)
            let idx = argmax.indices + (b * ho + y) * wo
            let below = top + gradInput.rowStride
            for x in 0..<wo {
                let v = load8(g + 8 * x), at = idx[x]
                let z = Vec8.zero
                @inline(__always) func put(_ k: Float, _ p: UnsafeMutablePointer<Float>) {
                    let routed = z.replacing(with: v, where: at .== Vec8(repeating: k))
                    store8(accumulate ? load8(p) + routed : routed, p)
                }
                put(0, top + 16 * x); put(1, top + 16 * x + 8); put(2, below + 16 * x); put(3, below + 16 * x + 8)
            }
        }
    }
}

/// 2×2 average pooling, stride 2.
public enum AvgPool2D {
    /// output = mean of each window. Overwrites `output`.
    public static func forward(_ input: BlockedTensor, into output: BlockedTensor, parallel: Parallel = .serial) {
        precondition(output.shape == pooledShape(input.shape), "AvgPool2D shapes")
        let (ho, wo) = (output.shape.height, output.shape.width)
        parallel.forEach(output.blocks * ho) { item in
            let (b, y) = (item / ho, item % ho)
            let top = input.pointer(block: b, y: 2 * y, x: 0), bottom = top + input.rowStride
            let out = output.pointer(block: b, y: y, x: 0)
            for x in 0..<wo {
                let s = (load8(top + 16 * x) + load8(top + 16 * x + 8)) + (load8(bottom + 16 * x) + load8(bottom + 16 * x + 8))
                store8(s * 0.25, out + 8 * x)
            }
        }
    }

    /// gradInput = gradOutput / 4 spread over each window, zero on an odd map's last row or column.
    /// Overwrites `gradInput`'s interior, or adds to it with `accumulate`.
    public static func backward(_ gradOutput: BlockedTensor, into gradInput: BlockedTensor, accumulate: Bool = false,
                                parallel: Parallel = .serial) {
        precondition(gradOutput.shape == pooledShape(gradInput.shape), "AvgPool2D shapes")
        let (ho, wo) = (gradOutput.shape.height, gradOutput.shape.width)
        eachWindowRow(gradInput, clear: !accumulate, parallel) { b, y, top in
            guard y < ho else { return }
            let g = gradOutput.pointer(block: b, y: y, x: 0)
            let below = top + gradInput.rowStride
            for x in 0..<wo {
                let v = load8(g + 8 * x) * 0.25
                @inline(__always) func put(_ p: UnsafeMutablePointer<Float>) { store8(accumulate ? load8(p) + v : v, p) }
                put(top + 16 * x); put(top + 16 * x + 8); put(below + 16 * x); put(below + 16 * x + 8)
            }
        }
    }
}

/// For each channel block and each pair of input rows a pooling window spans (the last single row of an odd map
/// included): `body(block, windowRow, pointer to the pair's first row)`, after zeroing the rows when `clear`.
/// Windows rows beyond the pooled height get only the zeroing: an odd map's last row has no gradient.
@inline(__always)
func eachWindowRow(_ gradInput: BlockedTensor, clear: Bool, _ parallel: Parallel,
                   _ body: (Int, Int, UnsafeMutablePointer<Float>) -> Void) {
    let (h, w) = (gradInput.shape.height, gradInput.shape.width)
    let pairs = (h + 1) / 2
    parallel.forEach(gradInput.blocks * pairs) { item in
        let (b, y) = (item / pairs, item % pairs)
        let top = gradInput.pointer(block: b, y: 2 * y, x: 0)
        if clear {
            for r in 0..<(2 * y + 1 < h ? 2 : 1) { (top + r * gradInput.rowStride).update(repeating: 0, count: w * 8) }
        }
        body(b, y, top)
    }
}
