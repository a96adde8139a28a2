// `stylelapse stylize`: a photo and a painting in; the best stylised picture, and optionally a timelapse of its
// making, every frame as PNG, and a per-iteration trace out.

import ArgumentParser
import Engine
import Foundation
import ImageFiles
import Network
import Objective
import Optimization
import Stylize
import Timelapse

struct StylizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stylize",
        abstract: "Paint a photo in the style of a painting, and film it as it happens.",
        discussion: """
            The default optimiser is projected L-BFGS (300 steps). --preset report reproduces the origin report's \
            run: Adam (lr 2, β1 0.99, β2 0.999, ε 0.1, TensorFlow 1's form), 7500 steps from the content image, \
            content weight 1e3, style weight 1e-2, pixels clipped after every step; the report's best-looking run \
            used --style-weight 1e-3. Options given after a preset override it.
            """)

    @Option(help: "The photo.") var content: String
    @Option(help: "The painting whose style to take.") var style: String
    @Option(help: "The best image, PNG (default: <content name>-stylized.png here).") var output: String?
    @Option(help: "The timelapse, MP4.") var video: String?
    @Option(help: "Also write every frame as a numbered PNG into this folder.") var frames: String?
    @Option(help: "One JSON object per iteration, JSON lines.") var trace: String?
    @Option(help: "Optimiser steps (default 300 with L-BFGS, 7500 with the report preset).") var iterations: Int?
    @Option(help: "lbfgs or adam.") var optimizer: OptimizerChoice?
    @Option(help: "Adam's learning rate.") var learningRate: Double?
    @Option(help: "Adam's β1.") var beta1: Double?
    @Option(help: "Adam's β2.") var beta2: Double?
    @Option(help: "Adam's ε.") var epsilon: Double?
    @Option(help: "Weight of the content loss (default 1e3).") var contentWeight: Double?
    @Option(help: "Weight of the style loss (default 1e-2; the report's best run used 1e-3).") var styleWeight: Double?
    @Option(help: "Weight of the total-variation loss (default 0).") var tvWeight: Double?
    @Option(help: "report: the origin report's exact settings.") var preset: Preset?
    @Option(help: "Longer-side limit in pixels; a picture no larger is used at its own size.") var maxSize: Int = 512
    @Option(help: "Start from: content, noise, or a picture's path.") var `init`: String = "content"
    @Option(help: "Seed for noise initialisation.") var seed: UInt64 = 0
    @Option(help: "Worker threads (default: all cores).") var threads: Int?
    @Option(help: "Weights file (default: where tools/fetch-weights puts it).") var weights: String?
    @Option(help: "Timelapse frames per second.") var fps: Int = 30
    @Option(help: "Only iterations 0, K, 2K, … and the last become frames.") var every: Int = 1
    @Option(help: "Seconds to hold the last frame at the end of the timelapse.") var hold: Double = 2
    @Flag(help: "No progress or summary.") var quiet = false

    enum Preset: String, ExpressibleByArgument { case report }

    func validate() throws {
        if let n = iterations, n < 0 { throw ValidationError("--iterations must be 0 or more") }
        guard maxSize >= 16 else { throw ValidationError("--max-size must be at least 16 (VGG19 pools 4 times)") }
        guard every >= 1 else { throw ValidationError("--every must be at least 1") }
        guard (1...240).contains(fps) else { throw ValidationError("--fps must be 1…240") }
        guard hold >= 0 && hold <= 3600 else { throw ValidationError("--hold must be 0…3600 seconds") }
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
        if let lr = learningRate, !(lr > 0) { throw ValidationError("--learning-rate must be positive") }
        for (name, w) in [("content", contentWeight), ("style", styleWeight), ("tv", tvWeight)] {
            if let w, !(w >= 0) || !w.isFinite { throw ValidationError("--\(name)-weight must be 0 or more") }
        }
    }

    /// The run's settings: the preset (or the default), then every option given.
    func settings() -> StylizeSettings {
        var s = preset == .report ? StylizeSettings.report : StylizeSettings.standard
        if let optimizer { s.optimizer = optimizer }
        if let iterations { s.iterations = iterations }
        if let learningRate { s.adam.learningRate = learningRate }
        if let beta1 { s.adam.beta1 = beta1 }
        if let beta2 { s.adam.beta2 = beta2 }
        if let epsilon { s.adam.epsilon = epsilon }
        if let contentWeight { s.objective.contentWeight = contentWeight }
        if let styleWeight { s.objective.styleWeight = styleWeight }
        if let tvWeight { s.objective.tvWeight = tvWeight }
        s.seed = seed
        switch self.`init` {
        case "content": s.initialization = .content
        case "noise": s.initialization = .noise
        default: s.initialization = .image(path: self.`init`)
        }
        // Test hook: STYLELAPSE_TEST_NONFINITE=3,7 poisons the gradient of evaluations 3 and 7.
        if let list = ProcessInfo.processInfo.environment["STYLELAPSE_TEST_NONFINITE"] {
            s.injectNonFinite = Set(list.split(separator: ",").compactMap { Int($0) })
        }
        return s
    }

    func run() throws {
        let outputPath = output ?? (((content as NSString).lastPathComponent as NSString).deletingPathExtension
            + "-stylized.png")
        // Every output location is checked before any work starts.
        for path in [outputPath, video, trace].compactMap({ $0 }) { try AtomicFile.checkWritable(path) }
        if let frames { try Self.prepareFolder(frames) }
        let weightsPath = weights ?? WeightsLocation.defaultPath
        guard FileManager.default.fileExists(atPath: weightsPath) else {
            throw WeightsError(weightsPath, "no weights file; fetch and convert the VGG19 weights with: bash tools/fetch-weights")
        }
        let settings = settings()
        let parallel = Parallel(workers: threads ?? System.activeProcessorCount)

        let contentImage = try ImageFile.read(content).resized(maxSide: maxSize)
        let styleImage = try ImageFile.read(style).resized(maxSide: maxSize)
        for (path, image) in [(content, contentImage), (style, styleImage)] where min(image.width, image.height) < 16 {
            throw ImageFileError(path, "is \(image.width)×\(image.height) at this --max-size; VGG19 needs 16 pixels a side")
        }
        let initial: [Float]
        switch settings.initialization {
        case .content: initial = contentImage.planar
        case .noise:
            var rng = SplitMix(seed: settings.seed)
            initial = (0..<(3 * contentImage.width * contentImage.height)).map { _ in Float(rng.next() % 256) }
        case .image(let path):
            initial = try ImageFile.read(path).resized(width: contentImage.width, height: contentImage.height).planar
        }
        let network = try VGGNetwork.load(weightsPath)
        let objective = StyleObjective(network: network, settings: settings.objective,
                                       content: tensor(contentImage), style: tensor(styleImage), parallel: parallel)
        let (w, h) = (contentImage.width, contentImage.height)

        let writer = try video.map {
            try TimelapseWriter(path: $0, width: w, height: h, settings: TimelapseSettings(fps: fps, holdSeconds: hold))
        }
        let traceWriter = try trace.map { try TraceWriter(path: $0) }
        let interrupts = Interrupts()
        interrupts.install()
        var progress = Progress(total: settings.iterations, quiet: quiet)
        var framesWritten = 0
        var last: (iteration: Int, image: [Float])?
        let runner = StylizeRun(objective: objective, settings: settings)
        runner.notice = { message in FileHandle.standardError.write(Data("\nstylelapse: \(message)\n".utf8)) }

        func frame(_ iteration: Int, _ x: [Float]) throws {
            let picture = RGBImage(width: w, height: h, planar: x)
            try writer?.append(picture)
            if let frames { try PNGFile.write(picture, to: frames + String(format: "/frame_%06d.png", iteration)) }
            framesWritten += 1
        }
        let result: StylizeResult
        do {
            result = try runner.run(from: initial, shouldStop: { interrupts.requested }) { record, x in
                try traceWriter?.write(record)
                if record.iteration % every == 0 { try frame(record.iteration, x) ; last = nil } else { last = (record.iteration, x) }
                progress.update(record)
            }
            if let last { try frame(last.iteration, last.image) }   // the last iteration is always a frame
        } catch {
            writer?.cancel()
            throw error
        }
        progress.finish()
        try PNGFile.write(RGBImage(width: w, height: h, planar: result.best), to: outputPath)
        try writer?.finish()
        try traceWriter?.finish()

        if !quiet {
            let seconds = runner.elapsed
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            print(String(format: "%@ in %.1f s: %d iterations (%d evaluations), %.3f s per iteration, peak memory %.0f MB",
                         result.stoppedEarly ? "stopped" : (result.converged ? "converged" : "done"), seconds,
                         result.lastIteration, result.evaluations,
                         seconds / Double(max(result.lastIteration, 1)), Double(usage.ru_maxrss) / 1024))
            print(String(format: "best loss %.6g at iteration %d (style %.6g, content %.6g)", result.bestLoss.total,
                         result.bestIteration, result.bestLoss.style, result.bestLoss.content))
            print("wrote \(outputPath)" + (video.map { ", \($0) (\(framesWritten) frames + hold)" } ?? "")
                + (frames.map { ", \(framesWritten) PNG frames in \($0)" } ?? "") + (trace.map { ", \($0)" } ?? ""))
        }
        if interrupts.requested { throw ExitCode(130) }
    }

    func tensor(_ image: RGBImage) -> BlockedTensor {
        BlockedTensor(Shape(channels: 3, height: image.height, width: image.width), chw: image.planar)
    }

    /// Creates the frames folder when its parent exists; checks it accepts files.
    static func prepareFolder(_ path: String) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw ImageFileError(path, "exists and is not a folder") }
        } else {
            do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false) } catch {
                throw ImageFileError(path, "cannot create the frames folder (does its parent exist?)")
            }
        }
        try AtomicFile.checkWritable(path + "/frame_000000.png")
    }
}

extension OptimizerChoice: ExpressibleByArgument {}

/// SplitMix64, for noise initialisation from --seed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
