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
        var resumed: (pass: PassPosition, state: RunState, smoothed: [Float]?)?
        if let resume {
            let loaded = try Checkpoint.load(resume)
            options = loaded.options
            resumed = (loaded.pass, loaded.state, loaded.smoothed)
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
                                 frames: frames, every: timelapse.every, fps: timelapse.fps, hold: timelapse.hold,
                                 weights: weights ?? WeightsLocation.defaultPath)
            options.upscale = upscale
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
                                    upscale: options.upscale ?? false, styleScale: options.styleScale,
                                    colors: options.preserveColor.flatMap(ColorPreservation.init(rawValue:)))
        let (contentImage, styleImages) = (pictures.content, pictures.styles)
        let (w, h) = (contentImage.width, contentImage.height)
        if resumed == nil {
            options.scales = scales ?? CoarseToFine.automaticScales(width: w, height: h, optimizer: settings.optimizer)
            options.coarseIterations = coarseIterations ?? CoarseToFine.coarseIterations(settings.iterations)
        }
        let passes = CoarseToFine.passes(width: w, height: h, scales: options.scales ?? 1,
                                         iterations: settings.iterations, coarseIterations: options.coarseIterations ?? 0)
        try checkMemory(settings, content: contentImage, style: pictures.largestStyle, video: options.video != nil)
        let network = try VGGNetwork.load(options.weights, pooling: Pooling(rawValue: options.pooling) ?? .max)
        /// The objective of a pass: the photo and the paintings at its size.
        func objective(_ pass: ScalePass) -> StyleObjective {
            func sized(_ image: RGBImage) -> RGBImage {
                pass.divisor == 1 ? image : image.resized(width: ScalePass.side(image.width, divisor: pass.divisor),
                                                          height: ScalePass.side(image.height, divisor: pass.divisor))
            }
            return StyleObjective(network: network, settings: settings.objective, content: tensor(sized(contentImage)),
                                  styles: zip(styleImages, options.styleBlend).map { (tensor(sized($0)), $1) },
                                  parallel: parallel)
        }
        let picture = pictures.picture
        let initial = try Self.initialImage(settings, content: contentImage)
        var smoothed = resumed?.smoothed

        // From here on, Ctrl-C asks for a clean stop (before the first step, the run stops at iteration 0).
        let interrupts = Interrupts()
        interrupts.install()
        // Test hook: STYLELAPSE_TEST_STOP_AFTER=N stops the run as Ctrl-C would once iteration N is recorded.
        let stopAfter = ProcessInfo.processInfo.environment["STYLELAPSE_TEST_STOP_AFTER"].flatMap { Int($0) }
        let writer = try options.video.map {
            try TimelapseWriter(path: $0, width: w, height: h,
                                settings: TimelapseSettings(fps: options.fps, holdSeconds: options.hold))
        }
        var position = resumed?.pass ?? PassPosition()
        // A resumed run's earlier trace lines, read before the checkpoint's trace file is started anew.
        let earlierTrace = resumed.map {
            Self.traceLines(checkpointFolder!, upTo: position.firstIteration + $0.state.iteration)
        } ?? []
        let traceWriter = try options.trace.map { try TraceWriter(path: $0) }
        let checkpointTrace = try checkpointFolder.map { try TraceWriter(path: Checkpoint.tracePath($0), atomic: false) }
        // Every pass records its iteration 0 too.
        var progress = Progress(total: passes.reduce(passes.count - 1) { $0 + $1.iterations }, quiet: quiet)
        var framesWritten = 0
        var pending: (iteration: Int, image: [Float])?

        func frame(_ iteration: Int, _ picture: RGBImage, keep: Bool) throws {
            try writer?.append(picture)
            if let frames = options.frames { try PNGFile.write(picture, to: frames + String(format: "/frame_%06d.png", iteration)) }
            if keep, let folder = checkpointFolder, writer != nil {
                try PNGFile.write(picture, to: Checkpoint.framesFolder(folder) + String(format: "/frame_%06d.png", iteration))
            }
            framesWritten += 1
        }
        var records: [IterationRecord] = []
        let filmed = writer != nil || options.frames != nil
        /// Records iteration `record` (numbered run-wide) of a pass at `size`, with its image at the photo's size
        /// (asked for only when there are frames to write: a coarse pass's costs two Lanczos enlargements).
        func iteration(_ record: IterationRecord, size: (Int, Int), _ image: () -> [Float]) throws {
            if plot != nil { records.append(record) }
            for t in [traceWriter, checkpointTrace] { try t?.write(record, size: size) }
            if filmed {
                let x = image()
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
            }
            progress.update(record)
            if let stopAfter, record.iteration >= stopAfter { interrupts.request() }
        }
        var state: RunState?
        var result = StylizeResult(stopped: false, converged: false)
        let notice = { (message: String) in FileHandle.standardError.write(Data("\nstylelapse: \(message)\n".utf8)) }
        var initialAt: [Int: [Float]] = [:]   // the initial image at each coarse pass's size, by divisor
        /// Image `x` of `pass` at the photo's size: a coarser pass's as the final pass would start from it.
        func fullSize(_ x: [Float], _ pass: ScalePass) -> [Float] {
            guard pass.divisor != 1 else { return x }
            let size = (pass.width, pass.height)
            if initialAt[pass.divisor] == nil {
                initialAt[pass.divisor] = CoarseToFine.resize(initial, from: (w, h), to: size)
            }
            return CoarseToFine.carry(x, over: initialAt[pass.divisor]!, from: size, onto: initial, to: (w, h))
        }
        do {
            var previous: (x: [Float], pass: ScalePass)?   // the last image of the pass before
            if let resumed {
                for line in earlierTrace { for t in [traceWriter, checkpointTrace] { try t?.writeLine(line) } }
                for i in stride(from: 0, through: position.firstIteration + resumed.state.iteration, by: options.every) {
                    let path = Checkpoint.framesFolder(checkpointFolder!) + String(format: "/frame_%06d.png", i)
                    if writer != nil { try frame(i, try ImageFile.read(path), keep: false) }
                }
            }
            for p in position.index..<passes.count {
                let pass = passes[p], here = position
                var passSettings = settings
                passSettings.iterations = pass.iterations
                let runner = StylizeRun(objective: objective(pass), settings: passSettings)
                runner.notice = notice
                func record(_ r: IterationRecord, _ x: [Float]) throws {
                    var r = r
                    r.iteration += here.firstIteration
                    r.evaluations += here.evaluationsBefore
                    r.seconds += here.secondsBefore
                    try iteration(r, size: (pass.width, pass.height)) { fullSize(x, pass) }
                }
                if let resumed, p == resumed.pass.index {
                    state = resumed.state
                } else {
                    let start = CoarseToFine.start(of: pass, initial: initial, width: w, height: h, previous: previous)
                    state = try runner.start(from: start)
                    try record(runner.record(state!), state!.x)
                }
                result = try runner.run(
                    &state!, shouldStop: { interrupts.requested },
                    checkpointEvery: checkpointFolder == nil ? nil : checkpointEvery,
                    onCheckpoint: { s in
                        guard let folder = checkpointFolder else { return }
                        try Checkpoint.save(s, options: options, pass: here, smoothed: smoothed, to: folder)
                    }, onIteration: record)
                if p == passes.count - 1 || result.stopped { break }
                previous = (state!.x, pass)
                position = PassPosition(index: p + 1, firstIteration: here.firstIteration + state!.iteration + 1,
                                        evaluationsBefore: here.evaluationsBefore + state!.evaluations,
                                        secondsBefore: here.secondsBefore + runner.elapsed)
            }
            if let pending {   // the last iteration is always a frame
                try frame(pending.iteration, picture(pending.image), keep: false)
            }
            progress.finish()
            if let plot {
                try AtomicFile.write(Array(LossPlot.svg(records, styleWeight: settings.objective.styleWeight,
                                                        contentWeight: settings.objective.contentWeight).utf8), to: plot)
            }
            let pass = passes[position.index]
            try finish(result: result, state: state!, pass: pass, position: position,
                       best: picture(fullSize(state!.best, pass)),
                       options: options, writer: writer, traceWriter: traceWriter, framesWritten: framesWritten)
        } catch let error as ImageFileError where state != nil && error.path != options.output {
            // A frame, the video or the trace could not be written (a full disk, an I/O error): the video is
            // abandoned (only its .part file existed, now removed), but the best image so far is not lost.
            writer?.cancel()
            let best = picture(fullSize(state!.best, passes[position.index]))
            let place = (try? PNGFile.write(best, to: options.output)) != nil ? options.output : Self.rescue(best)
            throw ImageFileError(error.path, error.problem + "; the best image so far (iteration "
                + "\(position.firstIteration + state!.bestIteration)) " + (place.map { "is saved at \($0)" } ?? "could not be saved"))
        } catch {
            writer?.cancel()
            throw error
        }
        if interrupts.requested { throw ExitCode(130) }
    }

    /// Writes the best image (keeping it beside when its place cannot be written), the video and the trace; prints
    /// the summary. `state` is the state of the pass at `position` (the final one unless the run was stopped early).
    func finish(result: StylizeResult, state: RunState, pass: ScalePass, position: PassPosition, best: RGBImage,
                options: RunOptions, writer: TimelapseWriter?, traceWriter: TraceWriter?, framesWritten: Int) throws {
        do {
            try PNGFile.write(best, to: options.output)
        } catch let error as ImageFileError {
            throw ImageFileError(options.output, error.problem + "; the best image "
                + (Self.rescue(best).map { "is saved at \($0)" } ?? "could not be saved either"))
        }
        try writer?.finish()
        try traceWriter?.finish()
        guard !quiet else { return }
        let seconds = position.secondsBefore + state.elapsedBefore
        let iterations = position.firstIteration + state.iteration
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print(String(format: "%@ in %.1f s: %d iterations (%d evaluations), %.3f s per iteration, peak memory %.0f MB",
                     result.stopped ? "stopped" : (result.converged ? "converged" : "done"), seconds, iterations,
                     position.evaluationsBefore + state.evaluations, seconds / Double(max(iterations, 1)),
                     Double(usage.ru_maxrss) / 1024))
        print(String(format: "best loss %.6g at iteration %d (style %.6g, content %.6g)", state.bestLoss.total,
                     position.firstIteration + state.bestIteration, state.bestLoss.style, state.bestLoss.content)
            + (pass.divisor == 1 ? "" : " in the pass at \(pass.width)×\(pass.height), enlarged"))
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
