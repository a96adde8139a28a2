// PackedConvWeights: convolution weights rearranged once, at load, for the 16-output-channel micro-kernel.

/// Weights of a K×K convolution (K = 1 or 3), packed as `[Cout/16][Cin/8][K][K][8][16]` Float32, with the bias
/// padded to a multiple of 16. Missing channels (Cout or Cin not a multiple of 16 or 8) are zeros. With 3 input
/// channels (a first layer's RGB) only those lanes are packed, `[Cout/16][1][K][K][3][16]`, for the kernels that
/// read 3 lanes.
public final class PackedConvWeights: @unchecked Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    /// ceil(inChannels / 8).
    public let inBlocks: Int
    /// ceil(outChannels / 16): groups of two output blocks computed together.
    public let outPairs: Int
    /// The lanes of each input block packed and read: 3 for 3 input channels, else 8.
    public let lanes: Int
    let data: UnsafeMutablePointer<Float>
    let bias: UnsafeMutablePointer<Float>

    /// Packs `weights` in PyTorch's OIHW order (`[outChannels][inChannels][K][K]`) and `bias` (`outChannels`
    /// values, or empty for none).
    public init(oihw weights: [Float], bias: [Float], inChannels: Int, outChannels: Int, kernelSize: Int) {
        precondition(kernelSize == 1 || kernelSize == 3, "PackedConvWeights: 1×1 or 3×3 only")
        precondition(weights.count == outChannels * inChannels * kernelSize * kernelSize, "weights count")
        precondition(bias.isEmpty || bias.count == outChannels, "bias count")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        inBlocks = (inChannels + 7) / 8
        outPairs = (outChannels + 15) / 16
        lanes = inChannels == 3 ? 3 : 8
        let k2 = kernelSize * kernelSize, lanes = self.lanes
        let count = outPairs * inBlocks * k2 * lanes * 16
        data = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64).bindMemory(to: Float.self,
                                                                                                  capacity: count)
        data.initialize(repeating: 0, count: count)
        self.bias = UnsafeMutablePointer<Float>.allocate(capacity: outPairs * 16)
        self.bias.initialize(repeating: 0, count: outPairs * 16)
        for (o, b) in bias.enumerated() { self.bias[o] = b }
        for o in 0..<outChannels {
            for i in 0..<inChannels {
                for t in 0..<k2 {
                    let packed = (((o / 16) * inBlocks + i / 8) * k2 + t) * lanes * 16 + (i % 8) * 16 + o % 16
                    data[packed] = weights[(o * inChannels + i) * k2 + t]
                }
            }
        }
    }

    /// The OIHW weights that compute the gradient with respect to the input of the 3×3 convolution `oihw`: the
    /// same convolution with input and output channels swapped and the kernel turned 180°.
    public static func transposedFlipped(_ oihw: [Float], inChannels: Int, outChannels: Int) -> [Float] {
        var swapped = [Float](repeating: 0, count: oihw.count)
        for o in 0..<outChannels {
            for i in 0..<inChannels {
                for t in 0..<9 { swapped[(i * outChannels + o) * 9 + (8 - t)] = oihw[(o * inChannels + i) * 9 + t] }
            }
        }
        return swapped
    }

    /// The packed weights of output pair `pair`, input block `block`.
    @inline(__always) func pointer(pair: Int, block: Int) -> UnsafePointer<Float> {
        UnsafePointer(data + (pair * inBlocks + block) * kernelSize * kernelSize * lanes * 16)
    }

    deinit {
        data.deallocate()
        bias.deallocate()
    }
}
