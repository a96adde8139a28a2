// Shape: the dimensions of one image-shaped tensor (channels × height × width).

/// Dimensions of a single feature map stack: `channels` planes of `height` rows of `width` values.
public struct Shape: Hashable, Sendable, CustomStringConvertible {
    public var channels: Int
    public var height: Int
    public var width: Int

    public init(channels: Int, height: Int, width: Int) {
        precondition(channels > 0 && height > 0 && width > 0, "Shape: dimensions must be positive")
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// channels · height · width.
    public var count: Int { channels * height * width }
    /// height · width.
    public var pixels: Int { height * width }

    public var description: String { "\(channels)×\(height)×\(width)" }
}
