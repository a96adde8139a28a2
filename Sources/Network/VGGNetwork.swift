// VGGNetwork: a VGG network's frozen convolutions, loaded from a safetensors file, run forward through a VGGTape
// and backward from gradient seeds at several layers down to the RGB image.

import Engine

/// A VGG network with frozen weights (packed once at load).
public final class VGGNetwork: Sendable {
    public let architecture: VGGArchitecture
    public let pooling: Pooling
    /// What each convolution sees beyond its input's edge.
    public let padding: NetworkPadding
    public let inputNormalization: InputNormalization
    /// The SHA-256 of the weights' data, as recorded when they were converted (nil: weights given in memory).
    public let dataSHA256: String?
    /// The convolutions packed: the architecture's first `depth` (those the objective reaches; packing VGG19's last
    /// two, which no objective here uses by default, would hold 67 MB for nothing).
    public var depth: Int { convolutions.count }
    let convolutions: [Conv2D]
    /// The input normalisation as per-channel affine maps: network input k from RGB, and RGB gradient j from the
    /// input's (the inverse permutation, the same scales, no offsets).
    let normalizationMap: [(channel: Int, scale: Float, offset: Float)]
    let gradientMap: [(channel: Int, scale: Float, offset: Float)]

    /// `weights[layer]` holds OIHW weights `[out][in][3][3]` and `out` biases for every layer of `architecture` as
    /// far as `deepest` (nil: all of them), the layers packed.
    public init(architecture: VGGArchitecture, weights: [VGGLayer: (weights: [Float], bias: [Float])],
                pooling: Pooling = .max, padding: NetworkPadding = .zeros,
                inputNormalization: InputNormalization = .caffeBGR, dataSHA256: String? = nil, through deepest: VGGLayer? = nil) {
        self.architecture = architecture
        self.dataSHA256 = dataSHA256
        self.pooling = pooling
        self.padding = padding
        self.inputNormalization = inputNormalization
        normalizationMap = (0..<3).map { inputNormalization.channel($0) }.map { ($0.rgb, $0.scale, $0.offset) }
        gradientMap = (0..<3).map { j in
            let k = (0..<3).first { inputNormalization.channel($0).rgb == j }!
            return (k, inputNormalization.channel(k).scale, 0)
        }
        let depth = deepest.map { architecture.index(of: $0)! + 1 } ?? architecture.layers.count
        convolutions = architecture.layers.prefix(depth).enumerated().map { i, l in
            let w = weights[l.layer]!
            precondition(w.weights.count == l.outChannels * l.inChannels * 9 && w.bias.count == l.outChannels,
                         "VGGNetwork: \(l.layer) has the wrong number of weights")
            return Conv2D(weights: w.weights, bias: w.bias, inChannels: l.inChannels, outChannels: l.outChannels,
                          padding: padding.mode(ofLayer: i))
        }
    }

    /// Loads `architecture`'s weights from a safetensors file written by tools/setup/fetch-weights: every layer present
    /// with the right shape, finite values, and the data's SHA-256 equal to the one recorded at conversion (hashed
    /// once per state of the file: `VerifiedWeights`). Packs
    /// the layers as far as `deepest` (nil: all).
    public static func load(_ path: String, architecture: VGGArchitecture = .vgg19, pooling: Pooling = .max,
                            padding: NetworkPadding = .zeros, through deepest: VGGLayer? = nil) throws -> VGGNetwork
    {
        let state = VerifiedWeights(path)
        let file = try SafeTensorsFile(path: path)
        guard let recorded = file.metadata["data_sha256"] else {
            throw WeightsError(path, "no data_sha256 in the metadata: not a file tools/setup/fetch-weights wrote")
        }
        if !(state?.remembers(recorded) ?? false) {   // hashed once per state of the file
            let hash = file.dataSHA256
            guard recorded == hash else {
                throw WeightsError(path, "altered or damaged: its data's SHA-256 is \(hash), the conversion "
                    + "recorded \(recorded); \(WeightsError.hint)")
            }
            if let state, VerifiedWeights(path)?.stamp == state.stamp { state.remember(recorded) }
        }
        guard let normalization = InputNormalization(rawValue: file.metadata["input_normalization"] ?? "") else {
            throw WeightsError(path, "unknown input_normalization '\(file.metadata["input_normalization"] ?? "")'")
        }
        var weights: [VGGLayer: (weights: [Float], bias: [Float])] = [:]
        for l in architecture.layers {
            let (wName, bName) = (l.layer.name + ".weight", l.layer.name + ".bias")
            guard let w = file.tensor(wName), let b = file.tensor(bName) else {
                throw WeightsError(path, "missing layer \(l.layer.name); \(WeightsError.hint)")
            }
            let expected = [l.outChannels, l.inChannels, 3, 3]
            guard file.shapes[wName] == expected, file.shapes[bName] == [l.outChannels] else {
                throw WeightsError(path, "layer \(l.layer.name) has shape \(file.shapes[wName] ?? []), expected "
                    + "\(expected)")
            }
            weights[l.layer] = (w, b)
        }
        return VGGNetwork(architecture: architecture, weights: weights, pooling: pooling, padding: padding,
                          inputNormalization: normalization, dataSHA256: recorded, through: deepest)
    }

    /// Runs the network on `rgb` (3 channels, RGB values 0…255) up to the tape's deepest layer, recording every
    /// activation (after ReLU) and pooling argmax in `tape`.
    package func forward(_ rgb: BlockedTensor, recording tape: VGGTape, parallel: Parallel = .serial,
                        profile: Profile? = nil) {
        precondition(tape.network === self && rgb.shape == tape.imageShape, "VGGNetwork.forward: tape does not fit")
        normalize(rgb, into: tape.input)
        var x = tape.input
        for i in 0..<tape.depth {
            let layer = architecture.layers[i].layer
            if i > 0 && layer.conv == 1 {   // a new block starts: pool the previous block's output
                let b = layer.block - 2
                profile.measure("pooling forward") {
                    switch pooling {
                    case .max: MaxPool2D.forward(x, into: tape.pooled[b], argmax: tape.argmax[b]!, parallel: parallel)
                    case .average: AvgPool2D.forward(x, into: tape.pooled[b], parallel: parallel)
                    }
                }
                x = tape.pooled[b]
            }
            profile.measure("\(layer) forward") {
                convolutions[i].forward(x, into: tape.activations[i], relu: true, parallel: parallel)
            }
            x = tape.activations[i]
        }
        tape.recorded = true
    }

    /// Propagates gradients down to the image: `gradRGB` is overwritten with ∂L/∂rgb. For each layer of `seeded`,
    /// when the walk reaches it, `seed(layer, gradient, accumulate)` writes (or, with `accumulate`, adds) ∂L/∂(output
    /// of `layer` after ReLU) into `gradient`; the deepest recorded layer must be seeded. Requires a `forward` on the
    /// same tape. Gradients live in two buffers the walk alternates between, not one per layer.
    package func backward(_ tape: VGGTape, seeded: Set<VGGLayer>, seed: (VGGLayer, BlockedTensor, Bool) -> Void,
                         into gradRGB: BlockedTensor, parallel: Parallel = .serial, profile: Profile? = nil) {
        precondition(tape.recorded, "VGGNetwork.backward needs a forward pass on this tape first")
        precondition(gradRGB.shape == tape.imageShape, "VGGNetwork.backward: gradient shape")
        let layers = architecture.layers
        precondition(seeded.contains(layers[tape.depth - 1].layer), "the deepest recorded layer must be seeded")
        let buffers = tape.backwardBuffers()
        buffers.gradients[tape.depth - 1].clearBorder()
        for i in (0..<tape.depth).reversed() {
            let g = buffers.gradients[i], layer = layers[i].layer
            if seeded.contains(layer) { seed(layer, g, i < tape.depth - 1) }
            profile.measure("ReLU backward") { ReLU.backward(g, output: tape.activations[i], into: g, parallel: parallel) }
            if i == 0 {
                profile.measure("\(layer) backward") {
                    convolutions[0].backwardInput(g, into: tape.inputGradient, parallel: parallel)
                }
                continue
            }
            let below = buffers.gradients[i - 1]
            if layer.conv == 1 {
                let pooled = buffers.pooled[layer.block - 2], argmax = tape.argmax[layer.block - 2]
                pooled.clearBorder()
                profile.measure("\(layer) backward") { convolutions[i].backwardInput(g, into: pooled, parallel: parallel) }
                below.clearBorder()
                profile.measure("pooling backward") {
                    switch pooling {
                    case .max: MaxPool2D.backward(pooled, argmax: argmax!, into: below, parallel: parallel)
                    case .average: AvgPool2D.backward(pooled, into: below, parallel: parallel)
                    }
                }
            } else {
                below.clearBorder()
                profile.measure("\(layer) backward") { convolutions[i].backwardInput(g, into: below, parallel: parallel) }
            }
        }
        denormalizeGradient(tape.inputGradient, into: gradRGB)
    }

    /// input[k] = scale_k · rgb[source_k] + offset_k on the interior; the border is the first convolution's
    /// padding of the normalised input (zeros, as Keras and PyTorch pad it, unless `padding` says otherwise).
    func normalize(_ rgb: BlockedTensor, into input: BlockedTensor) {
        input.mapChannels(from: rgb, normalizationMap)
    }

    /// ∂L/∂rgb[source_k] = scale_k · ∂L/∂input[k].
    func denormalizeGradient(_ gradInput: BlockedTensor, into gradRGB: BlockedTensor) {
        gradRGB.mapChannels(from: gradInput, gradientMap)
    }
}

/// Everything one forward pass records, and the gradient buffers of the backward, for one image size and depth.
/// Allocated once and reused every iteration.
public final class VGGTape {
    public let network: VGGNetwork
    /// The RGB image's shape (3 × H × W).
    public let imageShape: Shape
    /// How many convolutions the forward runs (up to and including the deepest requested layer).
    public let depth: Int
    let input: BlockedTensor, inputGradient: BlockedTensor
    let activations: [BlockedTensor]
    let pooled: [BlockedTensor]
    let argmax: [MaxPoolArgmax?]
    var recorded = false
    /// The backward's gradients: views into two buffers, made at the first backward (a forward-only tape, such as
    /// the style image's, never allocates them).
    private var buffers: (gradients: [BlockedTensor], pooled: [BlockedTensor])?

    /// A tape for `height`×`width` images, deep enough for `deepest`.
    public init(network: VGGNetwork, height: Int, width: Int, deepest: VGGLayer) {
        guard let last = network.architecture.index(of: deepest) else {
            preconditionFailure("VGGTape: the network has no layer \(deepest)")
        }
        precondition(last < network.depth, "VGGTape: the network was packed only as far as layer \(network.depth)")
        self.network = network
        imageShape = Shape(channels: 3, height: height, width: width)
        depth = last + 1
        input = BlockedTensor(imageShape)
        inputGradient = BlockedTensor(imageShape)
        var acts: [BlockedTensor] = []
        var pooled: [BlockedTensor] = [], argmax: [MaxPoolArgmax?] = []
        var (h, w) = (height, width)
        for l in network.architecture.layers.prefix(depth) {
            if l.layer.conv == 1 && l.layer.block > 1 {
                let s = pooledShape(Shape(channels: l.inChannels, height: h, width: w))
                (h, w) = (s.height, s.width)
                pooled.append(BlockedTensor(s))
                argmax.append(network.pooling == .max ? MaxPoolArgmax(s) : nil)
            }
            let s = Shape(channels: l.outChannels, height: h, width: w)
            acts.append(BlockedTensor(s))
        }
        (activations, self.pooled, self.argmax) = (acts, pooled, argmax)
    }

    /// Which of the two buffers each gradient uses, walking down as the backward does: a layer's input gradient
    /// goes to the other buffer than its output gradient; below a pooling, the pooled gradient takes the other
    /// buffer and the gradient under it returns to the first (the output gradient is spent by then).
    static func bufferPlan(_ layers: [VGGLayer]) -> (gradients: [Int], pooled: [Int: Int]) {
        var gradients = Array(repeating: 0, count: layers.count), pooled: [Int: Int] = [:]
        var current = 0
        for i in layers.indices.reversed() where i > 0 {
            gradients[i] = current
            if layers[i].conv == 1 { pooled[layers[i].block - 2] = 1 - current } else { current = 1 - current }
        }
        gradients[0] = current
        return (gradients, pooled)
    }

    func backwardBuffers() -> (gradients: [BlockedTensor], pooled: [BlockedTensor]) {
        if let buffers { return buffers }
        let plan = Self.bufferPlan(network.architecture.layers.prefix(depth).map(\.layer))
        let shapes = activations.map(\.shape) + pooled.map(\.shape)
        let largest = shapes.max { BlockedTensor.floats($0) < BlockedTensor.floats($1) }!
        let storage = [BlockedTensor(largest), BlockedTensor(largest)]
        let made = (activations.indices.map { BlockedTensor(activations[$0].shape, viewing: storage[plan.gradients[$0]]) },
                    pooled.indices.map { BlockedTensor(pooled[$0].shape, viewing: storage[plan.pooled[$0]!]) })
        buffers = made
        return made
    }

    /// The output of `layer` (after ReLU) from the last forward.
    package func output(_ layer: VGGLayer) -> BlockedTensor { activations[index(layer)] }

    private func index(_ layer: VGGLayer) -> Int {
        guard let i = network.architecture.index(of: layer), i < depth else {
            preconditionFailure("VGGTape: \(layer) is not recorded (depth \(depth))")
        }
        return i
    }
}

extension VGGTape {
    /// Bytes a tape for `height`×`width` images up to `deepest` allocates (activations, pooled maps, argmaxes, the
    /// normalised input and its gradient, and the backward's two gradient buffers).
    public static func bytes(architecture: VGGArchitecture, pooling: Pooling, height: Int, width: Int,
                             deepest: VGGLayer) -> Int {
        func tensor(_ c: Int, _ h: Int, _ w: Int) -> Int { 4 * BlockedTensor.floats(Shape(channels: c, height: h, width: w)) }
        var total = 2 * tensor(3, height, width), largest = 0
        var (h, w) = (height, width)
        for l in architecture.layers {
            if l.layer.conv == 1 && l.layer.block > 1 {
                (h, w) = (h / 2, w / 2)
                total += tensor(l.inChannels, h, w) + (pooling == .max ? (l.inChannels + 7) / 8 * 32 * h * w : 0)
                largest = max(largest, tensor(l.inChannels, h, w))
            }
            total += tensor(l.outChannels, h, w)
            largest = max(largest, tensor(l.outChannels, h, w))
            if l.layer == deepest { break }
        }
        return total + 2 * largest
    }
}

extension VGGArchitecture {
    /// Bytes of the packed weights a network of this architecture holds as far as `deepest` (nil: all layers):
    /// forward and backward packings, 9 taps per channel pair for direct layers, 16 transformed taps for F(2×2) and
    /// 36 for F(4×4).
    public func packedWeightBytes(through deepest: VGGLayer? = nil) -> Int {
        func taps(_ s: ConvStrategy) -> Int { [ConvStrategy.direct: 9, .winograd: 16, .winograd4x4: 36][s]! }
        let depth = deepest.map { index(of: $0)! + 1 } ?? layers.count
        return layers.prefix(depth).reduce(0) { total, l in
            let forward = (l.outChannels + 15) / 16 * ((l.inChannels + 7) / 8)
            let backward = (l.inChannels + 15) / 16 * ((l.outChannels + 7) / 8)
            return total + 4 * 128 * (taps(.automatic(inChannels: l.inChannels, outChannels: l.outChannels)) * forward
                + taps(.automaticBackward(inChannels: l.inChannels, outChannels: l.outChannels)) * backward)
        }
    }

    /// Bytes of the weights the border's gradient reads in the convolutions `padding` pads with other than zeros
    /// as far as `deepest` (nil: all layers; 9 taps × Cout × Cin rounded up to 8, per such convolution; see
    /// ConvBorder.swift).
    public func borderWeightBytes(_ padding: NetworkPadding, through deepest: VGGLayer? = nil) -> Int {
        let depth = deepest.map { index(of: $0)! + 1 } ?? layers.count
        return (0..<depth).reduce(0) { total, i in
            let l = layers[i]
            return total + (padding.mode(ofLayer: i) == .zeros ? 0 : 4 * 9 * l.outChannels * ((l.inChannels + 7) / 8 * 8))
        }
    }

    /// Floats of weights and biases as stored in a weights file.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.outChannels * ($1.inChannels * 9 + 1) } }
}
