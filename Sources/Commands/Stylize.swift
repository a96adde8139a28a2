// `stylelapse stylize`: a photo and a painting in; the best stylised picture, and optionally a film of its
// making, every frame as PNG, and a per-iteration trace out.

import ArgumentParser
import Foundation
import StyleLapse

public struct StylizeCommand: ParsableCommand, RuleChecked {
    public init() {}
    public static let configuration = CommandConfiguration(
        commandName: "stylize",
        abstract: "Paint a photo in the style of a painting, and film it as it happens.",
        discussion: """
            The default objective is the report's layers on relative losses at --strength \(OptionNames.number(ObjectiveSettings.standardStrength)) with the \
            \(ObjectiveSettings.standardStyleLoss.rawValue) style loss (see --style-loss); the default optimiser is projected L-BFGS \
            (\(StylizeSettings.standard.iterations) steps; from 768 px, after coarser passes at quarter and \
            half size, … down to about 256 px, a sixth of the steps each). --preset report reproduces the origin \
            report's run: Adam (lr 2, β1 0.99, β2 0.999, ε 0.1, TensorFlow 1's form), \(StylizeSettings.report.iterations) steps from the \
            content image, content weight 1e3, style weight 1e-2, pixels clipped after every step; the report's best-looking run \
            used --style-weight 1e-3. Options given after a preset override it.

            Example: stylelapse stylize --content cat.jpg --style starry.jpg --output cat.png --video cat.mp4
            """)

    @Option(help: "The photo.") var content: String?
    @OptionGroup var styles: StyleOptions
    @OptionGroup var painting: PaintingOptions
    @Option(parsing: .unconditional, help: "Calmer timelapse: each frame = a·image + (1−a)·previous frame, 0 < a ≤ 1 (the best image is never smoothed).")
    var smooth: Double?
    @Option(help: "The best image, .png, .jpg or .webp (lossless) (default: <photo>-<painting>.png here).") var output: String?
    @Option(name: .customLong("jpeg-quality"), parsing: .unconditional, help: "JPEG quality of a .jpg --output, 1…100 (default \(PictureOutput.defaultJPEGQuality)).")
    var jpegQuality: Int?
    @Option(name: .customLong("bit-depth"), parsing: .unconditional, help: "Bits per sample of a .png --output: 8 (default) or 16 (the optimised values between the 8-bit levels kept, for print).")
    var bitDepth: Int?
    @Option(help: "The film: .mp4 (H.264), .webm (VP9), .gif, .webp or .apng; give it again for more files from one run.")
    var video: [String] = []
    @Option(help: "Also write every frame as a numbered PNG into this folder.") var frames: String?
    @Flag(help: "Remove the frames (frame_*.png) another run left in --frames before this one writes its own.")
    var overwriteFrames = false
    @Option(help: "One JSON object per iteration, JSON lines.") var trace: String?
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).") var threads: Int?
    @OptionGroup var kernels: ISAOption
    @OptionGroup var film: FilmOptions
    @Option(help: "Save the whole run's state in this folder (with the trace and frames so far), for --resume.")
    var checkpoint: String?
    @Option(name: .customLong("checkpoint-every"), parsing: .unconditional, help: "Checkpoint every N iterations, and always at the end (default \(RunOutputs.defaultCheckpointEvery)).")
    var checkpointEvery: Int?
    @Option(help: "Continue the run checkpointed in this folder, up to --iterations full-size steps.")
    var resume: String?
    @Option(help: "Make again, from the start, the run checkpointed in this folder, with its settings and its steering.")
    var replay: String?
    @Option(help: "Also draw total, style and content loss against iteration (log scale) as an SVG.") var plot: String?
    @Flag(help: "No progress or summary.") var quiet = false
    @Option(help: "Watch and steer the run in a browser: [HOST:]PORT (default host 127.0.0.1; port 0 picks a free one).")
    var serve: String?
    @Option(name: .customLong("serve-linger"), parsing: .unconditional, help: "Seconds the page stays up after the run (default \(OptionNames.number(Self.defaultServeLinger)); Ctrl-C ends it sooner).")
    var serveLinger: Double?

    static let defaultServeLinger = 60.0

    public func check() throws {
        if resume != nil && replay != nil { throw ValidationError("--resume continues a run, --replay makes it again: give one") }
        if replay != nil && (painting.scales != nil || painting.coarseIterations != nil || painting.iterations != nil) {
            throw ValidationError("--replay makes the checkpointed run as it was; its passes and steps are fixed")
        }
        if resume == nil && replay == nil {
            try Rules.require([("--content", "the photo", content != nil), ("--style", "the painting", !styles.style.isEmpty)],
                              unless: "or --resume DIR to continue a run")
        }
        if resume != nil && (painting.scales != nil || painting.coarseIterations != nil) {
            throw ValidationError("--resume continues the checkpoint's passes; --scales and --coarse-iterations cannot change them")
        }
        try Rules.requireThreads(threads)
        try refuseOptionsThatDoNothing()
        // Every range is the library's: the settings and the outputs, checked as the run will use them.
        try OptionNames.checking {
            if resume == nil && replay == nil { _ = try sessionOptions().settings() }
            try runOutputs().check()
        }
    }

    /// Options that would change nothing are refused, with why.
    func refuseOptionsThatDoNothing() throws {
        if resume != nil || replay != nil {
            let fixed: [(String, Bool)] = [("--content", content != nil)] + styles.fixedByCheckpoint
                + [("--smooth", smooth != nil), ("--every", film.everyOption != nil)] + painting.fixedByCheckpoint
            if let name = fixed.first(where: \.1)?.0 {
                throw ValidationError("\(name) is fixed by the checkpoint; "
                    + (resume != nil ? "--resume continues the run as it was started" : "--replay makes the run as it was"))
            }
            return
        }
        try painting.refuseOptionsThatDoNothing()
        if checkpointEvery != nil && checkpoint == nil {
            throw ValidationError("--checkpoint-every does nothing without --checkpoint DIR")
        }
        if bitDepth != nil, let output, (output as NSString).pathExtension.lowercased() != "png" {
            throw ValidationError("--bit-depth goes with a .png --output")
        }
        if jpegQuality != nil, !(output.map { ["jpg", "jpeg"].contains(($0 as NSString).pathExtension.lowercased()) } ?? false) {
            throw ValidationError("--jpeg-quality goes with a .jpg --output")
        }
        try ServeAddress.check(serve: serve, linger: serveLinger)
        if overwriteFrames && frames == nil { throw ValidationError("--overwrite-frames goes with --frames DIR") }
        if smooth != nil && video.isEmpty && frames == nil {
            throw ValidationError("--smooth calms the film; it does nothing without --video or --frames")
        }
        try film.requireUse(video: !video.isEmpty, frames: frames != nil)
    }

    /// The options given, in the library's terms (the settings are `sessionOptions().settings()`).
    public func sessionOptions() -> SessionOptions {
        var o = SessionOptions()
        o.content = content
        styles.lay(over: &o)
        painting.lay(over: &o)
        (o.every, o.smooth) = (film.everyOption, smooth)
        return o
    }

    /// What the run writes; the picture's default name joins the photo's and the paintings' names.
    public func runOutputs() -> RunOutputs {
        var o = RunOutputs(output: output ?? RunOutputs.defaultName([content ?? "stylelapse"] + styles.style))
        (o.bitDepth, o.jpegQuality) = (bitDepth, jpegQuality)
        (o.videos, o.trace, o.frames, o.plot) = (video, trace, frames, plot)
        film.lay(over: &o)
        (o.checkpoint, o.checkpointEvery) = (checkpoint ?? resume, checkpointEvery)
        return o
    }
}

extension OptimizerChoice: ExpressibleByArgument {}
extension SessionPreset: ExpressibleByArgument {}
