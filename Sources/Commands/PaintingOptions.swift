// PaintingOptions: how a picture is painted — the objective, the optimiser, sizes, coarse-to-fine, the weights and
// the memory — the options `stylize` and `clip` share, laid over the library's settings in one place.

import ArgumentParser
import StyleLapse

struct PaintingOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Optimiser steps, exactly (default: until the picture is finished — \(FinishRule.standard.summary) — at most \(StylizeSettings.standard.iterations); \(StylizeSettings.report.iterations) with the report preset).") var iterations: Int?
    @Option(help: "lbfgs or adam.") var optimizer: OptimizerChoice?
    @Option(parsing: .unconditional, help: "Adam's learning rate.") var learningRate: Double?
    @Option(parsing: .unconditional, help: "Adam's β1.") var beta1: Double?
    @Option(parsing: .unconditional, help: "Adam's β2.") var beta2: Double?
    @Option(parsing: .unconditional, help: "Adam's ε.") var epsilon: Double?
    @Option(parsing: .unconditional, help: "Weight of the content loss: the report's absolute weights instead of --strength (default \(OptionNames.number(ObjectiveSettings.report.contentWeight)) when either weight is given).") var contentWeight: Double?
    @Option(parsing: .unconditional, help: "Weight of the style loss: the report's absolute weights instead of --strength (default \(OptionNames.number(ObjectiveSettings.report.styleWeight)) when either weight is given; the report's best run used 1e-3).") var styleWeight: Double?
    @Option(parsing: .unconditional, help: "Weight of the total-variation loss (default \(OptionNames.number(ObjectiveSettings.report.tvWeight))).") var tvWeight: Double?
    @Option(parsing: .unconditional, help: "How strongly to stylise, 0…1 (default \(OptionNames.number(ObjectiveSettings.standardStrength)); each 0.25 multiplies the style weight by 10), on size-independent relative losses in which every style layer counts. Above about 0.75 the photo can be lost: the Gram loss keeps only its strongest edges, W2 only ghost outlines. --content-weight and --style-weight replace it with the report's absolute weights.")
    var strength: Double?
    @Option(help: "report: the origin report's exact settings.") var preset: SessionPreset?
    @Option(parsing: .unconditional, help: "Longer-side limit in pixels; a picture no larger is used at its own size (default \(PictureSettings.defaultMaxSize)).") var maxSize: Int?
    @Flag(help: "Enlarge a photo smaller than --max-size to it (Lanczos-3) instead of working at its own size.")
    var upscale = false
    @Option(parsing: .unconditional, help: "Optimise the photo with this many pixels of it mirrored around every side, cropped from every picture: no frame from VGG19's zero padding (0…128; default \(Pictures.defaultMarginPixels), a quarter of the photo's shorter side when less; 0 with --preset report).")
    var margin: Int?
    @Option(help: "Start from: content (default), noise, or a picture's path.") var `init`: String?
    @Option(parsing: .unconditional, help: "Seed for --init noise (default 0).") var seed: UInt64?
    @Option(help: "Weights file (default: where tools/setup/fetch-weights puts it).") var weights: String?
    @Option(help: "Plan within this memory (e.g. 512M, 8G): the full tape when it fits, else recomputing with the least recomputation that fits, L-BFGS's pairs spilled to a file if need be; refuse to start when nothing does (default: the memory available).") var memoryLimit: String?
    @Option(parsing: .unconditional, help: "Recompute blocks 1–4 in bands of N rows, whatever the memory (0: the full tape; default: the fastest way that fits).")
    var bands: Int?
    @Option(parsing: .unconditional, help: "Coarse-to-fine: first optimise at 1/R^(N-1) … 1/R of the size (R: --scale-ratio, 2 unless given), then at full size (default: L-BFGS from 768 px gets passes down to about 256 px; 1 is off).")
    var scales: Int?
    @Option(parsing: .unconditional, help: "Steps of each coarser pass of --scales (default: a sixth of --iterations).")
    var coarseIterations: Int?
    @Option(parsing: .unconditional, help: "Coarse-to-fine: each level's size over the next coarser one's (default 2; crowsonkb's ladder is √2, 1.41421).")
    var scaleRatio: Double?

    /// These options in the library's terms.
    func lay(over o: inout SessionOptions) {
        o.preset = preset ?? .standard
        (o.maxSize, o.upscale, o.margin) = (maxSize, upscale ? true : nil, margin)
        (o.optimizer, o.iterations) = (optimizer, iterations)
        (o.learningRate, o.beta1, o.beta2, o.epsilon) = (learningRate, beta1, beta2, epsilon)
        (o.contentWeight, o.styleWeight, o.tvWeight, o.strength) = (contentWeight, styleWeight, tvWeight, strength)
        (o.initialization, o.seed) = (self.`init`.map(Initialization.init(option:)), seed)
        (o.scales, o.coarseIterations, o.scaleRatio) = (scales, coarseIterations, scaleRatio)
        (o.weights, o.memoryLimit, o.bandRows) = (weights, memoryLimit.flatMap(MemoryPlan.parseSize), bands)
    }

    /// The options a checkpoint fixes (a resumed run continues as it was started): each flag and whether it was given.
    var fixedByCheckpoint: [(String, Bool)] {
        [("--optimizer", optimizer != nil), ("--learning-rate", learningRate != nil), ("--beta1", beta1 != nil),
         ("--beta2", beta2 != nil), ("--epsilon", epsilon != nil), ("--content-weight", contentWeight != nil),
         ("--style-weight", styleWeight != nil), ("--tv-weight", tvWeight != nil), ("--strength", strength != nil),
         ("--preset", preset != nil), ("--max-size", maxSize != nil), ("--init", self.`init` != nil), ("--upscale", upscale),
         ("--margin", margin != nil), ("--seed", seed != nil), ("--weights", weights != nil),
         ("--memory-limit", memoryLimit != nil), ("--bands", bands != nil), ("--scale-ratio", scaleRatio != nil)]
    }

    /// Options that would change nothing for a new run, refused with why.
    func refuseOptionsThatDoNothing() throws {
        if let m = memoryLimit, MemoryPlan.parseSize(m) == nil {
            throw ValidationError("--memory-limit takes a size such as 512M or 8G")
        }
        let adam = (optimizer ?? (preset ?? .standard).settings(content: "", styles: []).run.optimizer) == .adam
        if !adam, let name = [("--learning-rate", learningRate), ("--beta1", beta1), ("--beta2", beta2), ("--epsilon", epsilon)]
            .first(where: { $0.1 != nil })?.0 {
            throw ValidationError("\(name) is Adam's; this run uses L-BFGS (add --optimizer adam)")
        }
        if seed != nil && self.`init` != "noise" { throw ValidationError("--seed only seeds --init noise") }
        if scaleRatio != nil && scales == 1 {
            throw ValidationError("--scale-ratio sets the coarser passes' sizes; --scales 1 has none")
        }
        if coarseIterations != nil && scales == 1 {
            throw ValidationError("--coarse-iterations sets the coarser passes' steps; --scales 1 has none")
        }
    }
}
