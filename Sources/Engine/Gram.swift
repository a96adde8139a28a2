// Gram: the style statistic G = F·Fᵀ / n of a feature map F (C × H·W), and its backward.

import Kernels

/// Gram matrices of BlockedTensor feature maps.
public enum Gram {
    /// gram[c·C + d] = Σ_p F[c, p] · F[d, p] / n over the H·W pixels p. `gram` must hold C·C values; overwritten.
    /// (See `GramSums` for how.)
    public static func forward(_ features: BlockedTensor, normalization n: Double, into gram: inout [Float],
                               parallel: Parallel = .serial) {
        let sums = GramSums(channels: features.shape.channels)
        sums.add(features, rows: 0..<features.shape.height, parallel: parallel)
        sums.result(normalization: n, into: &gram)
    }

    /// gradFeatures (+)= (gradGram + gradGramᵀ) · F / n: the gradient through `forward`. `gradGram` holds C·C
    /// values. With `accumulate` the result is added to `gradFeatures`, otherwise it overwrites its interior.
    /// `rows`: only those rows of `gradFeatures` (nil: all; a band of a banded evaluation). Computed as a 1×1
    /// convolution by the convolution micro-kernel.
    public static func backward(_ gradGram: [Float], features: BlockedTensor, normalization n: Double,
                                into gradFeatures: BlockedTensor, accumulate: Bool, rows: Range<Int>? = nil,
                                parallel: Parallel = .serial) {
        let weights = GramBackwardWeights(channels: features.shape.channels)
        weights.pack(gradGram, normalization: n)
        backward(weights, features: features, into: gradFeatures, accumulate: accumulate, rows: rows, parallel: parallel)
    }

    /// The same with (dG + dGᵀ)/n packed already (`GramBackwardWeights.pack`, once per evaluation however many
    /// bands of rows the backward takes).
    public static func backward(_ weights: GramBackwardWeights, features: BlockedTensor, into gradFeatures: BlockedTensor,
                                accumulate: Bool, rows: Range<Int>? = nil, parallel: Parallel = .serial) {
        precondition(weights.channels == features.shape.channels && gradFeatures.shape == features.shape,
                     "Gram.backward: shapes")
        DirectConv.run(input: features, output: gradFeatures, weights: weights.packed, relu: false,
                       accumulate: accumulate, rows: rows, parallel: parallel)
    }

    /// FLOPs of `forward` (and of `backward`'s product): 2·C²·H·W.
    public static func flops(_ shape: Shape) -> Double { 2 * Double(shape.channels * shape.channels * shape.pixels) }
}

/// (dG + dGᵀ)/n as the 1×1 weights of the Gram backward's product, in storage made once per channel count: packing
/// writes them in place (no matrix made and packed again on every call).
public final class GramBackwardWeights {
    public let channels: Int
    let packed: PackedConvWeights

    public init(channels c: Int) {
        channels = c
        packed = PackedConvWeights(oihw: [Float](repeating: 0, count: c * c), bias: [], inChannels: c, outChannels: c,
                                   kernelSize: 1)
    }

    /// Packs (gradGram + gradGramᵀ) / n (`gradGram`: C·C values), each weight computed in Double and rounded once.
    public func pack(_ gradGram: [Float], normalization n: Double) {
        let (c, w) = (channels, packed)
        precondition(gradGram.count == c * c, "GramBackwardWeights.pack: \(gradGram.count) values for \(c) channels")
        gradGram.withUnsafeBufferPointer { g in
            for o in 0..<c {
                for i in 0..<c {
                    w.data[((o / 16) * w.inBlocks + i / 8) * w.lanes * 16 + (i % 8) * 16 + o % 16]
                        = Float((Double(g[o * c + i]) + Double(g[i * c + o])) / n)
                }
            }
        }
    }
}

/// Gram sums Σ_p F[c, p] · F[d, p] accumulated over rows, in Double, possibly from several tensors holding
/// consecutive row bands of one feature map (a banded evaluation): added in row order, the result is the same, bit
/// for bit, as `Gram.forward` over the whole map.
public final class GramSums {
    public let channels: Int
    let blocks: Int
    let tiles: [(pair: Int, group: Int)]
    let sums: UnsafeMutablePointer<SIMD8<Double>>

    public init(channels c: Int) {
        channels = c
        blocks = (c + 7) / 8
        let pairs = (blocks + 1) / 2, groups = blocks * 2
        var tiles: [(pair: Int, group: Int)] = []
        tiles.reserveCapacity(pairs * groups)
        for pair in 0..<pairs {
            for group in 0..<groups where 8 * Self.columns(pair, blocks).1 + 7 >= 4 * group { tiles.append((pair, group)) }
        }
        self.tiles = tiles
        sums = .allocate(capacity: 8 * tiles.count)
        sums.initialize(repeating: .zero, count: 8 * tiles.count)
    }

    deinit { sums.deallocate() }

    /// The channel pairs summed per pixel: 16 × 4 per tile, the tiles that reach the diagonal or above (about half
    /// of C², which the mirror completes). `bench engine`'s ideal for the forward: 2 FLOPs per pair and pixel.
    public var productsPerPixel: Int { 64 * tiles.count }

    /// Starts again from zero.
    public func reset() { sums.update(repeating: .zero, count: 8 * tiles.count) }

    /// The two channel blocks of column pair `pair` (a missing second block repeats the first).
    static func columns(_ pair: Int, _ blocks: Int) -> (Int, Int) { (2 * pair, min(2 * pair + 1, blocks - 1)) }

    /// Adds the products of `features`' rows `rows`.
    ///
    /// Tiles of 16 channels × 4 channels (`gramRow`: 4 accumulators of 16); each row of pixels is summed in Float and the row
    /// sums are added in Double, so long maps (512² pixels) lose no precision to one long Float sum. Only tiles that
    /// reach the diagonal or above are computed, and mirrored (the products are the same either way round, so the
    /// result is the full computation's, bit for bit). The rows are taken in bands that stay in cache while every
    /// tile sums them, instead of each tile streaming the whole map; each tile still adds its rows in order, so the
    /// result does not depend on the number of workers.
    public func add(_ features: BlockedTensor, rows: Range<Int>, parallel: Parallel = .serial) {
        precondition(features.shape.channels == channels && rows.lowerBound >= 0 && rows.upperBound <= features.shape.height,
                     "GramSums.add: shapes")
        let w = features.shape.width, blocks = self.blocks, tiles = self.tiles
        let acc = sums
        let band = max(1, (1 << 20) / (blocks * features.rowStride * 4))
        let kernels = InstructionSet.kernels
        for y0 in stride(from: rows.lowerBound, to: rows.upperBound, by: band) {
            parallel.forEach(tiles.count) { k in
                let (pair, group) = tiles[k]
                let (a0, a1) = Self.columns(pair, blocks)
                let t = acc + 8 * k
                for y in y0..<min(rows.upperBound, y0 + band) {
                    let p0 = features.pointer(block: a0, y: y, x: 0), p1 = features.pointer(block: a1, y: y, x: 0)
                    let pc = features.pointer(block: group / 2, y: y, x: 0) + 4 * (group % 2)
                    kernels.gramRow(p0: p0, p1: p1, pc: pc, width: w, into: t)
                }
            }
        }
    }

    /// gram[c·C + d] = the sums / n, in Float or (the W2 loss's moments) in Double. `gram` must hold C·C values;
    /// overwritten.
    public func result<T: BinaryFloatingPoint>(normalization n: Double, into gram: inout [T]) {
        let c = channels
        precondition(gram.count == c * c, "GramSums.result: gram must hold \(c)×\(c) values")
        for (k, (pair, group)) in tiles.enumerated() {
            let (a0, a1) = Self.columns(pair, blocks)
            for j in 0..<4 where 4 * group + j < c {
                let row = 4 * group + j
                for (m, block) in [a0, a1].enumerated() where m == 0 || a1 != a0 {
                    for lane in 0..<8 where 8 * block + lane < c && 8 * block + lane >= row {
                        let column = 8 * block + lane, value = T(sums[8 * k + 4 * m + j][lane] / n)
                        gram[row * c + column] = value
                        gram[column * c + row] = value
                    }
                }
            }
        }
    }
}
