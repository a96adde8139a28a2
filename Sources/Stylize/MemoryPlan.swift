// MemoryPlan: the peak memory a run will need, estimated before it starts from the shapes it will allocate, so a
// run that cannot fit is refused up front with a --max-size that would.

import Engine
import Foundation
import Network
import Objective

/// The estimated peak resident memory of a stylisation run, by phase; the peak is the largest phase.
public struct MemoryPlan: Sendable {
    /// Loading the weights: first the file's bytes and its floats (and the Data they are read through), then the
    /// floats and the packed copies built from them (the bytes are released by then).
    public var loading: Int
    /// Setting up the objective: packed weights and the style image's tape (released before the content's is made).
    public var setup: Int
    /// Running: packed weights, the content tape, optimiser state, frames in flight and the encoder's buffers.
    public var running: Int
    /// The process before any of it: Swift runtime, Foundation, libpng and FFmpeg (`stylelapse info` peaks at
    /// 45 MB here).
    public static let base = 48 << 20

    public var peak: Int { max(loading, setup, running) }
    /// The rows of the bands the objective is evaluated in (nil: the whole picture on one tape).
    public let bandRows: Int?

    /// `bandRows`: the objective evaluated in bands (`StyleObjective(bandRows:)`): one slab's tape instead of the
    /// whole picture's, for the photo and for the painting.
    public init(architecture: VGGArchitecture = .vgg19, pooling: Pooling = .max, padding: NetworkPadding = .zeros,
                objective: ObjectiveSettings, content: (width: Int, height: Int), style: (width: Int, height: Int),
                optimizer: OptimizerChoice, historySize: Int, video: Bool, bandRows: Int? = nil) {
        self.bandRows = bandRows
        /// The rows a tape holds: the picture's, or a slab's.
        func tapeRows(_ height: Int, _ deepest: VGGLayer) -> Int {
            bandRows.flatMap { BandLayout(height: height, bandRows: $0, halo: architecture.reach(upTo: deepest)) }?.slabRows
                ?? height
        }
        let packed = architecture.packedWeightBytes + architecture.borderWeightBytes(padding)
        let file = 4 * architecture.parameterCount
        // Packing runs layer by layer from the file's floats; Winograd layers also hold their OIHW copy turned for
        // the backward pass while they are transformed.
        loading = Self.base + max(3 * file, file + packed)
        let contentRows = tapeRows(content.height, objective.deepestLayer)
        let contentTape = VGGTape.bytes(architecture: architecture, pooling: pooling, height: contentRows,
                                        width: content.width, deepest: objective.deepestLayer)
        let styleDeepest = objective.styleLayers.map(\.layer).max()!
        let styleRows = tapeRows(style.height, styleDeepest)
        let styleTape = VGGTape.bytes(architecture: architecture, pooling: pooling, height: styleRows,
                                      width: style.width, deepest: styleDeepest)
            + (styleRows < style.height ? 2 * BlockedTensor.bytes(Shape(channels: 3, height: styleRows, width: style.width)) : 0)
        let widths = architecture.layers.reduce(into: [VGGLayer: Int]()) { $0[$1.layer] = $1.outChannels }
        let grams = objective.styleLayers.reduce(0) { $0 + 4 * 3 * widths[$1.layer]! * widths[$1.layer]! }
        setup = Self.base + packed + styleTape + grams
        let pixels = content.width * content.height
        let image = 4 * 3 * pixels                       // one planar float copy of the image
        let blocked = BlockedTensor.bytes(Shape(channels: 3, height: content.height, width: content.width))
        // In bands: the slab of the picture and its gradient, and the content layer's whole map (the target).
        let shapes = architecture.mapShapes(height: content.height, width: content.width)
        let bands = contentRows < content.height
            ? 2 * BlockedTensor.bytes(Shape(channels: 3, height: contentRows, width: content.width))
                + BlockedTensor.bytes(shapes[objective.contentLayer]!) : 0
        let optimizerBytes: Int
        switch optimizer {
        case .adam: optimizerBytes = 10 * image          // x, g, m, v, the copies kept to undo a failed step
        case .lbfgs: optimizerBytes = (2 * historySize + 12) * image   // history, trial point, direction (Double)
        }
        let frames = video ? 4 * 3 * pixels + 90 * pixels : 0   // queue of 4 RGB frames; x264's lookahead
        let winogradScratch = 8 << 20   // the transformed band of the widest layer (see WinogradConv.tilesPerBand)
        running = Self.base + packed + contentTape + grams + 2 * blocked + bands + optimizerBytes + frames
            + winogradScratch
    }

    /// The fastest plan whose peak fits `limit`: the whole picture on one tape when it fits, else bands, the
    /// largest that fit (`candidates`); nil when none does. The other parameters are the initialiser's.
    public static func fastest(within limit: Int, architecture: VGGArchitecture = .vgg19, pooling: Pooling = .max,
                               padding: NetworkPadding = .zeros, objective: ObjectiveSettings,
                               content: (width: Int, height: Int), style: (width: Int, height: Int),
                               optimizer: OptimizerChoice, historySize: Int, video: Bool) -> MemoryPlan? {
        candidates(height: max(content.height, style.height)).lazy.map {
            MemoryPlan(architecture: architecture, pooling: pooling, padding: padding, objective: objective,
                       content: content, style: style, optimizer: optimizer, historySize: historySize, video: video,
                       bandRows: $0)
        }.first { $0.peak <= limit }
    }

    /// The plans to try, fastest first: the whole picture (nil), then bands of 2048, 1024, … 16 rows (larger bands
    /// recompute fewer halo rows) below `height`.
    public static func candidates(height: Int) -> [Int?] {
        [nil] + (0...7).map { 2048 >> $0 }.filter { $0 < height }
    }

    /// Memory the system can give this process now: MemAvailable from /proc/meminfo, if readable.
    public static var available: Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kb * 1024
    }

    /// Parses sizes such as "512M", "8G", "1500000K" or a plain number of bytes.
    public static func parseSize(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var t = text.uppercased()
        if t.hasSuffix("B") { t.removeLast() }
        if let unit = t.last, let scale = units[unit], let value = Double(t.dropLast()), value > 0 {
            return Int(value * Double(scale))
        }
        return Int(t).flatMap { $0 > 0 ? $0 : nil }
    }
}
