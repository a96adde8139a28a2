// ConvTile: the register-tiled inner loops of every convolution-shaped product — P pixels × 16 output channels
// (P accumulators of 16 floats), summed over a chunk of input-channel blocks of a K×K window (K = 3: the direct
// convolution; K = 1: the 1×1 products of Winograd and of the Gram backward) — and the row of tiles around it.

/// Where a tile's accumulators start: the bias (first input chunk) or the partial sums already in the output.
public enum TileStart {
    case bias(UnsafePointer<Float>)   // 16 values
    case output
}

/// The operands of a row of tiles: pixels 8 floats apart in input and output (`[block][pixel][8]`).
public struct TileOperands {
    /// Block 0 of the chunk at the top-left of the first pixel's K×K window.
    public var input: UnsafePointer<Float>
    public var blockStride: Int, rowStride: Int
    /// Input blocks in the chunk.
    public var blocks: Int
    public var kernelSize: Int
    /// The pair's packed weights for the chunk, `[blocks][K][K][8][16]`.
    public var weights: UnsafePointer<Float>
    /// The two output blocks (channels 0…7 and 8…15 of the pair).
    public var out0: UnsafeMutablePointer<Float>, out1: UnsafeMutablePointer<Float>
    public var start: TileStart
    public var relu: Bool

    @inlinable
    public init(input: UnsafePointer<Float>, blockStride: Int, rowStride: Int, blocks: Int, kernelSize: Int,
                weights: UnsafePointer<Float>, out0: UnsafeMutablePointer<Float>, out1: UnsafeMutablePointer<Float>,
                start: TileStart, relu: Bool) {
        (self.input, self.blockStride, self.rowStride, self.blocks) = (input, blockStride, rowStride, blocks)
        (self.kernelSize, self.weights, self.out0, self.out1) = (kernelSize, weights, out0, out1)
        (self.start, self.relu) = (start, relu)
    }
}

/// How many lanes of each input block a product reads: 8 (every layer), or 3 (a first layer's RGB, whose block holds
/// 3 channels and 5 zeros: its weights are packed `[K][K][3][16]`, 27 multiply-adds a pixel instead of 72).
public protocol InputLanes { static var count: Int { get } }
public enum EightLanes: InputLanes { @inlinable public static var count: Int { 8 } }
public enum ThreeLanes: InputLanes { @inlinable public static var count: Int { 3 } }

/// One tile: pixels `at`…`at`+P−1 of the row. Sum order per output: block by block, ky, kx, input lane — the same
/// for every P and every target, so targets with FMA give the same bits whatever their tile. The accumulators are
/// the fields of `P` (an array of them, indexed in a loop the compiler did not unroll, stayed on the stack and ran
/// at a third of the speed).
@inlinable @inline(__always)
func convTile<T: KernelTarget, P: PixelTile, L: InputLanes>(_ t: T.Type, _: P.Type, _: L.Type, _ o: TileOperands,
                                                            at x: Int) {
    let out0 = o.out0 + 8 * x, out1 = o.out1 + 8 * x
    var acc: P
    switch o.start {
    case .bias(let b): acc = P(repeating: load16(b))
    case .output: acc = P(out0: out0, out1: out1)
    }
    var w = o.weights
    var block = o.input + 8 * x
    for _ in 0..<o.blocks {
        var row = block
        for _ in 0..<o.kernelSize {
            var q = row
            for _ in 0..<o.kernelSize {
                for ci in 0..<L.count {
                    acc.multiplyAdd(t, q + ci, load16(w))
                    w += 16
                }
                q += 8
            }
            row += o.rowStride
        }
        block += o.blockStride
    }
    acc.store(out0, out1, floor: Vec16(repeating: o.relu ? 0 : -.infinity))   // ReLU: nothing is below −∞
}

/// `count` consecutive pixels: tiles of the target's width, then 4-pixel tiles, then single pixels for the rest.
@inlinable @inline(__always)
func convRow<T: KernelTarget, L: InputLanes>(_ t: T.Type, _ l: L.Type, _ o: TileOperands, count: Int) {
    var x = tiles(t, T.Tile.self, l, o, from: 0, count: count)
    if T.Tile.count > 4 { x = tiles(t, Pixels4.self, l, o, from: x, count: count) }
    _ = tiles(t, Pixels1.self, l, o, from: x, count: count)
}

/// Tiles of P pixels from `x` on while a whole tile fits; returns where they stopped.
@inlinable @inline(__always)
func tiles<T: KernelTarget, P: PixelTile, L: InputLanes>(_ t: T.Type, _ p: P.Type, _ l: L.Type, _ o: TileOperands,
                                                         from x: Int, count: Int) -> Int {
    var x = x
    while x + P.count <= count {
        convTile(t, p, l, o, at: x)
        x += P.count
    }
    return x
}
