// BlockTape: one VGG block run on a slab of rows of its input — its convolutions forward with the activations
// kept, the pooling after it, and the backward from its pooled output's gradient and seeds at its layers down to
// its input. The recomputing evaluation (RecomputingTape.swift) runs every block on such tapes.

import Engine

/// A block of a VGG network as far as a depth: the indices of its convolutions in `VGGArchitecture.layers`, and
/// whether the pooling after it is computed (a later block is).
public struct VGGBlock: Sendable, Equatable {
    /// 0-based: block 0 is `block1_*`.
    public let index: Int
    public let layers: Range<Int>
    public let pools: Bool
}

extension VGGArchitecture {
    /// The blocks of the first `depth` convolutions.
    public func blocks(depth: Int) -> [VGGBlock] {
        let used = layers.prefix(depth)
        let last = used.last!.layer.block
        return (1...last).map { b in
            let range = used.indices.filter { used[$0].layer.block == b }
            return VGGBlock(index: b - 1, layers: range.first!..<(range.last! + 1), pools: b < last)
        }
    }
}

/// The maps of one block on a slab of `height` rows of its input: allocated once, possibly as views over storage
/// other blocks' tapes share (their borders are cleared before each use).
final class BlockTape {
    let block: VGGBlock
    let input: BlockedTensor
    let activations: [BlockedTensor]
    let pooled: BlockedTensor?, argmax: MaxPoolArgmax?
    /// The gradient of the pooled output (rows outside the band zero), of each activation, and of the input.
    let pooledGradient: BlockedTensor?
    let gradients: [BlockedTensor]
    let inputGradient: BlockedTensor

    /// The shapes of a block's maps on a slab of `height` × `width`: its input, each activation, the pooled output.
    static func shapes(_ architecture: VGGArchitecture, _ block: VGGBlock, height: Int, width: Int)
        -> (input: Shape, activation: Shape, pooled: Shape?)
    {
        let first = architecture.layers[block.layers.lowerBound], out = first.outChannels
        let act = Shape(channels: out, height: height, width: width)
        return (Shape(channels: first.inChannels, height: height, width: width), act,
                block.pools ? pooledShape(act) : nil)
    }

    /// The floats each of a tape's maps needs for this block at this size.
    static func floats(_ architecture: VGGArchitecture, _ block: VGGBlock, height: Int, width: Int) -> BlockStorage<Int> {
        precondition(block.layers.count <= 4, "BlockTape: at most 4 convolutions per block (VGG's)")
        let s = shapes(architecture, block, height: height, width: width)
        let act = BlockedTensor.floats(s.activation), pooled = s.pooled.map(BlockedTensor.floats) ?? 0
        let input = BlockedTensor.floats(s.input)
        return BlockStorage(input: input, activations: (0..<4).map { $0 < block.layers.count ? act : 0 },
                            gradient: (max(act, input), max(act, input)), pooled: pooled, pooledGradient: pooled)
    }

    /// Bytes of the pooling's argmax for this block at this size (held by each tape, not shared).
    static func argmaxBytes(_ architecture: VGGArchitecture, _ pooling: Pooling, _ block: VGGBlock, height: Int,
                            width: Int) -> Int {
        guard pooling == .max, let p = shapes(architecture, block, height: height, width: width).pooled else { return 0 }
        return (p.channels + 7) / 8 * 32 * p.pixels
    }

    /// A tape over `storage` (each at least as large as `floats` says).
    init(_ network: VGGNetwork, _ block: VGGBlock, height: Int, width: Int, storage: BlockStorage<BlockedTensor>) {
        self.block = block
        let s = Self.shapes(network.architecture, block, height: height, width: width)
        input = BlockedTensor(s.input, viewing: storage.input)
        activations = block.layers.indices.map {
            BlockedTensor(s.activation, viewing: storage.activations[$0 - block.layers.lowerBound])
        }
        pooled = s.pooled.map { BlockedTensor($0, viewing: storage.pooled) }
        pooledGradient = s.pooled.map { BlockedTensor($0, viewing: storage.pooledGradient) }
        argmax = s.pooled.flatMap { network.pooling == .max ? MaxPoolArgmax($0) : nil }
        // The last activation's gradient in the first gradient buffer, alternating downwards; the input's in the
        // buffer the first activation's is not in.
        let n = block.layers.count
        let buffers = [storage.gradient.0, storage.gradient.1]
        gradients = (0..<n).map { j in BlockedTensor(s.activation, viewing: buffers[(n - 1 - j) % 2]) }
        inputGradient = BlockedTensor(s.input, viewing: buffers[n % 2])
    }

    /// A tape with storage of its own.
    convenience init(_ network: VGGNetwork, _ block: VGGBlock, height: Int, width: Int) {
        let floats = Self.floats(network.architecture, block, height: height, width: width)
        self.init(network, block, height: height, width: width, storage: floats.map(BlockedTensor.storage(floats:)))
    }

    /// Zeroes every map's border and padding channels (views over shared storage hold whatever was there).
    func clearBorders() {
        input.clearBorder()
        for a in activations { a.clearBorder() }
        pooled?.clearBorder()
    }
}

/// What a block's tape holds, by name: its input, up to four activations (VGG's blocks have 2 or 4), the two
/// gradient buffers the backward alternates between, the pooled output and its gradient. `BlockStorage<Int>` counts
/// floats; `BlockStorage<BlockedTensor>` is the storage a tape's maps view (several recomputed blocks share one).
struct BlockStorage<Slot> {
    var input: Slot
    /// Always four: a block with fewer convolutions leaves the rest unused (0 floats).
    var activations: [Slot]
    var gradient: (Slot, Slot)
    var pooled: Slot, pooledGradient: Slot

    var all: [Slot] { [input] + activations + [gradient.0, gradient.1, pooled, pooledGradient] }

    func map<T>(_ f: (Slot) -> T) -> BlockStorage<T> {
        BlockStorage<T>(input: f(input), activations: activations.map(f), gradient: (f(gradient.0), f(gradient.1)),
                        pooled: f(pooled), pooledGradient: f(pooledGradient))
    }
}

extension BlockStorage<Int> {
    /// Room for both: the larger of each map.
    func merged(_ other: BlockStorage<Int>) -> BlockStorage<Int> {
        BlockStorage(input: max(input, other.input), activations: zip(activations, other.activations).map { max($0, $1) },
                     gradient: (max(gradient.0, other.gradient.0), max(gradient.1, other.gradient.1)),
                     pooled: max(pooled, other.pooled), pooledGradient: max(pooledGradient, other.pooledGradient))
    }

    static var empty: BlockStorage<Int> { BlockStorage(input: 0, activations: [0, 0, 0, 0], gradient: (0, 0), pooled: 0, pooledGradient: 0) }
}

extension BlockedTensor {
    /// A tensor of at least `floats` floats, to be viewed as tensors of several shapes.
    static func storage(floats: Int) -> BlockedTensor {
        BlockedTensor(Shape(channels: 8, height: 1, width: max(1, floats / 24 + 1)))
    }
}

extension VGGNetwork {
    /// Runs the block's convolutions (each with its ReLU) on `tape.input`, then its pooling.
    func forward(_ tape: BlockTape, parallel: Parallel) {
        var x = tape.input
        for (j, i) in tape.block.layers.enumerated() {
            convolutions[i].forward(x, into: tape.activations[j], relu: true, parallel: parallel)
            x = tape.activations[j]
        }
        guard let pooled = tape.pooled else { return }
        switch pooling {
        case .max: MaxPool2D.forward(x, into: pooled, argmax: tape.argmax!, parallel: parallel)
        case .average: AvgPool2D.forward(x, into: pooled, parallel: parallel)
        }
    }

    /// `tape.inputGradient` = ∂L/∂input from `tape.pooledGradient` (when the block pools) and the seeds:
    /// `seed(j, gradient)` adds the gradient of the losses at the block's activation j (after ReLU). Requires a
    /// forward on the tape.
    func backward(_ tape: BlockTape, parallel: Parallel, seed: (Int, BlockedTensor) -> Void) {
        let n = tape.block.layers.count, last = tape.gradients[n - 1]
        last.clearBorder()
        if let pooledGradient = tape.pooledGradient {
            pooledGradient.clearBorder()
            switch pooling {
            case .max: MaxPool2D.backward(pooledGradient, argmax: tape.argmax!, into: last, parallel: parallel)
            case .average: AvgPool2D.backward(pooledGradient, into: last, parallel: parallel)
            }
        } else {
            last.zero()
        }
        for j in (0..<n).reversed() {
            let g = tape.gradients[j]
            seed(j, g)
            ReLU.backward(g, output: tape.activations[j], into: g, parallel: parallel)
            let below = j > 0 ? tape.gradients[j - 1] : tape.inputGradient
            below.clearBorder()
            convolutions[tape.block.layers.lowerBound + j].backwardInput(g, into: below, parallel: parallel)
        }
    }
}
