// Winograd convolution F(m×m, 3×3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2015), its
// matrices built from evaluation points (Kernels' WinogradTransform): each m×m block of outputs costs α² = (m + 2)²
// multiplies per input/output channel pair instead of 9m² (F(2×2): 16 instead of 36; F(4×4): 36 instead of 144).
// Inputs are cut into α×α tiles (stride m) and transformed, V = Bᵀ d B; the weights were transformed once, U = G g Gᵀ; the α² products M_ξ = U_ξ · V_ξ are
// matrix products over channels, run by the convolution tile kernel; Y = Aᵀ M A gives the outputs. The transforms
// are in the Kernels module (WinogradTransforms); their error against float64 is measured per layer (docs/engine.md).

import Foundation
import Kernels

/// Weights transformed for Winograd F(m×m, 3×3): `[α²][Cout/16][Cin/8][8][16]` Float32, and the bias.
public final class WinogradWeights: @unchecked Sendable {
    public let inChannels: Int, outChannels: Int
    /// The transform's matrices, as the kernels run them.
    public let kernel: WinogradKernel
    /// Outputs per tile side; α = m + 2 inputs per tile side.
    public var m: Int { kernel.transform.m }
    let inBlocks: Int, outPairs: Int
    let data: UnsafeMutablePointer<Float>
    let bias: UnsafeMutablePointer<Float>

    /// Transforms OIHW 3×3 `weights` (`[out][in][3][3]`) and `bias` (`out` values, or empty) for `transform`.
    public init(oihw weights: [Float], bias: [Float], inChannels: Int, outChannels: Int,
                transform: WinogradTransform = .f2) {
        kernel = WinogradKernel(transform)
        let m = transform.m
        precondition(weights.count == outChannels * inChannels * 9 && (bias.isEmpty || bias.count == outChannels))
        self.inChannels = inChannels
        self.outChannels = outChannels
        inBlocks = (inChannels + 7) / 8
        outPairs = (outChannels + 15) / 16
        let alpha = m + 2, xis = alpha * alpha
        let count = xis * outPairs * inBlocks * 128
        data = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64).bindMemory(to: Float.self,
                                                                                                  capacity: count)
        data.initialize(repeating: 0, count: count)
        self.bias = .allocate(capacity: outPairs * 16)
        self.bias.initialize(repeating: 0, count: outPairs * 16)
        for (o, b) in bias.enumerated() { self.bias[o] = b }
        // G flat (α rows of 3); the 3×3 kernels of one input channel and 16 output channels taken together, as the
        // lanes of SIMD vectors, so that each (r, c) writes its 16 outputs side by side (VGG19 has 2.2 million
        // kernels, and the transforms were most of a short run's launch).
        let g = transform.g.flatMap { $0 }
        let data = self.data, (inBlocks, outPairs) = (self.inBlocks, self.outPairs)
        g.withUnsafeBufferPointer { g in
            weights.withUnsafeBufferPointer { w in
                // Each group of 16 output channels on its own worker: every value is computed alone, so the result is
                // the same whatever the split.
                Parallel.allCores.forEach(outPairs) { pair in
                    let lanes = min(16, outChannels - 16 * pair)
                    withUnsafeTemporaryAllocation(of: SIMD16<Double>.self, capacity: 18) { buffer in
                        let (k, p) = (buffer.baseAddress!, buffer.baseAddress! + 9)
                        k.initialize(repeating: .zero, count: 18)
                        for i in 0..<inChannels {
                            for o in 0..<lanes {
                                for t in 0..<9 { k[t][o] = Double(w[((16 * pair + o) * inChannels + i) * 9 + t]) }
                            }
                            // U = G k Gᵀ, in Double, rounded once: u = Σ_a Σ_b (g[r][a]·k[a][b])·g[c][b], in that order,
                            // the row's products g[r][a]·k[a][b] made once for every c.
                            for r in 0..<alpha {
                                for a in 0..<3 { for b in 0..<3 { p[a * 3 + b] = g[r * 3 + a] * k[a * 3 + b] } }
                                for c in 0..<alpha {
                                    var u = SIMD16<Double>.zero
                                    for a in 0..<3 { for b in 0..<3 { u += p[a * 3 + b] * g[c * 3 + b] } }
                                    let out = data + (((r * alpha + c) * outPairs + pair) * inBlocks + i / 8) * 128
                                        + (i % 8) * 16
                                    if lanes == 16 {
                                        UnsafeMutableRawPointer(out).storeBytes(of: SIMD16<Float>(u),
                                                                                as: SIMD16<Float>.self)
                                    } else {
                                        for o in 0..<lanes { out[o] = Float(u[o]) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    deinit {
        data.deallocate()
        bias.deallocate()
    }

    /// output = conv3x3(input) (+ bias), zero padding 1, by this transform: what `Conv2D` runs, callable alone to
    /// measure a transform the network does not use (WinogradAccuracyTests).
    public func convolve(_ input: BlockedTensor, into output: BlockedTensor, parallel: Parallel = .serial) {
        precondition(input.shape.channels == inChannels && output.shape.channels == outChannels)
        WinogradConv.run(input: input, output: output, weights: self, relu: false, accumulate: false,
                         parallel: parallel)
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

/// How a Winograd convolution's tiles are divided: bands of tile rows sized by `WinogradConv.tilesPerBand` — or,
/// where one tile row holds more tiles than that (a wide map of few channels), segments of a tile row, so the band's
/// transformed data stays near L2's size; with at least two bands per worker each worker takes whole bands (worker
/// k: bands k, k + n, …, as `Parallel` deals them), else every worker shares each band, phase by phase (input blocks
/// × tile rows, α² × output pairs, output blocks × tile rows).
package struct WinogradSchedule: Equatable {
    package let tilesX: Int, tilesY: Int, bandRows: Int, bands: Int
    /// Tiles per band along a row (`tilesX`, or a segment of it), and the segments per tile row.
    package let segmentTiles: Int, segments: Int
    /// Workers owning whole bands; 1 when the bands are shared.
    package let owners: Int

    package init(height h: Int, width w: Int, m: Int, inBlocks: Int, outBlocks: Int, workers: Int) {
        let xis = (m + 2) * (m + 2)
        (tilesY, tilesX) = ((h + m - 1) / m, (w + m - 1) / m)
        let bandTiles = WinogradConv.tilesPerBand(xis: xis, inBlocks: inBlocks, outBlocks: outBlocks)
        bandRows = max(1, min(tilesY, (bandTiles + tilesX - 1) / tilesX))
        segmentTiles = bandRows == 1 && tilesX > bandTiles ? bandTiles : tilesX
        segments = (tilesX + segmentTiles - 1) / segmentTiles
        bands = (tilesY + bandRows - 1) / bandRows * segments
        owners = bands >= 2 * workers ? min(workers, bands) : 1
    }

    /// The tiles each of `workers` workers computes, in the phase that loads them most unevenly (owned bands: all
    /// three phases of its bands; shared: each phase's items, dealt round-robin, as tiles).
    package func tilesPerWorker(_ workers: Int, m: Int, inBlocks: Int, outBlocks: Int) -> [Int] {
        func rows(_ band: Int) -> Int {
            let (group, segment) = (band / segments, band % segments)
            return min(bandRows, tilesY - group * bandRows) * min(segmentTiles, tilesX - segment * segmentTiles)
        }
        var load = [Int](repeating: 0, count: workers)
        if owners > 1 {
            for band in 0..<bands { load[band % owners] += rows(band) }
            return load
        }
        // Shared: the products phase (α² × output pairs, each a whole band's tiles) dominates; count it.
        let items = (m + 2) * (m + 2) * ((outBlocks + 1) / 2)
        for band in 0..<bands {
            for item in 0..<items { load[item % min(workers, items)] += rows(band) }
        }
        return load
    }
}

enum WinogradConv {
    /// Tiles handled per band: the transformed band (α² × (Cin + Cout) × tiles floats) is kept near 1 MiB so it
    /// stays in L2 between the three phases, but never under 64 tiles, so each weight panel serves many tiles.
    static func tilesPerBand(xis: Int, inBlocks: Int, outBlocks: Int) -> Int {
        max(64, min(1024, (1 << 20) / (xis * (inBlocks + outBlocks) * 32)))
    }

    /// output (+)= conv3x3(input) (+ bias) (ReLU), zero padding 1, through Winograd F(m×m, 3×3).
    static func run(input: BlockedTensor, output: BlockedTensor, weights: WinogradWeights, relu: Bool,
                    accumulate: Bool, parallel: Parallel) {
        let (h, w) = (output.shape.height, output.shape.width)
        let m = weights.m, xis = (m + 2) * (m + 2)
        let inBlocks = weights.inBlocks, outBlocks = 2 * weights.outPairs, pairs = weights.outPairs
        let schedule = WinogradSchedule(height: h, width: w, m: m, inBlocks: inBlocks, outBlocks: outBlocks,
                                        workers: parallel.workers)
        let (tilesY, tilesX, bandRows, bands) = (schedule.tilesY, schedule.tilesX, schedule.bandRows, schedule.bands)
        let (segmentTiles, segments) = (schedule.segmentTiles, schedule.segments)
        let n = bandRows * segmentTiles
        let (vCount, mCount) = (xis * inBlocks * n * 8, xis * outBlocks * n * 8)
        let kernels = InstructionSet.kernels
        // Many bands: each worker transforms, multiplies and writes whole bands in scratch of its own, so a band's
        // data never leaves its core and no phase waits for another worker. Few bands (small maps): all workers
        // share each band, phase by phase. The scratch: 16 zeros, then each worker's V and M.
        let workers = schedule.owners
        SharedScratch.winograd.with(16 + workers * (vCount + mCount)) { scratch in
            let zeros = scratch
            zeros.update(repeating: 0, count: 16)
            if workers > 1 {
                parallel.forEachWorker(bands) { worker, band in
                    let v = scratch + 16 + worker * (vCount + mCount)
                    band3(band, v: v, m: v + vCount, zeros: zeros, serial: .serial)
                }
            } else {
                for band in 0..<bands {
                    band3(band, v: scratch + 16, m: scratch + 16 + vCount, zeros: zeros, serial: parallel)
                }
            }
        }

        /// The three phases over band `band` (tile rows from `ty0`, tiles from `tx0` along them), with scratch `v`
        /// and `m`. The planes start at the band's first tile column: the transforms see a map `w − m·tx0` wide.
        func band3(_ band: Int, v: UnsafeMutablePointer<Float>, m products: UnsafeMutablePointer<Float>,
                   zeros: UnsafeMutablePointer<Float>, serial parallel: Parallel) {
            let (ty0, tx0) = (band / segments * bandRows, band % segments * segmentTiles)
            let rows = min(bandRows, tilesY - ty0), columns = min(segmentTiles, tilesX - tx0)
            let tiles = rows * columns
            let (shift, width) = (tx0 * m * 8, w - tx0 * m)
            // 1. V[ξ][icBlock][tile] = Bᵀ d B for every input tile of the band.
            parallel.forEach(inBlocks * rows) { item in
                let (block, r) = (item / rows, item % rows)
                let plane = PaddedPlane(base: input.base + block * input.blockStride + shift, height: h, width: width,
                                        rowStride: input.rowStride)
                kernels.winogradInput(weights.kernel, plane, tileRow: ty0 + r, tilesX: columns,
                                      into: v + (block * n + r * columns) * 8, xiStride: inBlocks * n * 8)
            }
            // 2. M[ξ][ocBlock][tile] = Σ_ic U[ξ] V[ξ]: α² independent products, split by ξ and output pair.
            parallel.forEach(xis * pairs) { item in
                let (xi, pair) = (item / pairs, item % pairs)
                let u = weights.data + xi * pairs * inBlocks * 128, mp = products + xi * outBlocks * n * 8
                let chunk = 32   // 32 blocks of 8×16 weights: 16 KiB, resident in L1 across the band's tiles
                for c0 in stride(from: 0, to: inBlocks, by: chunk) {
                    let operands = TileOperands(
                        input: UnsafePointer(v + xi * inBlocks * n * 8 + c0 * n * 8), blockStride: n * 8, rowStride: 0,
                        blocks: min(chunk, inBlocks - c0), kernelSize: 1,
                        weights: UnsafePointer(u + (pair * inBlocks + c0) * 128),
                        out0: mp + 2 * pair * n * 8, out1: mp + (2 * pair + 1) * n * 8,
                        start: c0 == 0 ? .bias(UnsafePointer(zeros)) : .output, relu: false)
                    kernels.convRow(operands, count: tiles)
                }
            }
            // 3. Y = Aᵀ M A (+ bias, ReLU) into the output.
            parallel.forEach(outBlocks * rows) { item in
                let (block, r) = (item / rows, item % rows)
                guard block < output.blocks else { return }
                let plane = OutputPlane(base: output.base + block * output.blockStride + shift, height: h, width: width,
                                        rowStride: output.rowStride,
                                        bias: accumulate ? .zero : load8(weights.bias + 8 * block), relu: relu,
                                        accumulate: accumulate)
                kernels.winogradOutput(weights.kernel, products + (block * n + r * columns) * 8,
                                       xiStride: outBlocks * n * 8, tileRow: ty0 + r, tilesX: columns, plane)
            }
        }
    }
}
