// Checkpoint: a run's whole state in a folder (state.bin, and the trace and timelapse frames so far), written
// atomically, so `stylelapse stylize --resume` continues the same run bit for bit.
//
// state.bin: "SLCK", u32 version, u32 header length, JSON header (the run's options and scalar state, and the list
// of arrays), then the arrays' raw little-endian values in that order (f4 or f8).

import Foundation
import ImageFiles
import Objective
import Optimization

/// The options of a run, as the command line gave them: what a resumed run needs to rebuild the same objective.
public struct RunOptions: Codable, Sendable {
    public var content: String, contentSHA256: String
    public var styles: [String], styleSHA256s: [String], styleBlend: [Double]
    public var styleScale: Double, pooling: String, preserveColor: String?, smooth: Double?
    public var initialization: String
    public var seed: UInt64
    public var optimizer: String
    public var iterations: Int
    public var learningRate: Double, beta1: Double, beta2: Double, epsilon: Double
    public var historySize: Int
    public var contentWeight: Double, styleWeight: Double, tvWeight: Double
    /// `LossNormalization`'s raw value (nil: none).
    public var normalization: String?
    public var maxSize: Int
    /// Whether a photo smaller than `maxSize` is enlarged to it (nil in older checkpoints: no).
    public var upscale: Bool?
    /// Coarse-to-fine levels and the steps of each coarser pass (nil in checkpoints written before they existed: 1).
    public var scales: Int?, coarseIterations: Int?
    public var output: String, video: String?, trace: String?, frames: String?
    public var every: Int, fps: Int, hold: Double
    public var weights: String

    public init(content: String, contentSHA256: String, styles: [String], styleSHA256s: [String], styleBlend: [Double],
                styleScale: Double, pooling: String, preserveColor: String?, smooth: Double?, initialization: String,
                seed: UInt64, settings: StylizeSettings, maxSize: Int, output: String, video: String?, trace: String?,
                frames: String?, every: Int, fps: Int, hold: Double, weights: String) {
        (self.content, self.contentSHA256, self.styles, self.styleSHA256s) = (content, contentSHA256, styles, styleSHA256s)
        (self.styleBlend, self.styleScale, self.pooling) = (styleBlend, styleScale, pooling)
        (self.preserveColor, self.smooth) = (preserveColor, smooth)
        (self.initialization, self.seed, self.optimizer) = (initialization, seed, settings.optimizer.rawValue)
        iterations = settings.iterations
        (learningRate, beta1, beta2, epsilon) = (settings.adam.learningRate, settings.adam.beta1, settings.adam.beta2,
                                                 settings.adam.epsilon)
        historySize = settings.lbfgs.historySize
        (contentWeight, styleWeight, tvWeight) = (settings.objective.contentWeight, settings.objective.styleWeight,
                                                  settings.objective.tvWeight)
        normalization = settings.objective.normalization == .none ? nil : settings.objective.normalization.rawValue
        (self.maxSize, self.output, self.video, self.trace, self.frames) = (maxSize, output, video, trace, frames)
        (self.every, self.fps, self.hold, self.weights) = (every, fps, hold, weights)
    }
}

/// Where a coarse-to-fine run stands: which pass, and what the passes before it recorded.
public struct PassPosition: Codable, Sendable, Equatable {
    /// 0 for the first (coarsest) pass.
    public var index: Int
    /// The run-wide number of this pass's iteration 0 (every pass's iterations are numbered on from the last).
    public var firstIteration: Int
    /// Evaluations and seconds spent in the passes before.
    public var evaluationsBefore: Int, secondsBefore: Double

    public init(index: Int = 0, firstIteration: Int = 0, evaluationsBefore: Int = 0, secondsBefore: Double = 0) {
        (self.index, self.firstIteration) = (index, firstIteration)
        (self.evaluationsBefore, self.secondsBefore) = (evaluationsBefore, secondsBefore)
    }
}

private struct Header: Codable {
    var version: Int
    var options: RunOptions
    /// nil in checkpoints of single-pass runs written before coarse-to-fine could be checkpointed.
    var pass: PassPosition?
    var iteration: Int, evaluations: Int, elapsed: Double
    var loss: Loss, bestIteration: Int, bestLoss: Loss
    var adamStep: Int?, adamLearningRate: Double?
    var lbfgsValue: Double?, lbfgsPairs: Int?
    var arrays: [ArrayEntry]

    struct Loss: Codable {
        var total: Double, style: Double, content: Double, tv: Double, styleLayers: [Double]
        init(_ l: LossBreakdown) { (total, style, content, tv, styleLayers) = (l.total, l.style, l.content, l.tv, l.styleLayers) }
        var breakdown: LossBreakdown { LossBreakdown(total: total, style: style, content: content, tv: tv, styleLayers: styleLayers) }
    }
    struct ArrayEntry: Codable { var name: String; var dtype: String; var count: Int }
}

public enum Checkpoint {
    public static let version = 1

    /// The state file inside a checkpoint folder.
    public static func statePath(_ folder: String) -> String { folder + "/state.bin" }
    public static func framesFolder(_ folder: String) -> String { folder + "/frames" }
    public static func tracePath(_ folder: String) -> String { folder + "/trace.jsonl" }

    /// Writes `state` (the state of the pass at `pass`), `options` and the timelapse's moving average `smoothed`
    /// to `folder`/state.bin atomically (the folder must exist).
    public static func save(_ state: RunState, options: RunOptions, pass: PassPosition = PassPosition(),
                            smoothed: [Float]? = nil, to folder: String) throws {
        var arrays: [(String, [Float]?, [Double]?)] = [("x", state.x, nil), ("gradient", state.gradient, nil),
                                                         ("best", state.best, nil)]
        if let smoothed { arrays.append(("smoothed", smoothed, nil)) }
        if let adam = state.adam { arrays += [("adam_m", adam.m, nil), ("adam_v", adam.v, nil)] }
        if let lbfgs = state.lbfgs {
            let h = lbfgs.history
            arrays += [("lbfgs_x", lbfgs.x, nil), ("lbfgs_gradient", lbfgs.gradient, nil), ("lbfgs_rho", nil, h.rho)]
            for (i, (s, y)) in zip(h.s, h.y).enumerated() { arrays += [("lbfgs_s\(i)", s, nil), ("lbfgs_y\(i)", y, nil)] }
        }
        let header = Header(
            version: version, options: options, pass: pass, iteration: state.iteration, evaluations: state.evaluations,
            elapsed: state.elapsedBefore, loss: .init(state.loss), bestIteration: state.bestIteration,
            bestLoss: .init(state.bestLoss), adamStep: state.adam?.t, adamLearningRate: state.adam?.settings.learningRate,
            lbfgsValue: state.lbfgs?.value, lbfgsPairs: state.lbfgs?.history.s.count,
            arrays: arrays.map { .init(name: $0.0, dtype: $0.1 != nil ? "f4" : "f8", count: $0.1?.count ?? $0.2!.count) })
        let json = [UInt8](try JSONEncoder().encode(header))
        var out = Array("SLCK".utf8)
        withUnsafeBytes(of: UInt32(version).littleEndian) { out += $0 }
        withUnsafeBytes(of: UInt32(json.count).littleEndian) { out += $0 }
        out += json
        for (_, floats, doubles) in arrays {
            if let floats { for v in floats { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } } }
            if let doubles { for v in doubles { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } } }
        }
        try AtomicFile.write(out, to: statePath(folder))
    }

    /// Reads a checkpoint folder: the options, the pass and the state (of that pass) to continue from, and the
    /// timelapse's moving average.
    public static func load(_ folder: String) throws -> (options: RunOptions, pass: PassPosition, state: RunState,
                                                          smoothed: [Float]?) {
        let path = statePath(folder)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImageFileError(folder, "no checkpoint here (missing state.bin)")
        }
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        guard bytes.count >= 12, Array(bytes[0..<4]) == Array("SLCK".utf8) else {
            throw ImageFileError(path, "not a StyleLapse checkpoint")
        }
        guard u32(4) == version else { throw ImageFileError(path, "checkpoint version \(u32(4)); this build reads \(version)") }
        let length = u32(8)
        guard 12 + length <= bytes.count, let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[12..<(12 + length)])) else {
            throw ImageFileError(path, "damaged checkpoint header")
        }
        var offset = 12 + length
        var floats: [String: [Float]] = [:], doubles: [String: [Double]] = [:]
        for a in header.arrays {
            let size = a.dtype == "f8" ? 8 : 4
            guard offset + size * a.count <= bytes.count else { throw ImageFileError(path, "truncated checkpoint") }
            bytes.withUnsafeBytes { raw in
                if size == 8 {
                    doubles[a.name] = (0..<a.count).map {
                        Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8 * $0, as: UInt64.self)))
                    }
                } else {
                    floats[a.name] = (0..<a.count).map {
                        Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * $0, as: UInt32.self)))
                    }
                }
            }
            offset += size * a.count
        }
        let o = header.options
        var adam: Adam?
        if let t = header.adamStep, let lr = header.adamLearningRate, let m = floats["adam_m"], let v = floats["adam_v"] {
            var a = Adam(count: m.count, settings: AdamSettings(learningRate: lr, beta1: o.beta1, beta2: o.beta2,
                                                                epsilon: o.epsilon))
            a.restore(m: m, v: v, t: t)
            adam = a
        }
        var lbfgs: ProjectedLBFGS?
        if let value = header.lbfgsValue, let pairs = header.lbfgsPairs, let x = floats["lbfgs_x"],
           let g = floats["lbfgs_gradient"], let rho = doubles["lbfgs_rho"] {
            var settings = LBFGSSettings()
            settings.historySize = o.historySize
            lbfgs = ProjectedLBFGS(x: x, value: value, gradient: g,
                                   history: ((0..<pairs).map { floats["lbfgs_s\($0)"]! },
                                             (0..<pairs).map { floats["lbfgs_y\($0)"]! }, rho),
                                   lower: 0, upper: 255, settings: settings)
        }
        guard let x = floats["x"], let gradient = floats["gradient"], let best = floats["best"], adam != nil || lbfgs != nil else {
            throw ImageFileError(path, "checkpoint lacks the optimiser's state")
        }
        let state = RunState(iteration: header.iteration, evaluations: header.evaluations, elapsedBefore: header.elapsed,
                             x: x, loss: header.loss.breakdown, gradient: gradient, best: best,
                             bestIteration: header.bestIteration, bestLoss: header.bestLoss.breakdown, adam: adam,
                             lbfgs: lbfgs)
        return (o, header.pass ?? PassPosition(), state, floats["smoothed"])
    }
}
