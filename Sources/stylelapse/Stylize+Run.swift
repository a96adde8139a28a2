// The `stylize` command's run: check outputs, read pictures, plan memory, build the objective, optimise while
// writing frames, trace and checkpoints, then the best image, the video and a summary. Also `--resume`.

import ArgumentParser
import Engine
import Foundation
import ImageFiles
import Network
import Objective
import Optimization
import Stylize
import Timelapse

extension StylizeCommand {
    func run() throws {
        var settings = settings()
        var options: RunOptions
        var resumed: RunState?
        if let resume {
            let loaded = try Checkpoint.load(resume)
            options = loaded.options
            resumed = loaded.state
            settings = Self.settings(from: options)
            if let iterations { options.iterations = iterations; settings.iterations = iterations }
            settings.injectNonFinite = self.settings().injectNonFinite
            for (path, digest) in zip([options.content] + options.styles, [options.contentSHA256] + options.styleSHA256s) {
                guard try Self.sha256(path) == digest else {
                    throw ImageFileError(path, "has changed since the checkpoint was written; cannot resume")
                }
            }
        } else {
            let outputPath = output ?? (((content! as NSString).lastPathComponent as NSString).deletingPathExtension
                + "-stylized.png")
            options = RunOptions(content: content!, contentSHA256: try Self.sha256(content!), styles: styles.style,
                                 styleSHA256s: try styles.style.map(Self.sha256), styleBlend: styles.blend,
                                 styleScale: styles.styleScale, pooling: styles.pooling.rawValue,
                                 preserveColor: styles.preserveColor?.rawValue, smooth: smooth,
                                 initialization: self.`init`, seed: seed,
                                 settings: settings, maxSize: maxSize, output: outputPath, video: video, trace: trace,
                                 frames: frames, every: every, fps: fps, hold: hold,
                                 weights: weights ?? WeightsLocation.defaultPath)
        }
        // Every output location is checked before any work starts.
        for path in [options.output, options.video, options.trace, plot].compactMap({ $0 }) { try AtomicFile.checkWritable(path) }
        if let frames = options.frames { try Self.prepareFolder(frames) }
        let checkpointFolder = checkpoint ?? resume
        if let checkpointFolder {
            try Self.prepareFolder(checkpointFolder)
            if options.video != nil { try Self.prepareFolder(Checkpoint.framesFolder(checkpointFolder)) }
        }
        guard FileManager.default.fileExists(atPath: options.weights) else {
            throw WeightsError(options.weights, "no weights file; fetch and convert the VGG19 weights with: bash tools/fetch-weights")
        }
        let parallel = Parallel(workers: threads ?? System.activeProcessorCount)

        let pictures = try Pictures(content: options.content, styles: options.styles, maxSize: options.maxSize,
                                    styleScale: options.styleScale,
                                    colors: options.preserveColor.flatMap(ColorPreservation.init(rawValue:)))
        let (contentImage, styleImages) = (pictures.content, pictures.styles)
        try checkMemory(settings, content: contentImage, style: pictures.largestStyle, video: options.video != nil)
        let network = try VGGNetwork.load(options.weights, pooling: Pooling(rawValue: options.pooling) ?? .max)
        let objective = StyleObjective(network: network, settings: settings.objective, content: tensor(contentImage),
                                       styles: zip(styleImages, options.styleBlend).map { (tensor($0), $1) },
                                       parallel: parallel)
        let (w, h) = (contentImage.width, contentImage.height)
        let picture = pictures.picture
        var smoothed: [Float]?

        // From here on, Ctrl-C asks for a clean stop (before the first step, the run stops at iteration 0).
        let interrupts = Interrupts()
        interrupts.install()
        let writer = try options.video.map {
            try TimelapseWriter(path: $0, width: w, height: h,
                                settings: TimelapseSettings(fps: options.fps, holdSeconds: options.hold))
        }
        // A resumed run's earlier trace lines, read before the checkpoint's trace file is started anew.
        let earlierTrace = resumed.map { Self.traceLines(checkpointFolder!, upTo: $0.iteration) } ?? []
        let traceWriter = try options.trace.map { try TraceWriter(path: $0) }
        let checkpointTrace = try checkpointFolder.map { try TraceWriter(path: Checkpoint.tracePath($0), atomic: false) }
        let coarseIterations = scales > 1 ? (scales - 1) * (max(1, settings.iterations / 2) + 1) : 0
        var progress = Progress(total: settings.iterations + coarseIterations, quiet: quiet)
        var framesWritten = 0
        var pending: (iteration: Int, image: [Float])?
        let runner = StylizeRun(objective: objective, settings: settings)
        runner.notice = { message in FileHandle.standardError.write(Data("\nstylelapse: \(message)\n".utf8)) }

        func frame(_ iteration: Int, _ picture: RGBImage, keep: Bool) throws {
            try writer?.append(picture)
            if let frames = options.frames { try PNGFile.write(picture, to: frames + String(format: "/frame_%06d.png", iteration)) }
            if keep, let folder = checkpointFolder, writer != nil {
                try PNGFile.write(picture, to: Checkpoint.framesFolder(folder) + String(format: "/frame_%06d.png", iteration))
            }
            framesWritten += 1
        }
        var records: [IterationRecord] = []
        func iteration(_ record: IterationRecord, _ x: [Float]) throws {
            if plot != nil { records.append(record) }
            for t in [traceWriter, checkpointTrace] { try t?.write(record) }
            // The timelapse's moving average runs over every iteration, whichever of them become frames.
            if let a = options.smooth.map(Float.init) {
                smoothed = smoothed.map { prev in zip(x, prev).map { a * $0 + (1 - a) * $1 } } ?? x
            }
            let shown = smoothed ?? x
            if record.iteration % options.every == 0 {
                try frame(record.iteration, picture(shown), keep: true)
                pending = nil
            } else {
                pending = (record.iteration, shown)
            }
            progress.update(record)
        }
        var state: RunState?
        // With --scales, the iterations of the coarser passes come first: the final pass's are numbered after them.
        var offset = 0, coarseSeconds = 0.0
        func offsetRecord(_ r: IterationRecord) -> IterationRecord {
            var r = r
            r.iteration += offset
            r.seconds += coarseSeconds
            return r
        }
        do {
            if let resumed {
                state = resumed
                for line in earlierTrace { for t in [traceWriter, checkpointTrace] { try t?.writeLine(line) } }
                for i in stride(from: 0, through: resumed.iteration, by: options.every) {
                    let path = Checkpoint.framesFolder(checkpointFolder!) + String(format: "/frame_%06d.png", i)
                    if writer != nil { try frame(i, try ImageFile.read(path), keep: false) }
                }
            } else {
                var initial = try Self.initialImage(settings, content: contentImage)
                if scales > 1 {
                    (initial, offset, coarseSeconds) = try coarsePasses(from: initial, network: network, settings: settings,
                                                         content: contentImage, styles: styleImages,
                                                         blend: options.styleBlend, parallel: parallel,
                                                         shouldStop: { interrupts.requested }, iteration: iteration)
                }
                state = try runner.start(from: initial)
                try iteration(offsetRecord(runner.record(state!)), state!.x)
            }
            let result = try runner.run(
                &state!, shouldStop: { interrupts.requested }, checkpointEvery: checkpointFolder == nil ? nil : checkpointEvery,
                onCheckpoint: { s in
                    if let folder = checkpointFolder { try Checkpoint.save(s, options: options, to: folder) }
                }, onIteration: { record, x in try iteration(offsetRecord(record), x) })
            if let pending {   // the last iteration is always a frame
                try frame(pending.iteration, picture(pending.image), keep: false)
            }
            progress.finish()
            if let plot {
                try AtomicFile.write(Array(LossPlot.svg(records, styleWeight: settings.objective.styleWeight,
                                                        contentWeight: settings.objective.contentWeight).utf8), to: plot)
            }
            try finish(result: result, state: state!, best: picture(state!.best), options: options, writer: writer,
                       traceWriter: traceWriter, runner: runner, framesWritten: framesWritten,
                       coarse: (offset, coarseSeconds))
        } catch let error as ImageFileError where state != nil && error.path != options.output {
            // A frame, the video or the trace could not be written (a full disk, an I/O error): the video is
            // abandoned (only its .part file existed, now removed), but the best image so far is not lost.
            writer?.cancel()
            let best = picture(state!.best)
            let place = (try? PNGFile.write(best, to: options.output)) != nil ? options.output : Self.rescue(best)
            throw ImageFileError(error.path, error.problem + "; the best image so far (iteration "
                + "\(state!.bestIteration)) " + (place.map { "is saved at \($0)" } ?? "could not be saved"))
        } catch {
            writer?.cancel()
            throw error
        }
        if interrupts.requested { throw ExitCode(130) }
    }

    /// Coarse-to-fine: `scales − 1` passes at half, quarter, … the final size (each side at least 16), each
    /// `max(1, iterations / 2)` steps, each starting from the previous pass's last image enlarged with Lanczos-3.
    /// Every iteration is recorded (trace, frames enlarged to the final size); returns the start of the final pass
    /// (the last coarse image enlarged to the content's size) and how many iterations were recorded.
    func coarsePasses(from initial: [Float], network: VGGNetwork, settings: StylizeSettings, content: RGBImage,
                      styles: [RGBImage], blend: [Double], parallel: Parallel, shouldStop: () -> Bool,
                      iteration: (IterationRecord, [Float]) throws -> Void) throws -> ([Float], Int, Double) {
        let (w, h) = (content.width, content.height)
        let clock = ContinuousClock(), start = clock.now
        func seconds() -> Double {
            let d = clock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        func enlarge(_ x: [Float], _ from: (Int, Int), _ to: (Int, Int)) -> [Float] {
            let n = from.0 * from.1
            return (0..<3).flatMap { c in
                Resample.lanczos(Array(x[(c * n)..<((c + 1) * n)]), channels: 1, width: from.0, height: from.1,
                                 newWidth: to.0, newHeight: to.1)
            }
        }
        var x = initial, size = (w, h), recorded = 0
        for k in stride(from: scales - 1, through: 1, by: -1) {
            let factor = Double(1 << k)
            let cw = max(16, Int((Double(w) / factor).rounded())), ch = max(16, Int((Double(h) / factor).rounded()))
            let small = content.resized(width: cw, height: ch)
            let styleTensors = zip(styles, blend).map { s, b -> (BlockedTensor, Double) in
                let r = s.resized(width: max(16, Int((Double(s.width) / factor).rounded())),
                                  height: max(16, Int((Double(s.height) / factor).rounded())))
                return (tensor(r), b)
            }
            var passSettings = settings
            passSettings.iterations = max(1, settings.iterations / 2)
            let objective = StyleObjective(network: network, settings: settings.objective, content: tensor(small),
                                           styles: styleTensors, parallel: parallel)
            let runner = StylizeRun(objective: objective, settings: passSettings)
            var state = try runner.start(from: enlarge(x, size, (cw, ch)))
            let base = recorded
            func record(_ r: IterationRecord, _ image: [Float]) throws {
                var r = r
                r.iteration += base
                r.seconds = seconds()
                recorded = r.iteration + 1
                try iteration(r, enlarge(image, (cw, ch), (w, h)))
            }
            try record(runner.record(state), state.x)
            _ = try runner.run(&state, shouldStop: shouldStop, onIteration: record)
            (x, size) = (state.x, (cw, ch))
            if shouldStop() { break }
        }
        return (enlarge(x, size, (w, h)), recorded, seconds())
    }

    /// Writes the best image (keeping it beside when its place cannot be written), the video and the trace; prints
    /// the summary.
    func finish(result: StylizeResult, state: RunState, best: RGBImage, options: RunOptions, writer: TimelapseWriter?,
                traceWriter: TraceWriter?, runner: StylizeRun, framesWritten: Int,
                coarse: (iterations: Int, seconds: Double) = (0, 0)) throws {
        do {
            try PNGFile.write(best, to: options.output)
        } catch let error as ImageFileError {
            throw ImageFileError(options.output, error.problem + "; the best image "
                + (Self.rescue(best).map { "is saved at \($0)" } ?? "could not be saved either"))
        }
        try writer?.finish()
        try traceWriter?.finish()
        guard !quiet else { return }
        let seconds = runner.elapsed + coarse.seconds
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print(String(format: "%@ in %.1f s: %d iterations (%d evaluations), %.3f s per iteration, peak memory %.0f MB",
                     result.stopped ? "stopped" : (result.converged ? "converged" : "done"), seconds,
                     state.iteration + coarse.iterations, state.evaluations,
                     seconds / Double(max(state.iteration + coarse.iterations, 1)), Double(usage.ru_maxrss) / 1024))
        print(String(format: "best loss %.6g at iteration %d (style %.6g, content %.6g)", state.bestLoss.total,
                     state.bestIteration + coarse.iterations, state.bestLoss.style, state.bestLoss.content))
        print("wrote \(options.output)" + (options.video.map { ", \($0) (\(framesWritten) frames + hold)" } ?? "")
            + (options.trace.map { ", \($0)" } ?? ""))
    }

    /// Writes `best` to the temporary folder when its own place failed; returns where, or nil.
    static func rescue(_ best: RGBImage) -> String? {
        let path = NSTemporaryDirectory() + "stylelapse-best-\(getpid()).png"
        return (try? PNGFile.write(best, to: path)) != nil ? path : nil
    }

    /// The trace lines of iterations 0…`last` kept in a checkpoint folder.
    static func traceLines(_ folder: String, upTo last: Int) -> [String] {
        ((try? String(contentsOfFile: Checkpoint.tracePath(folder), encoding: .utf8)) ?? "").split(separator: "\n")
            .map(String.init).filter { line in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let i = object["iteration"] as? Int else { return false }
                return i <= last
            }
    }

    static func initialImage(_ settings: StylizeSettings, content: RGBImage) throws -> [Float] {
        switch settings.initialization {
        case .content: return content.planar
        case .noise:
            var rng = SplitMix(seed: settings.seed)
            return (0..<(3 * content.width * content.height)).map { _ in Float(rng.next() % 256) }
        case .image(let path):
            return try ImageFile.read(path).resized(width: content.width, height: content.height).planar
        }
    }

    /// The settings a checkpoint's options describe.
    static func settings(from o: RunOptions) -> StylizeSettings {
        var s = StylizeSettings.standard
        s.optimizer = OptimizerChoice(rawValue: o.optimizer) ?? .lbfgs
        s.iterations = o.iterations
        s.adam = AdamSettings(learningRate: o.learningRate, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon)
        s.lbfgs.historySize = o.historySize
        (s.objective.contentWeight, s.objective.styleWeight, s.objective.tvWeight) = (o.contentWeight, o.styleWeight,
                                                                                      o.tvWeight)
        s.objective.normalization = o.normalization.flatMap(LossNormalization.init(rawValue:)) ?? .none
        s.seed = o.seed
        return s
    }

    static func sha256(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw ImageFileError(path, "no such file") }
        return data.withUnsafeBytes { SHA256.hex($0) }
    }
}
