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
    /// How the objective is evaluated (nil: the whole picture on one tape, the full tape).
    public let recompute: RecomputePlan?
    /// L-BFGS's curvature pairs in a temporary file rather than in memory (`CurvaturePairs`).
    public let spillsPairs: Bool

    /// `recompute`: the objective evaluated recomputing (`StyleObjective(recompute:)`): the blocks' inputs and
    /// the slabs' storage instead of the whole picture's tape, for the photo and for the painting. `guided`: the
    /// objective has masks, with this many style regions (`StyleObjective(guides:)`: each region's Grams, its guides
    /// at every style layer, and one guided map per style layer's shape, the whole map's at most).
    public init(architecture: VGGArchitecture = .vgg19, pooling: Pooling = .max, padding: NetworkPadding = .zeros,
                objective: ObjectiveSettings, content: (width: Int, height: Int), style: (width: Int, height: Int),
                optimizer: OptimizerChoice, historySize: Int, video: Bool, recompute: RecomputePlan? = nil,
                spillsPairs: Bool = false, optimizerCopies: Int? = nil, guided regions: Int? = nil) {
        self.recompute = recompute
        self.spillsPairs = spillsPairs && optimizer == .lbfgs
        /// The bytes of the tape for a picture: the whole picture's, or the recomputing one's (its gradient buffers
        /// only when the backward runs).
        func tape(_ size: (width: Int, height: Int), _ deepest: VGGLayer, backward: Bool) -> Int {
            guard let recompute else {
                return VGGTape.bytes(architecture: architecture, pooling: pooling, height: size.height, width: size.width,
                                     deepest: deepest)
            }
            return RecomputingTape.bytes(architecture: architecture, pooling: pooling, height: size.height,
                                          width: size.width, deepest: deepest, plan: recompute, backward: backward)
        }
        let packed = architecture.packedWeightBytes(through: objective.deepestLayer)
            + architecture.borderWeightBytes(padding, through: objective.deepestLayer)
        let file = 4 * architecture.parameterCount
        // Packing runs layer by layer from the file's floats; Winograd layers also hold their OIHW copy turned for
        // the backward pass while they are transformed.
        loading = Self.base + max(3 * file, file + packed)
        let contentTape = tape(content, objective.deepestLayer, backward: true)
        let styleTape = tape(style, objective.styleLayers.map(\.layer).max()!, backward: false)
        let widths = architecture.layers.reduce(into: [VGGLayer: Int]()) { $0[$1.layer] = $1.outChannels }
        // Per layer and region: the painting's Gram, the picture's and its gradient, and that gradient packed.
        let grams = (regions ?? 1) * objective.styleLayers.reduce(0) { $0 + 4 * 4 * widths[$1.layer]! * widths[$1.layer]! }
        let maps = architecture.mapShapes(height: content.height, width: content.width)
        let guided = regions.map { r in
            Set(objective.styleLayers.map { maps[$0.layer]! }).reduce(0) { $0 + BlockedTensor.bytes($1) }
                + objective.styleLayers.reduce(0) { $0 + r * 2 * 4 * maps[$1.layer]!.pixels }
        } ?? 0
        // W2 (`W2Measure`): per layer and region six C×C Double matrices (the painting's root, the image's moment,
        // covariance and gradient, two products) and an eigendecomposition's two at a time.
        let w2 = objective.styleLoss == .w2
            ? (regions ?? 1) * objective.styleLayers.reduce(0) { $0 + 8 * 8 * widths[$1.layer]! * widths[$1.layer]! } : 0
        setup = Self.base + packed + styleTape + grams + w2
        let pixels = content.width * content.height
        let image = 4 * 3 * pixels                       // one planar float copy of the image
        let blocked = BlockedTensor.bytes(Shape(channels: 3, height: content.height, width: content.width))
        // The content layer's whole map (the target).
        let target = BlockedTensor.bytes(architecture.mapShapes(height: content.height, width: content.width)[objective.contentLayer]!)
        let optimizerBytes: Int
        switch (optimizer, optimizerCopies) {
        case (_, let copies?): optimizerBytes = copies * image   // as the caller counts them (the benchmark's Adam)
        case (.adam, nil): optimizerBytes = 10 * image          // x, g, m, v, the copies kept to undo a failed step
        case (.lbfgs, nil):   // history (unless spilled: one vector read back), trial point, direction (Double)
            optimizerBytes = ((spillsPairs ? 1 : 2 * historySize) + 12) * image
        }
        let frames = video ? 4 * 3 * pixels + 90 * pixels : 0   // queue of 4 RGB frames; x264's lookahead
        let winogradScratch = 8 << 20   // the transformed band of the widest layer (see WinogradConv.tilesPerBand)
        running = Self.base + packed + contentTape + grams + 2 * blocked + target + optimizerBytes + frames
            + winogradScratch + guided + w2
    }

    /// The fastest plan whose peak fits `limit` (`plans`); nil when none does. The other parameters are the
    /// initialiser's.
    public static func fastest(within limit: Int, architecture: VGGArchitecture = .vgg19, pooling: Pooling = .max,
                               padding: NetworkPadding = .zeros, objective: ObjectiveSettings,
                               content: (width: Int, height: Int), style: (width: Int, height: Int),
                               optimizer: OptimizerChoice, historySize: Int, video: Bool,
                               optimizerCopies: Int? = nil) -> MemoryPlan? {
        plans(architecture: architecture, pooling: pooling, padding: padding, objective: objective, content: content,
              style: style, optimizer: optimizer, historySize: historySize, video: video,
              optimizerCopies: optimizerCopies).first { $0.peak <= limit }
    }

    /// The plans to try, fastest first: each of `evaluations` (default: `candidates`) with L-BFGS's pairs as each of
    /// `spills` says (default: in memory, then spilled — reading them back costs little beside an evaluation at the
    /// sizes that need it). The other parameters are the initialiser's.
    public static func plans(architecture: VGGArchitecture = .vgg19, pooling: Pooling = .max,
                             padding: NetworkPadding = .zeros, objective: ObjectiveSettings,
                             content: (width: Int, height: Int), style: (width: Int, height: Int),
                             optimizer: OptimizerChoice, historySize: Int, video: Bool, optimizerCopies: Int? = nil,
                             evaluations: [RecomputePlan?]? = nil, spills: [Bool] = [false, true],
                             guided: Int? = nil) -> [MemoryPlan] {
        let evaluations = evaluations ?? candidates(architecture: architecture, objective: objective,
                                                    height: max(content.height, style.height),
                                                    width: max(content.width, style.width))
        return evaluations.flatMap { plan in
            spills.map {
                MemoryPlan(architecture: architecture, pooling: pooling, padding: padding, objective: objective,
                           content: content, style: style, optimizer: optimizer, historySize: historySize, video: video,
                           recompute: plan, spillsPairs: $0, optimizerCopies: optimizerCopies, guided: guided)
            }
        }
    }

    /// The plans to try, fastest first: the full tape (nil), then recomputing plans in the order of the work they
    /// add (`RecomputePlan.extraFLOPs`) — the last blocks kept, the first ones recomputed whole, then in bands of
    /// 2048 … 16 rows; equal work, the one with fewer blocks recomputed first.
    public static func candidates(architecture: VGGArchitecture = .vgg19, objective: ObjectiveSettings, height: Int,
                                  width: Int) -> [RecomputePlan?] {
        let deepest = objective.deepestLayer
        let count = architecture.blocks(depth: architecture.index(of: deepest)! + 1).count
        let plans = (1...count).flatMap { k in
            ([nil] + (0...7).map { 2048 >> $0 }.filter { $0 < height }).map { RecomputePlan(keptFrom: k, bandRows: $0) }
        }
        let work = plans.map { $0.extraFLOPs(architecture, height: height, width: width, deepest: deepest) }
        return [nil] + plans.indices.sorted { (work[$0], plans[$0].keptFrom) < (work[$1], plans[$1].keptFrom) }.map { plans[$0] }
    }

    /// The plan `--bands N` forces: the full tape for 0, else every block but the last recomputed in bands of N rows.
    public static func forced(bands rows: Int, architecture: VGGArchitecture = .vgg19,
                              objective: ObjectiveSettings) -> RecomputePlan? {
        guard rows > 0 else { return nil }
        let count = architecture.blocks(depth: architecture.index(of: objective.deepestLayer)! + 1).count
        return RecomputePlan(keptFrom: max(1, count - 1), bandRows: rows)
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
