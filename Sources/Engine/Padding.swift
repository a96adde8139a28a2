// Padding: what a 3×3 convolution sees beyond the edge of its input, held in the BlockedTensor's one-pixel border:
// zeros (VGG's own, Keras' padding='same'), the edge pixel repeated, or the map mirrored about its edge pixel (as
// PyTorch's F.pad modes 'replicate' and 'reflect'). Forward fills the border from the map; backward folds the
// border's gradient back onto the pixels it copied.

import Kernels

/// The values beyond the edge of a convolution's input.
public enum PaddingMode: String, Sendable, Codable, CaseIterable {
    /// Zeros: VGG's training padding (Keras' padding='same', PyTorch's padding=1).
    case zeros
    /// The edge pixel repeated (PyTorch's 'replicate').
    case replicate
    /// The map mirrored about its edge pixel: row −1 holds row 1 (PyTorch's 'reflect'). A side of one pixel has
    /// nothing to mirror and repeats it, as `replicate` (PyTorch refuses such a map).
    case reflect

    /// The interior index that border index `i` (−1 or `n`) copies on a side of `n` pixels; interior indices map to
    /// themselves. Meaningless for `zeros`.
    @inline(__always) public func source(_ i: Int, _ n: Int) -> Int {
        if i >= 0 && i < n { return i }
        if self == .reflect && n > 1 { return i < 0 ? 1 : n - 2 }
        return i < 0 ? 0 : n - 1
    }
}

extension BlockedTensor {
    /// Fills the border from the interior as `mode` pads (zeros: clears it). The padding channels stay zero.
    public func fillBorder(_ mode: PaddingMode) {
        guard mode != .zeros else { return clearBorder() }
        let (h, w) = (shape.height, shape.width)
        let (left, right) = (mode.source(-1, w), mode.source(w, w))
        let (top, bottom) = (mode.source(-1, h), mode.source(h, h))
        for b in 0..<blocks {
            // The side columns of every interior row, then whole padded rows (their corners come with them).
            for y in 0..<h {
                pointer(block: b, y: y, x: -1).update(from: pointer(block: b, y: y, x: left), count: 8)
                pointer(block: b, y: y, x: w).update(from: pointer(block: b, y: y, x: right), count: 8)
            }
            pointer(block: b, y: -1, x: -1).update(from: pointer(block: b, y: top, x: -1), count: rowStride)
            pointer(block: b, y: h, x: -1).update(from: pointer(block: b, y: bottom, x: -1), count: rowStride)
        }
    }

    /// The backward of `fillBorder`: adds the gradient held in the border to the pixels the border copied, then
    /// zeroes the border (zeros: only zeroes it). The reverse order of the fill: whole rows first, then columns.
    public func foldBorder(_ mode: PaddingMode) {
        guard mode != .zeros else { return clearBorder() }
        let (h, w) = (shape.height, shape.width)
        let (left, right) = (mode.source(-1, w), mode.source(w, w))
        let (top, bottom) = (mode.source(-1, h), mode.source(h, h))
        func add(_ from: UnsafeMutablePointer<Float>, to: UnsafeMutablePointer<Float>, count: Int) {
            for i in stride(from: 0, to: count, by: 8) { store8(load8(to + i) + load8(from + i), to + i) }
            from.update(repeating: 0, count: count)
        }
        for b in 0..<blocks {
            add(pointer(block: b, y: -1, x: -1), to: pointer(block: b, y: top, x: -1), count: rowStride)
            add(pointer(block: b, y: h, x: -1), to: pointer(block: b, y: bottom, x: -1), count: rowStride)
            for y in 0..<h {
                add(pointer(block: b, y: y, x: -1), to: pointer(block: b, y: y, x: left), count: 8)
                add(pointer(block: b, y: y, x: w), to: pointer(block: b, y: y, x: right), count: 8)
            }
        }
    }
}
