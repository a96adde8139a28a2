// ConvMicroKernel: the register-tiled f32 inner loops of the direct convolution, 4 pixels × 16 output channels
// (8 AVX2 accumulators) and a 1-pixel × 16-channel twin for maps narrower than 4.

typealias Vec8 = SIMD8<Float>

@inline(__always) func load8(_ p: UnsafePointer<Float>) -> Vec8 {
    UnsafeRawPointer(p).loadUnaligned(as: Vec8.self)
}

@inline(__always) func store8(_ v: Vec8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vec8.self)
}

/// Where a tile's accumulators start: the bias (first input chunk) or the partial sums already in the output.
enum TileStart {
    case bias(UnsafePointer<Float>)   // 16 values
    case output
}

/// One tile: output pixels x0…x0+3 of one row, 16 output channels (blocks `out0`, `out1`), summed over a chunk of
/// `blocks` input blocks. 8 accumulators + 2 weight vectors + up to 4 broadcasts fit AVX2's 16 registers whatever
/// order the compiler schedules them in (a 6-pixel tile spilled accumulators to the stack).
///
/// - `input`: block 0 of the chunk, at the top-left of the first pixel's K×K window (padded coordinates).
/// - `weights`: the pair's packed weights for that block, `[blocks][K][K][8][16]`.
/// - `storeFrom`: columns before it are computed but not stored (a tail tile shifted left over columns an earlier
///   tile already finished: each stored output is still summed once, in the same order).
/// Sum order per output: chunk by chunk, block by block, ky, kx, input lane: fixed, whatever the thread count.
@inline(__always)
func convTile4x16(input: UnsafePointer<Float>, blockStride: Int, rowStride: Int, blocks: Int, kernelSize k: Int,
                  weights: UnsafePointer<Float>, out0: UnsafeMutablePointer<Float>,
                  out1: UnsafeMutablePointer<Float>, start: TileStart, relu: Bool, storeFrom: Int) {
    var a00, a01, a02, a03, a10, a11, a12, a13: Vec8
    switch start {
    case .bias(let b):
        let b0 = load8(b), b1 = load8(b + 8)
        (a00, a01, a02, a03) = (b0, b0, b0, b0)
        (a10, a11, a12, a13) = (b1, b1, b1, b1)
    case .output:
        a00 = load8(out0); a01 = load8(out0 + 8); a02 = load8(out0 + 16); a03 = load8(out0 + 24)
        a10 = load8(out1); a11 = load8(out1 + 8); a12 = load8(out1 + 16); a13 = load8(out1 + 24)
    }
    var w = weights
    var block = input
    for _ in 0..<blocks {
        var row = block
        for _ in 0..<k {
            var p = row
            for _ in 0..<k {
                for ci in 0..<8 {
                    let w0 = load8(w), w1 = load8(w + 8)
                    w += 16
                    var b = Vec8(repeating: p[ci])
                    a00 = a00.addingProduct(b, w0); a10 = a10.addingProduct(b, w1)
                    b = Vec8(repeating: p[8 + ci])
                    a01 = a01.addingProduct(b, w0); a11 = a11.addingProduct(b, w1)
                    b = Vec8(repeating: p[16 + ci])
                    a02 = a02.addingProduct(b, w0); a12 = a12.addingProduct(b, w1)
                    b = Vec8(repeating: p[24 + ci])
                    a03 = a03.addingProduct(b, w0); a13 = a13.addingProduct(b, w1)
                }
                p += 8
            }
            row += rowStride
        }
        block += blockStride
    }
    if relu {
        a00 = relu8(a00); a01 = relu8(a01); a02 = relu8(a02); a03 = relu8(a03)
        a10 = relu8(a10); a11 = relu8(a11); a12 = relu8(a12); a13 = relu8(a13)
    }
    if storeFrom <= 0 { store8(a00, out0); store8(a10, out1) }
    if storeFrom <= 1 { store8(a01, out0 + 8); store8(a11, out1 + 8) }
    if storeFrom <= 2 { store8(a02, out0 + 16); store8(a12, out1 + 16) }
    store8(a03, out0 + 24); store8(a13, out1 + 24)
}

/// max(v, 0) per lane (the generic pointwiseMax is not inlined).
@inline(__always) func relu8(_ v: Vec8) -> Vec8 { v.replacing(with: 0, where: v .< 0) }

/// The same sum for a single output pixel (maps narrower than 4): 2 accumulators, same order.
@inline(__always)
func convTile1x16(input: UnsafePointer<Float>, blockStride: Int, rowStride: Int, blocks: Int, kernelSize k: Int,
                  weights: UnsafePointer<Float>, out0: UnsafeMutablePointer<Float>,
                  out1: UnsafeMutablePointer<Float>, start: TileStart, relu: Bool) {
    var a0: Vec8, a1: Vec8
    switch start {
    case .bias(let b): a0 = load8(b); a1 = load8(b + 8)
    case .output: a0 = load8(out0); a1 = load8(out1)
    }
    var w = weights
    var block = input
    for _ in 0..<blocks {
        var row = block
        for _ in 0..<k {
            var p = row
            for _ in 0..<k {
                for ci in 0..<8 {
                    let b = Vec8(repeating: p[ci])
                    a0 = a0.addingProduct(b, load8(w)); a1 = a1.addingProduct(b, load8(w + 8))
                    w += 16
                }
                p += 8
            }
            row += rowStride
        }
        block += blockStride
    }
    if relu { a0 = relu8(a0); a1 = relu8(a1) }
    store8(a0, out0)
    store8(a1, out1)
}
