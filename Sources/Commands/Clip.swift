// `stylelapse clip`: a video clip in, the clip painted out, frame by frame and temporally consistent (the flow of
// each frame carries the painted frame before it over; a temporal loss holds it there), with the clip's timing and
// sound. The painting's options are `stylize`'s.

import ArgumentParser
import Foundation
import StyleLapse

extension WarpInterpolation: ExpressibleByArgument {}

public struct ClipCommand: ParsableCommand, RuleChecked {
    public init() {}
    public static let configuration = CommandConfiguration(
        commandName: "clip",
        abstract: "Paint a video clip in the style of a painting, each frame carried over from the one before.",
        discussion: """
            The first frame is painted as stylize paints a photo (--iterations, coarse-to-fine); each later frame starts \
            from the painted frame before it, warped by the optical flow (DIS, both ways, with Ruder et al.'s \
            consistency check), and adds a temporal loss that holds it there where the flow is trusted; it takes at \
            most --frame-iterations steps and stops early when its loss settles. The painted clip keeps the clip's \
            timestamps (a variable frame rate stays variable) and its sound where the container takes it.

            Example: stylelapse clip --content walk.mp4 --style starry.jpg --output walk-starry.mp4 --max-size 256
            """)

    @Option(help: "The clip: any video FFmpeg reads.") var content: String?
    @OptionGroup var styles: StyleOptions
    @OptionGroup var painting: PaintingOptions
    @Option(help: "The painted clip: .mp4 (H.264), .webm (VP9), .gif, .webp or .apng (default: <clip>-<painting>.mp4 here).")
    var output: String?
    @Option(parsing: .unconditional, help: "Weight of the temporal loss, in units of the first frame's loss (default \(OptionNames.number(ClipSettings.defaultTemporalWeight)); 0: none).")
    var temporalWeight: Double?
    @Option(parsing: .unconditional, help: "Steps of each frame after the first, at most (default: a third of --iterations).")
    var frameIterations: Int?
    @Option(parsing: .unconditional, help: "A later frame stops when its loss fell by less than this fraction over 10 steps (default \(OptionNames.number(ClipSettings.defaultTolerance)); 0: never early).")
    var tolerance: Double?
    @Option(help: "How the painting is resampled where the flow carries it: bilinear (default) or cubic (keeps more detail from frame to frame).")
    var warp: WarpInterpolation?
    @Flag(help: "Paint every frame on its own, as stylize would (no flow, no temporal loss): the baseline consistency is measured against.")
    var independent = false
    @Option(parsing: .unconditional, help: "Paint only the first N frames (a preview; --resume with the checkpoint paints the rest).")
    var frameLimit: Int?
    @Option(help: "Also film the first frame being painted, as stylize --video does (.mp4, .webm, .gif, .webp or .apng).")
    var timelapse: String?
    @OptionGroup(title: "The --timelapse film (the first frame being painted)") var film: FilmOptions
    @Option(help: "Paint only segment K of N (frames split evenly) into the --work folder, as one task of several (a Slurm array, say); --join writes the clip.")
    var segment: String?
    @Option(help: "The folder the segments of one clip share (made if new).") var work: String?
    @Flag(help: "With --segment K/N: paint only the keyframes segment K needs (those up to the next segment's; with N/N all of them), as a scheduler's first job.")
    var keyframesOnly = false
    @Option(help: "Write the clip (--output) from the segments painted in this folder.") var join: String?
    @Option(help: "Save progress in this folder after every frame, for --resume.") var checkpoint: String?
    @Option(help: "Continue the clip checkpointed in this folder.") var resume: String?
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).") var threads: Int?
    @OptionGroup var kernels: ISAOption
    @Flag(help: "No progress or summary.") var quiet = false
    @Option(help: "Watch the clip being painted in a browser: the frame being painted and the clip so far ([HOST:]PORT; default host 127.0.0.1; port 0 picks a free one).")
    var serve: String?
    @Option(name: .customLong("serve-linger"), parsing: .unconditional, help: "Seconds the page stays up after the run (default \(OptionNames.number(StylizeCommand.defaultServeLinger)); Ctrl-C ends it sooner).")
    var serveLinger: Double?

    public func check() throws {
        if join != nil {
            try checkJoin()
            return
        }
        try checkSegment()
        if resume == nil {
            try Rules.require([("--content", "the clip", content != nil), ("--style", "the painting", !styles.style.isEmpty)],
                              unless: "or --resume DIR to continue a clip")
        }
        try Rules.requireThreads(threads)
        if resume != nil {
            let fixed: [(String, Bool)] = [("--content", content != nil)] + styles.fixedByCheckpoint + [
                ("--iterations", painting.iterations != nil), ("--scales", painting.scales != nil),
                ("--coarse-iterations", painting.coarseIterations != nil),
                ("--temporal-weight", temporalWeight != nil), ("--frame-iterations", frameIterations != nil),
                ("--tolerance", tolerance != nil), ("--independent", independent), ("--warp", warp != nil), ("--timelapse", timelapse != nil),
                ("--checkpoint", checkpoint != nil)] + painting.fixedByCheckpoint
            if let name = fixed.first(where: \.1)?.0 {
                throw ValidationError("\(name) is fixed by the checkpoint; --resume continues the clip as it was started")
            }
        } else {
            try painting.refuseOptionsThatDoNothing()
            if independent, let name = [("--temporal-weight", temporalWeight != nil), ("--frame-iterations", frameIterations != nil),
                                        ("--tolerance", tolerance != nil), ("--warp", warp != nil)].first(where: \.1)?.0 {
                throw ValidationError("\(name) sets how later frames follow the one before; --independent paints each on its own")
            }
        }
        if let n = frameLimit, n < 1 { throw ValidationError("--frame-limit must be at least 1") }
        try ServeAddress.check(serve: serve, linger: serveLinger)
        if timelapse == nil {
            try film.requireUse(video: false, frames: false, videoOption: "--timelapse")
        }
        try OptionNames.checking {
            if resume == nil { try clipSettings().check() }
            try firstFrameOutputs()?.check()
        }
    }

    /// `--join DIR` takes only --output (and --quiet, --threads): the folder holds everything else.
    func checkJoin() throws {
        guard output != nil else { throw ValidationError("--join writes the clip named by --output; give --output") }
        let others: [(String, Bool)] = [("--content", content != nil)] + styles.fixedByCheckpoint + painting.fixedByCheckpoint + [
            ("--segment", segment != nil), ("--work", work != nil), ("--resume", resume != nil),
            ("--checkpoint", checkpoint != nil), ("--timelapse", timelapse != nil), ("--frame-limit", frameLimit != nil),
            ("--temporal-weight", temporalWeight != nil), ("--frame-iterations", frameIterations != nil),
            ("--tolerance", tolerance != nil), ("--independent", independent), ("--warp", warp != nil),
            ("--serve", serve != nil), ("--keyframes-only", keyframesOnly)]
        if let name = others.first(where: \.1)?.0 {
            throw ValidationError("\(name) is fixed by the segments; --join only writes them into --output")
        }
    }

    /// `--segment K/N` needs `--work DIR` and writes nothing else; `--work` needs a segment.
    func checkSegment() throws {
        guard let segment else {
            if work != nil { throw ValidationError("--work holds the segments of --segment K/N; give --segment") }
            if keyframesOnly { throw ValidationError("--keyframes-only paints a segment's keyframes; give --segment K/N and --work") }
            return
        }
        do { _ = try ClipSegment(parsing: segment) } catch let error as SettingsError {   // one line, as a clash is
            try OutputChecks.refuse(UsageError(description: error.described(naming: OptionNames.name)))
        }
        guard work != nil else { throw ValidationError("--segment K/N paints into the folder --work DIR that its segments share") }
        let others: [(String, Bool)] = [("--output", output != nil), ("--timelapse", timelapse != nil),
                                        ("--checkpoint", checkpoint != nil), ("--resume", resume != nil),
                                        ("--frame-limit", frameLimit != nil), ("--serve", serve != nil)]
        if let name = others.first(where: \.1)?.0 {
            throw ValidationError("\(name) does not go with --segment: a segment paints into --work (run again, it resumes), --join writes the clip")
        }
    }

    /// The options given, in the library's terms.
    func clipSettings() throws -> ClipSettings {
        var o = SessionOptions()
        o.content = content
        styles.lay(over: &o)
        painting.lay(over: &o)
        var s = ClipSettings(clip: content ?? "", painting: try o.settings())
        if let temporalWeight { s.temporalWeight = temporalWeight }
        if let frameIterations { s.frameIterations = frameIterations }
        if let tolerance { s.tolerance = tolerance }
        s.independent = independent
        s.warp = warp
        return s
    }

    /// The first frame's film, as `stylize --video` makes it (nil without --timelapse).
    func firstFrameOutputs() -> RunOutputs? {
        guard let timelapse else { return nil }
        var o = RunOutputs(output: "first-frame.png")
        o.videos = [timelapse]
        film.lay(over: &o)
        return o
    }

    /// The painted clip's default name: the clip's and the paintings' names joined, .mp4, here.
    var defaultOutput: String {
        let base = RunOutputs.defaultName([content ?? "clip"] + styles.style)
        return (base as NSString).deletingPathExtension + ".mp4"
    }
}
