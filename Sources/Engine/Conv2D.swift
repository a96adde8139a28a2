// Conv2D: 3×3 convolution, stride 1, padding 1 (zeros, replicate or reflect), with bias: forward (optionally fused
// with ReLU) and the gradient with respect to the input. Direct convolution over BlockedTensor with the
// register-tiled kernels of the Kernels module (ConvTile), in the copy chosen for this CPU (InstructionSet).

import Kernels

/// How a convolution is computed; chosen once, when the layer is built.
public enum ConvStrategy: String, Sendable, CaseIterable {
    /// Direct convolution: every multiply of the definition, on the P×16 micro-kernel (P pixels: the instruction set's
    /// tile, `ConvTile`).
    case direct
    /// Winograd F(2×2, 3×3): 16 multiplies per 2×2 outputs instead of 36 (see Winograd.swift).
    case winograd
    /// Winograd F(4×4, 3×3) with the points 0, ±7/10, ±3/2: 36 multiplies per 4×4 outputs instead of 144, as
    /// close to float64 as direct convolution within 2× (see Winograd.swift, WinogradTransform).
    case winograd4x4

    /// The forward's strategy, chosen per layer: Winograd pays when both channel counts fill the tile kernel's
    /// vectors, so the first layer (3 input channels) stays direct; F(4×4) with the points 0, ±7/10, ±3/2 is within
    /// `accuracyBound` on every other layer of VGG19, forward and input gradient (F(4×4) with the textbook points
    /// 0, ±1, ±2 was not beyond 256 channels, and its forward flipped a ReLU on the whole-network fixture). Measured
    /// per layer: WinogradAccuracyTests, docs/engine.md.
    public static func automatic(inChannels: Int, outChannels: Int) -> ConvStrategy {
        inChannels >= 16 && outChannels >= 16 ? .winograd4x4 : .direct
    }

    /// The input gradient's strategy: the forward's.
    public static func automaticBackward(inChannels: Int, outChannels: Int) -> ConvStrategy {
        automatic(inChannels: inChannels, outChannels: outChannels)
    }

    /// The largest error, over the largest magnitude of the float64 result, a strategy may make where the network
    /// uses it (forward and input gradient of a VGG19 layer with the real weights; WinogradAccuracyTests): the
    /// direct kernel's relative tolerance.
    public static let accuracyBound = 1e-5

    /// The Winograd transform the strategy runs (nil: direct).
    public var transform: WinogradTransform? {
        switch self {
        case .direct: nil
        case .winograd: .f2
        case .winograd4x4: .f4
        }
    }
}

/// A frozen 3×3 convolution layer (stride 1, padding 1), weights packed once at construction.
public struct Conv2D: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let strategy: ConvStrategy
    /// How `backwardInput` is computed (`strategy` when one is given).
    public let backwardStrategy: ConvStrategy
    /// What the convolution sees beyond its input's edge; held in the input's border (see Padding.swift).
    public let padding: PaddingMode
    /// The weights the border's gradient reads (`padding` other than zeros only).
    let border: BorderConvWeights?
    /// The weights packed for `forward` and for `backwardInput` (channels swapped, kernel turned 180°), each in
    /// its strategy's form.
    let forwardWeights: Packing, backwardWeights: Packing

    enum Packing: Sendable {
        case direct(PackedConvWeights)
        case winograd(WinogradWeights)
        /// A first layer's input gradient (3 outputs): a 1×1 product and a gather (FirstLayerGradient.swift).
        case firstLayer(FirstLayerGradient)

        init(_ strategy: ConvStrategy, oihw: [Float], bias: [Float], inChannels: Int, outChannels: Int) {
            switch strategy {
            case .direct:
                self = .direct(PackedConvWeights(oihw: oihw, bias: bias, inChannels: inChannels, outChannels: outChannels,
                                                 kernelSize: 3))
            case .winograd, .winograd4x4:
                self = .winograd(WinogradWeights(oihw: oihw, bias: bias, inChannels: inChannels,
                                                 outChannels: outChannels, transform: strategy.transform!))
            }
        }

        /// output (+)= conv(input) (+ bias) (ReLU).
        func run(_ input: BlockedTensor, _ output: BlockedTensor, relu: Bool, accumulate: Bool, parallel: Parallel) {
            switch self {
            case .direct(let w):
                DirectConv.run(input: input, output: output, weights: w, relu: relu, accumulate: accumulate,
                               parallel: parallel)
            case .winograd(let w):
                WinogradConv.run(input: input, output: output, weights: w, relu: relu, accumulate: accumulate,
                                 parallel: parallel)
            case .firstLayer(let w):
                w.run(gradOutput: input, into: output, accumulate: accumulate, parallel: parallel)
            }
        }
    }

    /// `weights` in PyTorch's OIHW order `[outChannels][inChannels][3][3]`; `bias` has `outChannels` values.
    /// `strategy` (both directions) defaults to `ConvStrategy.automatic` forward and `.automaticBackward` backward.
    public init(weights: [Float], bias: [Float], inChannels: Int, outChannels: Int, strategy: ConvStrategy? = nil,
                padding: PaddingMode = .zeros) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.padding = padding
        border = padding == .zeros ? nil
            : BorderConvWeights(oihw: weights, inChannels: inChannels, outChannels: outChannels)
        self.strategy = strategy ?? .automatic(inChannels: inChannels, outChannels: outChannels)
        backwardStrategy = strategy ?? .automaticBackward(inChannels: inChannels, outChannels: outChannels)
        let flipped = PackedConvWeights.transposedFlipped(weights, inChannels: inChannels, outChannels: outChannels)
        forwardWeights = Packing(self.strategy, oihw: weights, bias: bias, inChannels: inChannels,
                                 outChannels: outChannels)
        backwardWeights = inChannels == 3 && backwardStrategy == .direct
            ? .firstLayer(FirstLayerGradient(oihw: weights, outChannels: outChannels))
            : Packing(backwardStrategy, oihw: flipped, bias: [], inChannels: outChannels, outChannels: inChannels)
    }

    /// output = conv(input) + bias, then max(·, 0) when `relu`. Overwrites `output`'s interior; fills `input`'s
    /// border as `padding` pads (zeros: the border is taken to be zero already, as every tensor is made).
    /// input: [Cin, H, W]; output: [Cout, H, W].
    public func forward(_ input: BlockedTensor, into output: BlockedTensor, relu: Bool = false,
                        parallel: Parallel = .serial) {
        precondition(input.shape.channels == inChannels && output.shape.channels == outChannels
            && input.shape.height == output.shape.height && input.shape.width == output.shape.width,
            "Conv2D.forward: shapes \(input.shape) → \(output.shape) do not fit \(inChannels)→\(outChannels)")
        if padding != .zeros { input.fillBorder(padding) }
        forwardWeights.run(input, output, relu: relu, accumulate: false, parallel: parallel)
    }

    /// gradInput = ∂L/∂input given gradOutput = ∂L/∂output. Overwrites `gradInput`'s interior, or adds to it with
    /// `accumulate`; with a padding other than zeros, the border's gradient is computed in `gradInput`'s border and
    /// folded onto the pixels it copied, leaving the border zero. `gradOutput`'s border must be zero.
    /// gradOutput: [Cout, H, W]; gradInput: [Cin, H, W].
    public func backwardInput(_ gradOutput: BlockedTensor, into gradInput: BlockedTensor, accumulate: Bool = false,
                              parallel: Parallel = .serial) {
        precondition(gradOutput.shape.channels == outChannels && gradInput.shape.channels == inChannels
            && gradOutput.shape.height == gradInput.shape.height && gradOutput.shape.width == gradInput.shape.width,
            "Conv2D.backwardInput: shapes do not fit")
        backwardWeights.run(gradOutput, gradInput, relu: false, accumulate: accumulate, parallel: parallel)
        if let border {
            BorderConv.run(gradOutput: gradOutput, into: gradInput, weights: border, parallel: parallel)
            gradInput.foldBorder(padding)
        }
    }

    /// FLOPs of one forward (or backwardInput) pass at `height`×`width` as a direct convolution counts them,
    /// 2·9·Cin·Cout·H·W, whatever the strategy.
    public func flops(height: Int, width: Int) -> Double {
        2 * 9 * Double(inChannels) * Double(outChannels) * Double(height) * Double(width)
    }

    /// FLOPs the algorithm that runs really performs for one forward (`backward`: backwardInput) pass at
    /// `height`×`width`, padding lanes not counted: direct 2·9·Cin·Cout·H·W; Winograd per tile 2·α²·Cin·Cout products
    /// plus its transforms (`WinogradKernel.inputFlops`, `.outputFlops` per channel); a first layer's input gradient
    /// 2·27·Cout per pixel and the gather's 27 adds. What `bench engine` divides its time by for "of ideal".
    public func algorithmFlops(height: Int, width: Int, backward: Bool = false) -> Double {
        let pixels = Double(height * width)
        switch backward ? backwardWeights : forwardWeights {
        case .direct: return flops(height: height, width: width)
        case .firstLayer: return pixels * Double(2 * 27 * outChannels + 27)
        case .winograd(let w):
            let (m, alpha) = (w.m, w.m + 2)
            let tiles = Double(((height + m - 1) / m) * ((width + m - 1) / m))
            return tiles * Double(2 * alpha * alpha * w.inChannels * w.outChannels + w.kernel.inputFlops * w.inChannels
                                  + w.kernel.outputFlops * w.outChannels)
        }
    }
}

/// The loop nest around the micro-kernels, shared by 3×3 convolutions and 1×1 (Gram backward) products.
package enum DirectConv {
    /// Input blocks summed per pass over a row band: 4 blocks of 3×3 weights are 18 KiB, 32 of 1×1 weights 16 KiB,
    /// which stay in L1 while every pixel of the band uses them (the 1×1 Gram backward took 4 too, and reloaded its
    /// outputs 8× as often). The accumulators are stored and reloaded between chunks: the sums are the same.
    static func chunkBlocks(kernelSize k: Int) -> Int { k == 3 ? 4 : 32 }
    /// Output rows per work item: about 8 items per worker (pairs × bands), so 2 to 32 workers share the work
    /// evenly, each item long enough that its weights stay hot.
    static func bandRows(height: Int, pairs: Int, workers: Int) -> Int {
        max(1, min(height, (height * pairs + 8 * workers - 1) / (8 * workers)))
    }

    /// Band `b`'s rows of `height` rows cut in bands of `band`.
    static func rows(ofBand b: Int, band: Int, height: Int) -> Range<Int> { b * band..<min(height, (b + 1) * band) }

    /// The output rows (of one output pair each) every one of `workers` workers computes for a 3×3 convolution: items
    /// pair × band, dealt round-robin as `Parallel` deals them.
    package static func rowsPerWorker(height: Int, pairs: Int, workers: Int) -> [Int] {
        let band = bandRows(height: height, pairs: pairs, workers: workers), bands = (height + band - 1) / band
        var load = [Int](repeating: 0, count: workers)
        for item in 0..<(pairs * bands) {
            load[item % min(workers, pairs * bands)] += rows(ofBand: item % bands, band: band, height: height).count
        }
        return load
    }

    /// output[o] = Σ_i W[o, i] ⋆ input[i] (+ bias) (ReLU), K = weights.kernelSize, 'same' zero padding.
    /// With `accumulate`, the result is added to what `output` holds (the bias is then not used). `rows`: only those
    /// output rows (nil: all).
    static func run(input: BlockedTensor, output: BlockedTensor, weights: PackedConvWeights, relu: Bool,
                    accumulate: Bool = false, rows outputRows: Range<Int>? = nil, parallel: Parallel) {
        let width = output.shape.width
        let span = outputRows ?? 0..<output.shape.height
        let (first, height) = (span.lowerBound, span.count)
        let k = weights.kernelSize
        precondition(input.blocks == weights.inBlocks && span.lowerBound >= 0 && span.upperBound <= output.shape.height)
        guard height > 0 else { return }
        let pairs = weights.outPairs
        // 3×3: items are output pair × row band. 1×1 (the Gram backward): items are row bands, taken a few rows at a
        // time (about 256 KiB of input) by every pair in turn while they are in cache (a pair per item streamed the
        // whole input from memory once per pair).
        let rowMajor = k == 1
        let group = max(1, 65536 / (weights.inBlocks * 8 * width))
        let band = bandRows(height: height, pairs: rowMajor ? 1 : pairs, workers: parallel.workers)
        let bands = (height + band - 1) / band
        let outBlocks = output.blocks
        // The window of output pixel (y, x) starts at padded (y, x) for 3×3 and at padded (y+1, x+1) for 1×1.
        let inset = k == 3 ? 0 : 1
        let kernels = InstructionSet.kernels
        let chunkBlocks = Self.chunkBlocks(kernelSize: k)
        // A last pair with one real output block computes the second from zero weights and stores it nowhere: its
        // stores go to a scratch row (on the stack: a heap array here would be allocated on every call).
        let scratchFloats = outBlocks % 2 == 0 ? 1 : max(12, width) * 8
        /// Output pair `pair` on `rows`: every chunk of input blocks, row by row.
        func pairRows(_ pair: Int, _ rows: Range<Int>, _ scratch: UnsafeMutablePointer<Float>) {
            let block0 = 2 * pair
            let hasSecond = block0 + 1 < outBlocks
            for chunk in stride(from: 0, to: weights.inBlocks, by: chunkBlocks) {
                let blocks = min(chunkBlocks, weights.inBlocks - chunk)
                let start: TileStart = chunk == 0 && !accumulate ? .bias(UnsafePointer(weights.bias + 16 * pair)) : .output
                var tile = TileOperands(
                    input: UnsafePointer(input.base), blockStride: input.blockStride, rowStride: input.rowStride,
                    blocks: blocks, kernelSize: k, weights: weights.pointer(pair: pair, block: chunk),
                    out0: scratch, out1: scratch, start: start, relu: relu && chunk + blocks == weights.inBlocks)
                for y in rows {
                    tile.input = UnsafePointer(input.base + chunk * input.blockStride + (y + inset) * input.rowStride
                        + inset * 8)
                    tile.out0 = output.pointer(block: block0, y: y, x: 0)
                    tile.out1 = hasSecond ? output.pointer(block: block0 + 1, y: y, x: 0) : scratch
                    if weights.lanes == 3 {
                        kernels.convRowThreeLanes(tile, count: width)
                    } else {
                        kernels.convRow(tile, count: width)
                    }
                }
            }
        }
        parallel.forEach(rowMajor ? bands : pairs * bands) { item in
            let inBand = Self.rows(ofBand: item % bands, band: band, height: height)
            let rows = (first + inBand.lowerBound)..<(first + inBand.upperBound)
            withUnsafeTemporaryAllocation(of: Float.self, capacity: scratchFloats) { scratch in
                if rowMajor {
                    for y in stride(from: rows.lowerBound, to: rows.upperBound, by: group) {
                        for pair in 0..<pairs { pairRows(pair, y..<min(rows.upperBound, y + group), scratch.baseAddress!) }
                    }
                } else {
                    pairRows(item / bands, rows, scratch.baseAddress!)
                }
            }
        }
    }
}
