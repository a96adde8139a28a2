// `stylelapse stylize`: a photo and a painting in; the best stylised picture, and optionally a timelapse of its
// making, every frame as PNG, and a per-iteration trace out.

import ArgumentParser
import Engine
import Foundation
import ImageFiles
import Network
import Objective
import Optimization
import StyleLapse
import Timelapse

struct StylizeCommand: ParsableCommand, RuleChecked {
    static let configuration = CommandConfiguration(
        commandName: "stylize",
        abstract: "Paint a photo in the style of a painting, and film it as it happens.",
        discussion: """
            The default optimiser is projected L-BFGS (300 steps; from 768 px, after coarser passes at quarter and \
            half size, … down to about 256 px, a sixth of the steps each). --preset report reproduces the origin \
            report's run: Adam (lr 2, β1 0.99, β2 0.999, ε 0.1, TensorFlow 1's form), 7500 steps from the content image, \
            content weight 1e3, style weight 1e-2, pixels clipped after every step; the report's best-looking run \
            used --style-weight 1e-3. Options given after a preset override it.

            Example: stylelapse stylize --content cat.jpg --style starry.jpg --output cat.png --video cat.mp4
            """)

    @Option(help: "The photo.") var content: String?
    @OptionGroup var styles: StyleOptions
    @Option(parsing: .unconditional, help: "Calmer timelapse: each frame = a·image + (1−a)·previous frame, 0 < a ≤ 1 (the best image is never smoothed).")
    var smooth: Double?
    @Option(help: "The best image, .png, .jpg or .webp (lossless) (default: <photo>-<painting>.png here).") var output: String?
    @Option(name: .customLong("jpeg-quality"), parsing: .unconditional, help: "JPEG quality of a .jpg --output, 1…100 (default 95).")
    var jpegQualityOption: Int?
    var jpegQuality: Int { jpegQualityOption ?? 95 }
    @Option(name: .customLong("bit-depth"), parsing: .unconditional, help: "Bits per sample of a .png --output: 8 (default) or 16 (the optimised values between the 8-bit levels kept, for print).")
    var bitDepth: Int?
    @Option(help: "The film: .mp4 (H.264), .webm (VP9), .gif, .webp or .apng; give it again for more files from one run.")
    var video: [String] = []
    @Option(help: "Also write every frame as a numbered PNG into this folder.") var frames: String?
    @Flag(help: "Remove the frames (frame_*.png) another run left in --frames before this one writes its own.")
    var overwriteFrames = false
    @Option(help: "One JSON object per iteration, JSON lines.") var trace: String?
    @Option(parsing: .unconditional, help: "Optimiser steps (default 300 with L-BFGS, 7500 with the report preset).") var iterations: Int?
    @Option(help: "lbfgs or adam.") var optimizer: OptimizerChoice?
    @Option(parsing: .unconditional, help: "Adam's learning rate.") var learningRate: Double?
    @Option(parsing: .unconditional, help: "Adam's β1.") var beta1: Double?
    @Option(parsing: .unconditional, help: "Adam's β2.") var beta2: Double?
    @Option(parsing: .unconditional, help: "Adam's ε.") var epsilon: Double?
    @Option(parsing: .unconditional, help: "Weight of the content loss (default 1e3).") var contentWeight: Double?
    @Option(parsing: .unconditional, help: "Weight of the style loss (default 1e-2; the report's best run used 1e-3).") var styleWeight: Double?
    @Option(parsing: .unconditional, help: "Weight of the total-variation loss (default 0).") var tvWeight: Double?
    @Option(parsing: .unconditional, help: "How strongly to stylise, 0…1 (0.5 the default look; each 0.25 multiplies the style weight by 10), with size-independent relative losses; replaces --content-weight and --style-weight.")
    var strength: Double?
    @Option(help: "report: the origin report's exact settings.") var preset: Preset?
    @Option(parsing: .unconditional, help: "Longer-side limit in pixels; a picture no larger is used at its own size.") var maxSize: Int = 512
    @Flag(help: "Enlarge a photo smaller than --max-size to it (Lanczos-3) instead of working at its own size.")
    var upscale = false
    @Option(parsing: .unconditional, help: "Optimise the photo with this many pixels of it mirrored around every side, cropped from every picture: no frame from VGG19's zero padding (0…128; default 16, a quarter of the photo's shorter side when less; 0 with --preset report).")
    var margin: Int?
    @Option(help: "Start from: content, noise, or a picture's path.") var `init`: String = "content"
    @Option(parsing: .unconditional, help: "Seed for --init noise (default 0).") var seed: UInt64?
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).") var threads: Int?
    @Option(help: "Weights file (default: where tools/fetch-weights puts it).") var weights: String?
    @OptionGroup var timelapse: TimelapseOptions
    @Option(help: "Plan within this memory (e.g. 512M, 8G): the full tape when it fits, else checkpointed with the least recomputation that fits, L-BFGS's pairs spilled to a file if need be; refuse to start when nothing does (default: the memory available).") var memoryLimit: String?
    @Option(parsing: .unconditional, help: "Evaluate checkpointed, blocks 1–4 recomputed in bands of N rows, whatever the memory (0: the full tape; default: the fastest way that fits).")
    var bands: Int?
    @Option(help: "Save the whole run's state in this folder (with the trace and frames so far), for --resume.")
    var checkpoint: String?
    @Option(name: .customLong("checkpoint-every"), parsing: .unconditional, help: "Checkpoint every N iterations, and always at the end (default 50).")
    var checkpointEveryOption: Int?
    var checkpointEvery: Int { checkpointEveryOption ?? 50 }
    @Option(help: "Continue the run checkpointed in this folder, up to --iterations full-size steps.")
    var resume: String?
    @Option(help: "Make again, from the start, the run checkpointed in this folder, with its settings and its steering.")
    var replay: String?
    @Option(parsing: .unconditional, help: "Coarse-to-fine: first optimise at 1/2^(N-1) … 1/2 of the size, then at full size (default: L-BFGS from 768 px gets passes down to about 256 px; 1 is off).")
    var scales: Int?
    @Option(parsing: .unconditional, help: "Steps of each coarser pass of --scales (default: a sixth of --iterations).")
    var coarseIterations: Int?
    @Option(help: "Also draw total, style and content loss against iteration (log scale) as an SVG.") var plot: String?
    @Flag(help: "No progress or summary.") var quiet = false
    @Option(help: "Watch and steer the run in a browser: [HOST:]PORT (default host 127.0.0.1; port 0 picks a free one).")
    var serve: String?
    @Option(name: .customLong("serve-linger"), parsing: .unconditional, help: "Seconds the page stays up after the run (default 60; Ctrl-C ends it sooner).")
    var serveLingerOption: Double?

    enum Preset: String, ExpressibleByArgument { case report }

    func check() throws {
        if resume != nil && replay != nil { throw ValidationError("--resume continues a run, --replay makes it again: give one") }
        if replay != nil && (scales != nil || coarseIterations != nil || iterations != nil) {
            throw ValidationError("--replay makes the checkpointed run as it was; its passes and steps are fixed")
        }
        if resume == nil && replay == nil {
            try Rules.require([("--content", "the photo", content != nil), ("--style", "the painting", !styles.style.isEmpty)],
                              unless: "or --resume DIR to continue a run")
        }
        if let a = smooth, !(a > 0 && a <= 1) { throw ValidationError("--smooth takes a in (0, 1]") }
        if let scales, !(1...5).contains(scales) { throw ValidationError("--scales must be 1…5") }
        if let n = coarseIterations, n < 0 { throw ValidationError("--coarse-iterations must be 0 or more") }
        if resume != nil && (scales != nil || coarseIterations != nil) {
            throw ValidationError("--resume continues the checkpoint's passes; --scales and --coarse-iterations cannot change them")
        }
        guard checkpointEvery >= 1 else { throw ValidationError("--checkpoint-every must be at least 1") }
        if let n = iterations, n < 0 { throw ValidationError("--iterations must be 0 or more") }
        guard maxSize >= 16 else { throw ValidationError("--max-size must be at least 16 (VGG19 pools 4 times)") }
        if let m = margin, !(0...128).contains(m) { throw ValidationError("--margin must be 0…128 pixels") }
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
        if let m = memoryLimit, MemoryPlan.parseSize(m) == nil {
            throw ValidationError("--memory-limit takes a size such as 512M or 8G")
        }
        if let b = bands, b < 0 { throw ValidationError("--bands must be 0 (the full tape) or more rows") }
        if let strength {
            guard (0...1).contains(strength) else { throw ValidationError("--strength must be 0…1") }
            guard contentWeight == nil && styleWeight == nil else {
                throw ValidationError("--strength sets the balance itself; give it or --content-weight/--style-weight, not both")
            }
        }
        if let lr = learningRate, !(lr > 0) { throw ValidationError("--learning-rate must be positive") }
        try refuseOptionsThatDoNothing()
        for (name, w) in [("content", contentWeight), ("style", styleWeight), ("tv", tvWeight)] {
            if let w, !(w >= 0) || !w.isFinite { throw ValidationError("--\(name)-weight must be 0 or more") }
        }
    }

    /// Options that would change nothing are refused, with why.
    func refuseOptionsThatDoNothing() throws {
        if resume != nil || replay != nil {
            let fixed: [(String, Bool)] = [
                ("--content", content != nil), ("--style", !styles.style.isEmpty), ("--style-blend", styles.styleBlend != nil),
                ("--style-scale", styles.styleScale != nil), ("--preserve-color", styles.preserveColor != nil),
                ("--smooth", smooth != nil), ("--optimizer", optimizer != nil), ("--learning-rate", learningRate != nil),
                ("--beta1", beta1 != nil), ("--beta2", beta2 != nil), ("--epsilon", epsilon != nil),
                ("--content-weight", contentWeight != nil), ("--style-weight", styleWeight != nil),
                ("--tv-weight", tvWeight != nil), ("--strength", strength != nil), ("--preset", preset != nil),
                ("--upscale", upscale), ("--margin", margin != nil), ("--padding", styles.padding != nil), ("--seed", seed != nil), ("--weights", weights != nil),
                ("--every", timelapse.everyOption != nil), ("--memory-limit", memoryLimit != nil),
                ("--bands", bands != nil)]
            if let name = fixed.first(where: \.1)?.0 {
                throw ValidationError("\(name) is fixed by the checkpoint; "
                    + (resume != nil ? "--resume continues the run as it was started" : "--replay makes the run as it was"))
            }
            return
        }
        let adam = (optimizer ?? (preset == .report ? .adam : .lbfgs)) == .adam
        if !adam, let name = [("--learning-rate", learningRate), ("--beta1", beta1), ("--beta2", beta2), ("--epsilon", epsilon)]
            .first(where: { $0.1 != nil })?.0 {
            throw ValidationError("\(name) is Adam's; this run uses L-BFGS (add --optimizer adam)")
        }
        if seed != nil && self.`init` != "noise" { throw ValidationError("--seed only seeds --init noise") }
        if checkpointEveryOption != nil && checkpoint == nil {
            throw ValidationError("--checkpoint-every does nothing without --checkpoint DIR")
        }
        if let bits = bitDepth {
            guard bits == 8 || bits == 16 else { throw ValidationError("--bit-depth must be 8 or 16") }
            guard (output.map { ($0 as NSString).pathExtension.lowercased() == "png" } ?? true) else {
                throw ValidationError("--bit-depth goes with a .png --output")
            }
        }
        if let q = jpegQualityOption {
            guard (1...100).contains(q) else { throw ValidationError("--jpeg-quality must be 1…100") }
            guard let output, ["jpg", "jpeg"].contains((output as NSString).pathExtension.lowercased()) else {
                throw ValidationError("--jpeg-quality goes with a .jpg --output")
            }
        }
        if let serve, ServeAddress(serve) == nil {
            throw ValidationError("--serve takes [HOST:]PORT, e.g. 8080, 0 (a free port) or 0.0.0.0:8080")
        }
        if let linger = serveLingerOption {
            guard serve != nil else { throw ValidationError("--serve-linger goes with --serve") }
            guard linger >= 0 && linger <= 86400 else { throw ValidationError("--serve-linger must be 0…86400 seconds") }
        }
        if overwriteFrames && frames == nil { throw ValidationError("--overwrite-frames goes with --frames DIR") }
        if smooth != nil && video.isEmpty && frames == nil {
            throw ValidationError("--smooth calms the film; it does nothing without --video or --frames")
        }
        if coarseIterations != nil && scales == 1 {
            throw ValidationError("--coarse-iterations sets the coarser passes' steps; --scales 1 has none")
        }
        try timelapse.requireUse(video: !video.isEmpty, frames: frames != nil)
    }

    /// The run's settings: the preset (or the default), then every option given.
    func runSettings() -> StylizeSettings {
        var s = preset == .report ? StylizeSettings.report : StylizeSettings.standard
        if let optimizer { s.optimizer = optimizer }
        if let iterations { s.iterations = iterations }
        if let learningRate { s.adam.learningRate = learningRate }
        if let beta1 { s.adam.beta1 = beta1 }
        if let beta2 { s.adam.beta2 = beta2 }
        if let epsilon { s.adam.epsilon = epsilon }
        if let contentWeight { s.objective.contentWeight = contentWeight }
        if let styleWeight { s.objective.styleWeight = styleWeight }
        if let strength { s.objective.setStrength(strength) }
        if let tvWeight { s.objective.tvWeight = tvWeight }
        s.seed = seed ?? 0
        s.initialization = Initialization(option: self.`init`)
        return s
    }

    /// The session's settings: the pictures (with the report preset, every picture at its own size unless
    /// --style-scale is given), the run, coarse-to-fine, the film's frames, the weights and the memory limit.
    func sessionSettings() -> SessionSettings {
        let pictures = PictureSettings(
            content: content!, styles: styles.style, styleBlend: styles.blend,
            styleScale: styles.styleScale ?? (preset == .report ? nil : 1), maxSize: maxSize, upscale: upscale,
            preserveColor: styles.preserveColor, margin: margin ?? (preset == .report ? 0 : nil))
        return SessionSettings(pictures: pictures, run: runSettings(), pooling: styles.pooling,
                               padding: styles.padding ?? (preset == .report ? .zeros : nil), scales: scales,
                               coarseIterations: coarseIterations, film: FilmSettings(every: timelapse.every, smooth: smooth),
                               weights: weights ?? WeightsLocation.defaultPath,
                               memoryLimit: memoryLimit.flatMap(MemoryPlan.parseSize), bandRows: bands)
    }
}

extension OptimizerChoice: ExpressibleByArgument {}
