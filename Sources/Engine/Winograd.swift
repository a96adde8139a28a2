// Winograd F(2×2, 3×3) convolution (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2015):
// each 2×2 block of outputs costs 16 multiplies per input/output channel pair instead of 36. Inputs are cut into
// 4×4 tiles (stride 2) and transformed, V = Bᵀ d B; the weights were transformed once, U = G g Gᵀ; the 16 products
// M_ξ = U_ξ · V_ξ are matrix products over channels, run by the convolution micro-kernel; Y = Aᵀ M A gives the
// outputs. Its transforms use only ±1 and ½, so it stays within the direct kernel's tolerances (tested).

import Foundation

/// Weights transformed for Winograd F(2×2, 3×3): `[16][Cout/16][Cin/8][8][16]` Float32, and the bias.
public final class WinogradWeights: @unchecked Sendable {
    public let inChannels: Int, outChannels: Int
    let inBlocks: Int, outPairs: Int
    let data: UnsafeMutablePointer<Float>
    let bias: UnsafeMutablePointer<Float>

    /// Transforms OIHW 3×3 `weights` (`[out][in][3][3]`) and `bias` (`out` values, or empty).
    public init(oihw weights: [Float], bias: [Float], inChannels: Int, outChannels: Int) {
        precondition(weights.count == outChannels * inChannels * 9 && (bias.isEmpty || bias.count == outChannels))
        self.inChannels = inChannels
        self.outChannels = outChannels
        inBlocks = (inChannels + 7) / 8
        outPairs = (outChannels + 15) / 16
        let count = 16 * outPairs * inBlocks * 128
        data = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64).bindMemory(to: Float.self,
                                                                                                  capacity: count)
        data.initialize(repeating: 0, count: count)
        self.bias = .allocate(capacity: outPairs * 16)
        self.bias.initialize(repeating: 0, count: outPairs * 16)
        for (o, b) in bias.enumerated() { self.bias[o] = b }
        let g: [[Double]] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
        for o in 0..<outChannels {
            for i in 0..<inChannels {
                let k = (0..<9).map { Double(weights[(o * inChannels + i) * 9 + $0]) }
                // U = G k Gᵀ, in Double, rounded once.
                for r in 0..<4 {
                    for c in 0..<4 {
                        var u = 0.0
                        for a in 0..<3 { for b in 0..<3 { u += g[r][a] * k[a * 3 + b] * g[c][b] } }
                        data[(((r * 4 + c) * outPairs + o / 16) * inBlocks + i / 8) * 128 + (i % 8) * 16 + o % 16] = Float(u)
                    }
                }
            }
        }
    }

    deinit {
        data.deallocate()
        bias.deallocate()
    }
}

/// Scratch memory made for the largest request so far and reused: the Winograd bands of every layer share one,
/// so an evaluation at one size allocates it once. A caller that finds it in use (another thread's convolution)
/// gets scratch of its own for that call.
final class SharedScratch: @unchecked Sendable {
    // `buffer` and `count` are only touched while `lock` is held.
    private let lock = NSLock()
    private var buffer: UnsafeMutablePointer<Float>?
    private var count = 0

    static let winograd = SharedScratch()

    /// Calls `body` with scratch of at least `floats` floats.
    func with(_ floats: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) {
        guard lock.try() else {
            let own = UnsafeMutablePointer<Float>.allocate(capacity: floats)
            defer { own.deallocate() }
            return body(own)
        }
        defer { lock.unlock() }
        if count < floats {
            buffer?.deallocate()
            buffer = .allocate(capacity: floats)
            count = floats
        }
        body(buffer!)
    }
}

enum WinogradConv {
    /// Tiles handled per band: the transformed band (16 × (Cin + Cout) × tiles floats) is kept near 1 MiB so it
    /// stays in L2 between the three phases, but never under 64 tiles, so each weight panel serves many tiles.
    static func tilesPerBand(inBlocks: Int, outBlocks: Int) -> Int {
        max(64, min(1024, (1 << 20) / (16 * (inBlocks + outBlocks) * 32)))
    }

    /// output (+)= conv3x3(input) (+ bias) (ReLU), zero padding 1, through Winograd F(2×2, 3×3).
    static func run(input: BlockedTensor, output: BlockedTensor, weights: WinogradWeights, relu: Bool,
                    accumulate: Bool, parallel: Parallel) {
        let (h, w) = (output.shape.height, output.shape.width)
        let (tilesY, tilesX) = ((h + 1) / 2, (w + 1) / 2)
        let inBlocks = weights.inBlocks, outBlocks = 2 * weights.outPairs, pairs = weights.outPairs
        let bandTiles = tilesPerBand(inBlocks: inBlocks, outBlocks: outBlocks)
        let bandRows = max(1, min(tilesY, (bandTiles + tilesX - 1) / tilesX))
        let n = bandRows * tilesX
        let (vCount, mCount) = (16 * inBlocks * n * 8, 16 * outBlocks * n * 8)
        let bands = (tilesY + bandRows - 1) / bandRows
        // Many bands: each worker transforms, multiplies and writes whole bands in scratch of its own, so a band's
        // data never leaves its core and no phase waits for another worker. Few bands (small maps): all workers
        // share each band, phase by phase. The scratch: 16 zeros, then each worker's V and M.
        let workers = bands >= 2 * parallel.workers ? min(parallel.workers, bands) : 1
        SharedScratch.winograd.with(16 + workers * (vCount + mCount)) { scratch in
            let zeros = scratch
            zeros.update(repeating: 0, count: 16)
            if workers > 1 {
                parallel.forEachWorker(bands) { worker, band in
                    let v = scratch + 16 + worker * (vCount + mCount)
                    band3(ty0: band * bandRows, v: v, m: v + vCount, zeros: zeros, serial: .serial)
                }
            } else {
                for ty0 in stride(from: 0, to: tilesY, by: bandRows) {
                    band3(ty0: ty0, v: scratch + 16, m: scratch + 16 + vCount, zeros: zeros, serial: parallel)
                }
            }
        }

        /// The three phases over the band of tile rows starting at `ty0`, with scratch `v` and `m`.
        func band3(ty0: Int, v: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>,
                   zeros: UnsafeMutablePointer<Float>, serial parallel: Parallel) {
            let rows = min(bandRows, tilesY - ty0)
            let tiles = rows * tilesX
            // 1. V[ξ][icBlock][tile] = Bᵀ d B for every 4×4 input tile of the band.
            parallel.forEach(inBlocks * rows) { item in
                let (block, r) = (item / rows, item % rows)
                inputTransform(input, block: block, tileRow: ty0 + r, tilesX: tilesX,
                               into: v + (block * n + r * tilesX) * 8, xiStride: inBlocks * n * 8)
            }
            // 2. M[ξ][ocBlock][tile] = Σ_ic U[ξ] V[ξ]: 16 independent products, split by ξ and output pair.
            parallel.forEach(16 * pairs) { item in
                let (xi, pair) = (item / pairs, item % pairs)
                product(v: v + xi * inBlocks * n * 8, u: weights.data + xi * pairs * inBlocks * 128,
                        m: m + xi * outBlocks * n * 8, pair: pair, inBlocks: inBlocks, tiles: tiles, n: n,
                        zeros: zeros)
            }
            // 3. Y = Aᵀ M A (+ bias, ReLU) into the output.
            parallel.forEach(outBlocks * rows) { item in
                let (block, r) = (item / rows, item % rows)
                guard block < output.blocks else { return }
                outputTransform(m + (block * n + r * tilesX) * 8, xiStride: outBlocks * n * 8,
                                bias: weights.bias + 8 * block, output: output, block: block, tileRow: ty0 + r,
                                tilesX: tilesX, relu: relu, accumulate: accumulate)
            }
        }
    }

    /// One tile row of one channel block: 4×4 patches at padded rows 2ty…2ty+3 (zero beyond the border).
    @inline(__always)
    static func inputTransform(_ x: BlockedTensor, block: Int, tileRow ty: Int, tilesX: Int,
                               into out: UnsafeMutablePointer<Float>, xiStride: Int) {
        let (h, w) = (x.shape.height, x.shape.width)
        let base = x.base + block * x.blockStride
        // Scratch on the stack (a Swift array here would allocate per tile).
        withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 32) { scratch in
        let d = scratch.baseAddress!, t = d + 16
        for tx in 0..<tilesX {
            let interior = 2 * ty + 3 <= h + 1 && 2 * tx + 3 <= w + 1
            for r in 0..<4 {
                let py = 2 * ty + r
                for c in 0..<4 {
                    let px = 2 * tx + c
                    d[r * 4 + c] = interior || (py <= h + 1 && px <= w + 1)
                        ? load8(base + py * x.rowStride + px * 8) : .zero
                }
            }
            // t = Bᵀ d (rows), then V = t B (columns).
            for c in 0..<4 {
                t[c] = d[c] - d[8 + c]; t[4 + c] = d[4 + c] + d[8 + c]
                t[8 + c] = d[8 + c] - d[4 + c]; t[12 + c] = d[4 + c] - d[12 + c]
            }
            let o = out + tx * 8
            for r in 0..<4 {
                let row = 4 * r
                store8(t[row] - t[row + 2], o + (row + 0) * xiStride)
                store8(t[row + 1] + t[row + 2], o + (row + 1) * xiStride)
                store8(t[row + 2] - t[row + 1], o + (row + 2) * xiStride)
                store8(t[row + 1] - t[row + 3], o + (row + 3) * xiStride)
            }
        }
        }
    }

    /// M (one ξ, one output pair) = Σ over input blocks of V · U, 4 tiles × 16 channels per micro-tile.
    @inline(__always)
    static func product(v: UnsafeMutablePointer<Float>, u: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>,
                        pair: Int, inBlocks: Int, tiles: Int, n: Int, zeros: UnsafeMutablePointer<Float>) {
        let chunk = 32   // 32 blocks of 8×16 weights: 16 KiB, resident in L1 across the band's tiles
        let out0 = m + 2 * pair * n * 8, out1 = m + (2 * pair + 1) * n * 8
        for c0 in stride(from: 0, to: inBlocks, by: chunk) {
            let blocks = min(chunk, inBlocks - c0)
            let wp = UnsafePointer(u + (pair * inBlocks + c0) * 128)
            let vp = UnsafePointer(v + c0 * n * 8)
            let start: TileStart = c0 == 0 ? .bias(UnsafePointer(zeros)) : .output
            if tiles >= 4 {
                var t = 0
                while t < tiles {
                    let t0 = min(t, tiles - 4)
                    convTile4x16(input: vp + t0 * 8, blockStride: n * 8, rowStride: 0, blocks: blocks, kernelSize: 1,
                                 weights: wp, out0: out0 + t0 * 8, out1: out1 + t0 * 8, start: start, relu: false,
                                 storeFrom: t - t0)
                    t += 4
                }
            } else {
                for t in 0..<tiles {
                    convTile1x16(input: vp + t * 8, blockStride: n * 8, rowStride: 0, blocks: blocks, kernelSize: 1,
                                 weights: wp, out0: out0 + t * 8, out1: out1 + t * 8, start: start, relu: false)
                }
            }
        }
    }

    /// Y = Aᵀ M A for one tile row of one output block, plus bias, ReLU, into (or added to) the output.
    @inline(__always)
    static func outputTransform(_ m: UnsafeMutablePointer<Float>, xiStride: Int, bias: UnsafeMutablePointer<Float>,
                                output: BlockedTensor, block: Int, tileRow ty: Int, tilesX: Int, relu: Bool,
                                accumulate: Bool) {
        let (h, w) = (output.shape.height, output.shape.width)
        let b = accumulate ? Vec8.zero : load8(bias)
        withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 24) { scratch in
        let q = scratch.baseAddress!, s = q + 16
        for tx in 0..<tilesX {
            for xi in 0..<16 { q[xi] = load8(m + xi * xiStride + tx * 8) }
            // s = Aᵀ q (rows 0, 1), then y = s A (columns).
            for c in 0..<4 {
                s[c] = q[c] + q[4 + c] + q[8 + c]
                s[4 + c] = q[4 + c] - q[8 + c] - q[12 + c]
            }
            for r in 0..<2 {
                let y = 2 * ty + r
                if y >= h { continue }
                let row = output.pointer(block: block, y: y, x: 0)
                for c in 0..<2 {
                    let x = 2 * tx + c
                    if x >= w { continue }
                    var value = (c == 0 ? s[4 * r] + s[4 * r + 1] + s[4 * r + 2]
                                        : s[4 * r + 1] - s[4 * r + 2] - s[4 * r + 3]) + b
                    if accumulate { value += load8(row + 8 * x) }
                    if relu { value = relu8(value) }
                    store8(value, row + 8 * x)
                }
            }
        }
        }
    }
}
