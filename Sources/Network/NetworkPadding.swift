// NetworkPadding: which of VGG19's convolutions pad their input with what (zeros everywhere is VGG's own).

import Engine

/// The padding of a VGG network's convolutions: `mode` in the first convolution only, or in every one; the others
/// pad with zeros.
public struct NetworkPadding: Hashable, Sendable, Codable, CustomStringConvertible {
    public var mode: PaddingMode
    /// Every convolution pads with `mode`; false: only the first (the one that reads the picture).
    public var everyLayer: Bool

    public init(_ mode: PaddingMode, everyLayer: Bool = false) { (self.mode, self.everyLayer) = (mode, everyLayer) }

    /// VGG's own: zeros in every convolution (Keras' padding='same').
    public static let zeros = NetworkPadding(.zeros)

    /// The padding of convolution `index` (0: the first).
    public func mode(ofLayer index: Int) -> PaddingMode { index == 0 || everyLayer ? mode : .zeros }

    /// The names the command line takes: zeros, replicate, reflect (the first convolution), replicate-all,
    /// reflect-all (every convolution).
    public static let names = ["zeros", "replicate", "reflect", "replicate-all", "reflect-all"]

    /// A padding by its name (see `names`).
    public init?(name: String) {
        let all = name.hasSuffix("-all")
        guard let mode = PaddingMode(rawValue: all ? String(name.dropLast(4)) : name), !(all && mode == .zeros) else {
            return nil
        }
        self.init(mode, everyLayer: all && mode != .zeros)
    }

    public var description: String { mode == .zeros ? "zeros" : mode.rawValue + (everyLayer ? "-all" : "") }
}
