// The `stylize` command's run: checks every output location, builds the session (new or resumed), attaches the
// sinks the options ask for, runs it and prints the summary. A failure after the start still saves the best image.

import ArgumentParser
import Foundation
import Engine
import StyleLapse

extension StylizeCommand {
    func run() throws {
        // From here on, Ctrl-C asks for a clean stop (before the first step, the run stops at iteration 0).
        let interrupts = Interrupts()
        interrupts.install()
        let parallel = threads.map { Parallel(workers: $0) }
        let session: StylizeSession
        var outputs = OutputOptions(self)
        if let resume {
            session = try StylizeSession(resuming: resume, iterations: iterations, parallel: parallel)
            // Outputs not given again go where the first run's did.
            if let data = session.resumedApplication, let first = try? JSONDecoder().decode(OutputOptions.self, from: data) {
                outputs = outputs.over(first)
            }
            try OutputChecks.require(outputs.list(checkpoint: nil),
                                     inputs: Self.inputs(session.settings) + [(Checkpoint.statePath(resume), "the checkpoint")])
        } else if let replay {
            // The checkpointed run made again from its start: its settings, its steering, new outputs.
            let snapshot = try Checkpoint.load(replay)
            if output == nil { outputs.output = OutputOptions.defaultName([snapshot.settings.pictures.content] + snapshot.settings.pictures.styles) }
            try OutputChecks.require(outputs.list(checkpoint: checkpoint),
                                     inputs: Self.inputs(snapshot.settings) + [(Checkpoint.statePath(replay), "the checkpoint")])
            session = try StylizeSession(settings: snapshot.settings, parallel: parallel)
        } else {
            let settings = sessionSettings()
            try OutputChecks.require(outputs.list(checkpoint: checkpoint), inputs: Self.inputs(settings))
            if let frames { try OutputChecks.requireNoOldFrames(frames, remove: false, allowed: overwriteFrames) }
            session = try StylizeSession(settings: settings, parallel: parallel)
            // The old frames go only once the run can start: a refused run loses nothing.
            if let frames, overwriteFrames { try OutputChecks.requireNoOldFrames(frames, remove: true) }
        }
        interrupts.onStop = session.requestStop
        let plan = session.plan
        if !quiet {
            FileHandle.standardError.write(Data(String(format: "stylelapse: estimated peak memory %.0f MB, the objective "
                + "evaluated %@%@\n", Double(plan.memoryEstimate) / 1048576, plan.checkpoint?.description ?? "on one tape",
                plan.spillsPairs ? ", L-BFGS's curvature pairs spilled to a temporary file" : "").utf8))
        }
        session.attach(ProgressSink(total: plan.totalIterations, quiet: quiet))
        let filmSize = outputs.filmSize(width: plan.width, height: plan.height)
        let film = try outputs.videos.isEmpty ? nil : FilmSink(
            videos: outputs.videos, width: filmSize.width, height: filmSize.height, composition: outputs.film,
            pictures: Self.panels(session), overlay: outputs.overlay, metadata: Self.metadata(session.settings))
        film.map(session.attach)
        if let frames = outputs.frames { session.attach(FramesFolderSink(folder: frames)) }
        if let trace = outputs.trace { session.attach(TraceSink(path: trace)) }
        if let plot = outputs.plot {
            let o = session.settings.run.objective
            session.attach(LossPlotSink(path: plot, styleWeight: o.styleWeight, contentWeight: o.contentWeight))
        }
        if let folder = checkpoint ?? resume {
            let sink = CheckpointSink(folder: folder, every: checkpointEvery)
            sink.application = try JSONEncoder().encode(outputs)
            session.attach(sink)
        }
        let live = try serve.flatMap(ServeAddress.init).map {
            try LiveRun.start($0, session: session, outputs: outputs, interrupts: interrupts)
        }
        defer { live?.server.stop(state: live!.state) }

        let outcome: StylizeOutcome
        let output = outputs.output
        do {
            outcome = try session.run()
        } catch let failure as StylizeFailure {
            // A frame, the video or the trace could not be written (a full disk, an I/O error), or the optimisation
            // failed: the best image so far is not lost.
            let place = (try? PictureFile.write(failure.best, to: output, jpegQuality: jpegQuality)) != nil
                ? output : Self.rescue(failure.best)
            throw StylizeError(description: "\(failure.underlying); the best image so far (iteration "
                + "\(failure.bestIteration)) " + (place.map { "is saved at \($0)" } ?? "could not be saved"))
        }
        do {
            if outputs.bitDepth == 16 && (output as NSString).pathExtension.lowercased() == "png" {
                try PNGFile.write16(width: outcome.best.width, height: outcome.best.height,
                                    srgb: Self.interleaved(outcome.bestSamples), to: output)
            } else {
                try PictureFile.write(outcome.best, to: output, jpegQuality: jpegQuality)
            }
        } catch let error as ImageFileError {
            throw ImageFileError(output, error.problem + "; the best image "
                + (Self.rescue(outcome.best).map { "is saved at \($0)" } ?? "could not be saved either"))
        }
        if !quiet { summary(outcome, outputs: outputs, film: film?.parts) }
        if let live {
            live.written(["picture"] + (outputs.videos.isEmpty ? [] : ["video"]) + (outputs.trace == nil ? [] : ["trace"]))
            live.linger(serveLingerOption ?? 60, interrupts: interrupts, quiet: quiet)
        }
        if outcome.stopped { throw ExitCode(130) }
    }

    /// Planar RGB 0…255 as interleaved samples in 0…1 (a 16-bit PNG's).
    static func interleaved(_ planar: [Float]) -> [Float] {
        let n = planar.count / 3
        var out = [Float](repeating: 0, count: planar.count)
        for p in 0..<n { for c in 0..<3 { out[3 * p + c] = planar[c * n + p] / 255 } }
        return out
    }

    /// The files a session reads.
    static func inputs(_ s: SessionSettings) -> [(path: String, role: String)] {
        var inputs = [(s.pictures.content, "--content")] + s.pictures.styles.map { ($0, "--style") } + [(s.weights, "--weights")]
        if case .image(let path) = s.run.initialization { inputs.append((path, "--init")) }
        return inputs
    }

    /// The photo and the paintings as the film's cards show them, each named by its file.
    static func panels(_ session: StylizeSession) -> [Panel] {
        let s = session.settings.pictures
        return zip([session.pictures.photo] + session.pictures.styles, [s.content] + s.styles)
            .map { Panel($0, label: ($1 as NSString).lastPathComponent) }
    }

    /// The film's title and a comment with how it was made.
    static func metadata(_ s: SessionSettings) -> [String: String] {
        let name = { (path: String) in (path as NSString).lastPathComponent }
        let command = (["stylelapse"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        return ["title": "\(name(s.pictures.content)) in the style of \(s.pictures.styles.map(name).joined(separator: " and "))",
                "comment": "StyleLapse \(StyleLapseVersion.current): \(command); settings "
                    + String(decoding: (try? JSONEncoder().encode(s)) ?? Data(), as: UTF8.self)]
    }

    func summary(_ o: StylizeOutcome, outputs: OutputOptions, film: FilmParts?) {
        print(String(format: "%@ in %.1f s: %d iterations (%d evaluations), %.3f s per iteration, peak memory %.0f MB",
                     o.stopped ? "stopped" : (o.converged ? "converged" : "done"), o.seconds, o.iterations,
                     o.evaluations, o.seconds / Double(max(o.iterations, 1)), Measure.peakMemoryMB))
        print(String(format: "best loss %.6g at iteration %d (style %.6g, content %.6g)", o.bestLoss.total,
                     o.bestIteration, o.bestLoss.style, o.bestLoss.content)
            + (o.bestPass.divisor == 1 ? "" : " in the pass at \(o.bestPass.width)×\(o.bestPass.height), enlarged"))
        let parts = film.map { String(format: " (%.1f s: %.1f opening, %.1f painting, %.1f closing)",
                                             Double($0.total) / Double(outputs.film.fps), Double($0.opening) / Double(outputs.film.fps),
                                             Double($0.painting) / Double(outputs.film.fps), Double($0.closing) / Double(outputs.film.fps)) } ?? ""
        print("wrote \(outputs.output)" + outputs.videos.map { ", \($0)" }.joined() + parts
            + (outputs.trace.map { ", \($0)" } ?? ""))
    }

    /// Writes `best` to the temporary folder when its own place failed; returns where, or nil.
    static func rescue(_ best: RGBImage) -> String? {
        let path = NSTemporaryDirectory() + "stylelapse-best-\(getpid()).png"
        return (try? PNGFile.write(best, to: path)) != nil ? path : nil
    }
}

/// The command's outputs, kept in a checkpoint so a resumed run writes where the first one did.
struct OutputOptions: Codable {
    var output: String
    var videos: [String], trace: String?, frames: String?, plot: String?
    var film: FilmComposition
    var overlay: Bool
    /// The film's longer side at most (nil: 1920; checkpoints from before it).
    var videoSide: Int?
    /// Bits per sample of the PNG (nil: 8).
    var bitDepth: Int?

    init(_ c: StylizeCommand) {
        // The default names both pictures, so two paintings of one photo do not collide: chelsea-starry_night.png.
        output = c.output ?? Self.defaultName([c.content ?? "stylelapse"] + c.styles.style)
        (videos, trace, frames, plot) = (c.video, c.trace, c.frames, c.plot)
        film = c.timelapse.composition
        overlay = c.timelapse.overlay
        videoSide = c.timelapse.videoSizeOption
        bitDepth = c.bitDepth
        explicitOutput = c.output != nil
    }

    /// The film's size for a `width`×`height` picture: the picture's, scaled down to `videoSide` (default 1920) on
    /// the longer side when larger (a print-size picture gets a film a screen can play).
    func filmSize(width: Int, height: Int) -> (width: Int, height: Int) {
        let side = videoSide ?? 1920
        return max(width, height) <= side ? (width, height) : Resample.fitting(width: width, height: height, maxSide: side)
    }

    /// The default name: the pictures' names joined, e.g. chelsea-starry_night.png.
    static func defaultName(_ pictures: [String]) -> String {
        pictures.map { ((($0 as NSString).lastPathComponent) as NSString).deletingPathExtension }.joined(separator: "-") + ".png"
    }

    /// Whether --output was given (else `output` is the default name).
    private var explicitOutput = true
    enum CodingKeys: CodingKey { case output, videos, trace, frames, plot, film, overlay, videoSide, bitDepth }

    /// The outputs to check before the work (`checkpoint`: the checkpoint folder, if any).
    func list(checkpoint: String?) -> [Output] {
        [.picture(output)] + videos.map { .video($0) }
            + [trace.map { .trace($0) }, plot.map { .plot($0) }, frames.map { .frames($0) },
               checkpoint.map { .checkpoint($0) }].compactMap { $0 }
    }

    /// These options where given, `first`'s elsewhere.
    func over(_ first: OutputOptions) -> OutputOptions {
        var o = first
        if explicitOutput { o.output = output }
        (o.videos, o.trace, o.frames, o.plot) = (videos.isEmpty ? first.videos : videos, trace ?? first.trace,
                                                 frames ?? first.frames, plot ?? first.plot)
        (o.videoSide, o.bitDepth) = (videoSide ?? first.videoSide, bitDepth ?? first.bitDepth)
        return o
    }
}
