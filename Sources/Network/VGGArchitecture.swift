// VGGArchitecture and VGGLayer: a VGG network as data (convolutions per block and their widths), and typed layer
// names. Strings such as "block4_conv1" appear only at the weight-file boundary.

/// A convolution layer of a VGG network, 1-based as Keras names them: `block4_conv1` is (block 4, conv 1).
public struct VGGLayer: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let block: Int
    public let conv: Int

    public init(block: Int, conv: Int) {
        self.block = block
        self.conv = conv
    }

    /// The layer's key prefix in weight files, e.g. "block4_conv1".
    public var name: String { "block\(block)_conv\(conv)" }
    public var description: String { name }

    public static func < (a: VGGLayer, b: VGGLayer) -> Bool { (a.block, a.conv) < (b.block, b.conv) }

    public static let block1Conv1 = VGGLayer(block: 1, conv: 1), block1Conv2 = VGGLayer(block: 1, conv: 2)
    public static let block2Conv1 = VGGLayer(block: 2, conv: 1), block2Conv2 = VGGLayer(block: 2, conv: 2)
    public static let block3Conv1 = VGGLayer(block: 3, conv: 1), block3Conv2 = VGGLayer(block: 3, conv: 2)
    public static let block3Conv3 = VGGLayer(block: 3, conv: 3), block3Conv4 = VGGLayer(block: 3, conv: 4)
    public static let block4Conv1 = VGGLayer(block: 4, conv: 1), block4Conv2 = VGGLayer(block: 4, conv: 2)
    public static let block4Conv3 = VGGLayer(block: 4, conv: 3), block4Conv4 = VGGLayer(block: 4, conv: 4)
    public static let block5Conv1 = VGGLayer(block: 5, conv: 1), block5Conv2 = VGGLayer(block: 5, conv: 2)
    public static let block5Conv3 = VGGLayer(block: 5, conv: 3), block5Conv4 = VGGLayer(block: 5, conv: 4)
}

/// A VGG-style network: blocks of 3×3 convolutions (each followed by ReLU), a 2×2 pooling after each block.
public struct VGGArchitecture: Sendable, Equatable {
    /// Per block: how many convolutions, and their output width.
    public let blocks: [(convolutions: Int, width: Int)]

    public init(blocks: [(convolutions: Int, width: Int)]) {
        self.blocks = blocks
        var out: [(VGGLayer, Int, Int)] = []
        var channels = 3
        for (b, block) in blocks.enumerated() {
            for c in 0..<block.convolutions {
                out.append((VGGLayer(block: b + 1, conv: c + 1), channels, block.width))
                channels = block.width
            }
        }
        layers = out
    }

    /// VGG19 (Simonyan & Zisserman 2014, configuration E): 2, 2, 4, 4, 4 convolutions of 64 … 512 channels.
    public static let vgg19 = VGGArchitecture(blocks: [(2, 64), (2, 128), (4, 256), (4, 512), (4, 512)])

    /// VGG19's shape at reduced widths: the seeded test network whose fixtures need no download.
    public static let miniVGG19 = VGGArchitecture(blocks: [(2, 4), (2, 8), (4, 8), (4, 16), (4, 16)])

    /// Every convolution in order, with its input and output channels (the image has 3).
    public let layers: [(layer: VGGLayer, inChannels: Int, outChannels: Int)]

    /// The position of `layer` in `layers`, or nil when the network has no such layer.
    public func index(of layer: VGGLayer) -> Int? { layers.firstIndex { $0.layer == layer } }

    public static func == (a: VGGArchitecture, b: VGGArchitecture) -> Bool {
        a.blocks.map { [$0.convolutions, $0.width] } == b.blocks.map { [$0.convolutions, $0.width] }
    }
}

/// The pooling after each block.
public enum Pooling: String, Sendable, Codable, CaseIterable {
    /// 2×2 max pooling, stride 2 (VGG's own).
    case max
    /// 2×2 average pooling, stride 2 (Gatys et al. found it gives slightly smoother results).
    case average
}
