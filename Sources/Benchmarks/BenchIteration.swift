// `stylelapse bench iteration --size N`: seconds per Gatys iteration at N×N (forward to the deepest objective layer,
// gradient to the image, the report's Adam step) and peak resident memory.

import ArgumentParser
import Commands
import Engine
import Foundation
import Network
import Objective
import Optimization
import Stylization

struct BenchIteration: ParsableCommand, RuleChecked {
    static let configuration = CommandConfiguration(
        commandName: "iteration",
        abstract: "Seconds per iteration of the report's objective and Adam step at N×N, and peak memory.",
        discussion: "Example: stylelapse bench iteration --size 512 --repeats 5 --json")

    @Option(help: "Image side in pixels (content and style are N×N).") var size: Int = 512
    @Option(help: "Measured repeats (the median is reported), after one warm-up.") var repeats: Int = 5
    @Option(help: "Worker threads (default: all cores).") var threads: Int?
    @Option(help: "Weights file (default: where tools/setup/fetch-weights puts them).") var weights: String?
    @Option(help: "Plan within this memory (e.g. 8G): the full tape when it fits, else the recomputing plan with the least recomputation that fits (default: the memory available).")
    var memoryLimit: String?
    @Option(parsing: .unconditional, help: "Recompute blocks in bands of N rows, whatever the memory (0: the whole picture on one tape).")
    var bands: Int?
    @Option(parsing: .unconditional, help: "Recompute the first K blocks (whole, or in --bands), whatever the memory (default with --bands: all but the last).")
    var recompute: Int?
    @Option(help: "VGG19's padding: zeros, replicate, reflect, replicate-all or reflect-all.")
    var padding: NetworkPadding = .zeros
    @Option(help: "The style loss timed: gram (the report's) or w2.") var styleLoss: StyleLoss = .gram
    @OptionGroup var kernels: ISAOption
    @Flag(help: "One JSON object instead of text.") var json = false
    @Flag(help: "Also time every stage (each layer's convolution forward and backward, Gram, pooling, ReLU, the rest) over as many more iterations.")
    var profile = false

    /// The planar copies of the picture the benchmark's step holds: x, Adam's m and v, the gradient's.
    static let adamCopies = 4

    func check() throws {
        guard size >= 16 else { throw ValidationError("--size must be at least 16") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        try Rules.requireThreads(threads)
        if let m = memoryLimit, MemoryPlan.parseSize(m) == nil {
            throw ValidationError("--memory-limit takes a size such as 512M or 8G")
        }
        if let b = bands, b < 0 { throw ValidationError("--bands must be 0 (the full tape) or more rows") }
        if let k = recompute, !(1...5).contains(k) { throw ValidationError("--recompute takes 1…5 blocks") }
        if recompute != nil && bands == 0 { throw ValidationError("--bands 0 is the whole picture on one tape: nothing to recompute") }
        if (bands != nil || recompute != nil) && memoryLimit != nil {
            throw ValidationError("--bands and --recompute choose the plan themselves; give them or --memory-limit")
        }
    }

    func run() throws {
        try kernels.apply()
        let path = weights ?? WeightsLocation.defaultPath
        guard FileManager.default.fileExists(atPath: path) else { throw WeightsError(path, "no weights file; run tools/setup/fetch-weights") }
        let parallel = Parallel(workers: threads ?? System.activeProcessorCount)
        let network = try VGGNetwork.load(path, padding: padding, through: ObjectiveSettings.report.deepestLayer)
        let shape = Shape(channels: 3, height: size, width: size)
        // Smooth synthetic pictures: the cost does not depend on what the pixels show.
        func picture(_ phase: Float) -> [Float] {
            (0..<shape.count).map { i in
                let (c, y, x) = (i / shape.pixels, i / size % size, i % size)
                return 127.5 + 100 * sinf(Float(x) / 9 + phase + Float(c)) * cosf(Float(y) / 7 - phase)
            }
        }
        let square = (width: size, height: size)
        var settings = ObjectiveSettings.report
        settings.styleLoss = styleLoss
        let memory: MemoryPlan
        if bands != nil || recompute != nil {
            let forced = recompute.map { RecomputePlan(keptFrom: $0, bandRows: bands) }
                ?? MemoryPlan.forced(bands: bands!, objective: .report)
            memory = MemoryPlan(padding: padding, objective: settings, content: square, style: square, optimizer: .adam,
                                historySize: 0, video: false, recompute: forced, optimizerCopies: Self.adamCopies)
        } else {
            let limit = memoryLimit.flatMap(MemoryPlan.parseSize) ?? MemoryPlan.available ?? .max
            guard let fitting = MemoryPlan.fastest(within: limit, padding: padding, objective: settings, content: square,
                                                   style: square, optimizer: .adam, historySize: 0, video: false,
                                                   optimizerCopies: Self.adamCopies) else {
                throw ValidationError(String(format: "%d×%d does not fit in %.0f MB even recomputing in bands of 16 rows", size, size,
                                             Double(limit) / 1048576))
            }
            memory = fitting
        }
        let planName = memory.recompute?.description ?? "full tape"
        let objective = StyleObjective(network: network, settings: settings, content: BlockedTensor(shape, chw: picture(0)),
                                       style: BlockedTensor(shape, chw: picture(1)), recompute: memory.recompute,
                                       parallel: parallel)
        var x = picture(0.3)
        var adam = Adam(count: x.count, settings: .report)
        let image = BlockedTensor(shape), gradient = BlockedTensor(shape)
        let seconds = Measure.median(repeats: repeats) {
            image.load(chw: x)
            _ = objective.evaluate(image, gradient: gradient)
            adam.step(&x, gradient: gradient.chw(), lower: 0, upper: 255)
        }
        let peakMB = Measure.peakMemoryMB
        var stages: [[String: Any]] = []
        if profile {
            let p: Profile? = Profile()
            objective.profile = p
            let clock = ContinuousClock(), start = clock.now
            for _ in 0..<repeats {
                image.load(chw: x)
                _ = objective.evaluate(image, gradient: gradient)
                p.measure("Adam step and copies") { adam.step(&x, gradient: gradient.chw(), lower: 0, upper: 255) }
            }
            let total = (clock.now - start).seconds / Double(repeats)
            let flops = stageFLOPs(network.architecture, deepest: ObjectiveSettings.report.deepestLayer)
            let measured = p!.stages.reduce(0) { $0 + $1.seconds } / Double(repeats)
            for stage in p!.stages + [(name: "other (loss sums, image copies)", seconds: (total - measured) * Double(repeats),
                                      calls: repeats)] {
                var row: [String: Any] = ["stage": stage.name, "seconds": stage.seconds / Double(repeats),
                                          "share": stage.seconds / Double(repeats) / total]
                if let f = flops[stage.name] { row["gflops"] = f / (stage.seconds / Double(repeats)) / 1e9 }
                stages.append(row)
            }
        }
        if json {
            var object: [String: Any] = ["size": size, "seconds_per_iteration": seconds, "peak_rss_mb": peakMB,
                                         "threads": parallel.workers, "repeats": repeats, "padding": padding.description,
                                         "plan": planName, "estimated_peak_mb": Double(memory.peak) / 1048576,
                                         "isa": InstructionSet.current.rawValue]
            if let plan = memory.recompute {
                object["recomputed_blocks"] = plan.keptFrom
                if let rows = plan.bandRows { object["band_rows"] = rows }
            }
            if profile { object["profile"] = stages }
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(String(format: "%d×%d: %.3f s per iteration (median of %d), peak memory %.0f MB (estimated %.0f MB), %@, "
                + "%d threads, padding %@, kernels %@", size, size, seconds, repeats, peakMB, Double(memory.peak) / 1048576,
                planName, parallel.workers, padding.description, InstructionSet.current.rawValue))
            if profile {
                print("stage                             ms/iteration  share  GFLOP/s (convolutions: 2·9·Cin·Cout·H·W)")
                for row in stages {
                    let name = row["stage"] as! String
                    print(String(format: "%@ %10.1f %5.1f%%  %@", name.padding(toLength: 33, withPad: " ", startingAt: 0),
                                 (row["seconds"] as! Double) * 1000, (row["share"] as! Double) * 100,
                                 (row["gflops"] as? Double).map { String(format: "%7.1f", $0) } ?? ""))
                }
            }
        }
    }

    /// The FLOPs of each timed stage at this size: a convolution's 2·9·Cin·Cout·H·W (whatever the algorithm), a
    /// Gram's 2·C²·H·W forward and backward over the five style layers.
    func stageFLOPs(_ architecture: VGGArchitecture, deepest: VGGLayer) -> [String: Double] {
        var out: [String: Double] = ["Gram forward": 0, "Gram backward": 0]
        var side = size
        for l in architecture.layers {
            if l.layer.conv == 1 && l.layer.block > 1 { side /= 2 }
            let conv = 2 * 9 * Double(l.inChannels * l.outChannels) * Double(side * side)
            out["\(l.layer) forward"] = conv
            out["\(l.layer) backward"] = conv
            if ObjectiveSettings.report.styleLayers.contains(where: { $0.layer == l.layer }) {
                let gram = 2 * Double(l.outChannels * l.outChannels) * Double(side * side)
                out["Gram forward"]! += gram
                out["Gram backward"]! += gram
            }
            if l.layer == deepest { break }
        }
        return out
    }
}
