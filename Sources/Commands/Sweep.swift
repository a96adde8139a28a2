// `stylelapse sweep`: the origin report's grid of runs as a feature. Every combination of the listed style weights
// (or strengths), content weights and learning rates is run on the same pictures, and the results are laid out as one
// labelled contact sheet PNG, optionally with a side-by-side film of all cells.

import ArgumentParser
import Foundation
import StyleLapse

public struct SweepCommand: ParsableCommand, RuleChecked {
    public init() {}
    public static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run every combination of settings and lay the results out as one labelled contact sheet.",
        discussion: """
            Columns are the values of the first list given (--strength or --style-weight, else --content-weight, \
            else --learning-rate); rows are the combinations of the others. Each cell is labelled with its settings \
            and its best loss (total, then style S and content C, unweighted). --learning-rate runs Adam. Cells run \
            one after another at --max-size (default \(Self.defaultMaxSize)); each takes as long as a `stylize` run of that size. \
            To spread a sweep over machines, run the same command with --shard K/N (K = 1…N) and --cells DIR on each, \
            then `sweep --merge DIR --output sheet.png` once all have written their cells.

            Example: stylelapse sweep --content cat.jpg --style starry.jpg --strength 0.25,0.5,0.75 --output sheet.png
            """)

    @Option(help: "The photo.") var content: String?
    @OptionGroup var styles: StyleOptions
    @Option(help: "Style weights to try, comma-separated (e.g. 1e-3,1e-2,1e-1).") var styleWeight: String?
    @Option(help: "Strengths to try, comma-separated, each 0…1 (relative losses; see stylize --strength).")
    var strength: String?
    @Option(help: "Content weights to try, comma-separated.") var contentWeight: String?
    @Option(help: "Adam learning rates to try, comma-separated (implies --optimizer adam).") var learningRate: String?
    @Option(parsing: .unconditional, help: "Weight of the total-variation loss (default 0).") var tvWeight: Double?
    @Option(parsing: .unconditional, help: "Optimiser steps per cell (default \(StylizeSettings.standard.iterations); \(StylizeSettings.report.iterations) with the report preset).") var iterations: Int?
    @Option(help: "lbfgs or adam.") var optimizer: OptimizerChoice?
    @Option(help: "report: the origin report's settings for every cell.") var preset: SessionPreset?
    @Option(parsing: .unconditional, help: "Longer-side limit of each cell's picture (default \(Self.defaultMaxSize)).") var maxSize: Int?
    @Option(help: "Start from: content (default), noise, or a picture's path.") var `init`: String?
    @Option(parsing: .unconditional, help: "Seed for --init noise (default 0).") var seed: UInt64?
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).") var threads: Int?
    @Option(help: "Weights file (default: where tools/setup/fetch-weights puts it).") var weights: String?
    @Option(help: "The contact sheet, .png, .jpg or .webp (lossless).") var output: String?
    @Option(help: "Also a side-by-side film of all cells (.mp4, .webm, .gif, .webp or .apng), composed as stylize's.")
    var video: String?
    @Option(help: "Also write each cell's best picture (PNG) and record (JSON) into this folder.") var cells: String?
    @Option(help: "Run only every N-th cell starting at the K-th (K/N, 1 ≤ K ≤ N), writing them to --cells.")
    var shard: Shard?
    @Option(help: "Lay out the sheet (--output) from the cells that shards wrote into this folder; runs nothing.")
    var merge: String?
    @OptionGroup var film: FilmOptions
    @Flag(help: "No progress or summary.") var quiet = false
    @Option(help: "Watch the sweep in a browser, one cell after another: [HOST:]PORT (default host 127.0.0.1; 0: a free port).")
    var serve: String?

    /// A sheet's cells are small: each cell's longer side unless --max-size says otherwise.
    static let defaultMaxSize = 256

    /// One swept option: its label, its values and how a value sets it.
    struct Axis {
        let name: String
        let values: [Double]
        let apply: (inout SessionOptions, Double) -> Void
    }

    /// The numbers of a comma-separated list (their ranges are the library's, checked cell by cell).
    static func list(_ text: String?, _ option: String) throws -> [Double]? {
        guard let text else { return nil }
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
        guard !values.isEmpty, values.allSatisfy({ $0?.isFinite ?? false }) else {
            throw ValidationError("--\(option) takes comma-separated numbers, e.g. 1e-3,1e-2,1e-1")
        }
        return values.map { $0! }
    }

    /// The swept options, columns first.
    func axes() throws -> [Axis] {
        var axes: [Axis] = []
        if let v = try Self.list(strength, "strength") { axes.append(Axis(name: "str", values: v) { $0.strength = $1 }) }
        if let v = try Self.list(styleWeight, "style-weight") { axes.append(Axis(name: "sw", values: v) { $0.styleWeight = $1 }) }
        if let v = try Self.list(contentWeight, "content-weight") {
            axes.append(Axis(name: "cw", values: v) { $0.contentWeight = $1 })
        }
        if let v = try Self.list(learningRate, "learning-rate") {
            axes.append(Axis(name: "lr", values: v) { $0.learningRate = $1 })
        }
        return axes
    }

    /// `--shard K/N`.
    struct Shard: ExpressibleByArgument {
        let k: Int, n: Int
        init?(argument: String) {
            let parts = argument.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 2, let k = parts[0], let n = parts[1], n >= 1, (1...n).contains(k) else { return nil }
            (self.k, self.n) = (k, n)
        }
    }

    public func check() throws {
        if merge != nil {
            guard output != nil else { throw ValidationError("--merge lays out a sheet: give --output PATH.png") }
            guard content == nil, styles.style.isEmpty, video == nil, shard == nil, cells == nil else {
                throw ValidationError("--merge only reads the cells folder; it takes --output and nothing to run")
            }
            return
        }
        try Rules.require([("--content", "the photo", content != nil), ("--style", "the painting", !styles.style.isEmpty),
                           shard == nil ? ("--output", "the contact sheet", output != nil)
                                        : ("--cells", "the folder --shard writes its cells to", cells != nil)])
        if shard != nil {
            guard video == nil else { throw ValidationError("--video needs every cell on one machine; it does not combine with --shard") }
        }
        let axes = try axes()
        guard !axes.isEmpty else {
            throw ValidationError("give at least one list to sweep: --style-weight, --strength, --content-weight or --learning-rate")
        }
        if learningRate != nil && optimizer == .lbfgs {
            throw ValidationError("--learning-rate is Adam's; it does not combine with --optimizer lbfgs")
        }
        let count = axes.reduce(1) { $0 * $1.values.count }
        guard count <= 64 else { throw ValidationError("\(count) combinations; a sheet holds at most 64") }
        try Rules.requireThreads(threads)
        if seed != nil && self.`init` != "noise" { throw ValidationError("--seed only seeds --init noise") }
        try film.requireUse(video: video != nil, frames: false)
        if let serve, ServeAddress(serve) == nil {
            throw ValidationError("--serve takes [HOST:]PORT, e.g. 8080, 0 (a free port) or 0.0.0.0:8080")
        }
        if serve != nil && shard != nil { throw ValidationError("--serve shows one machine's sweep; it does not combine with --shard") }
        if film.overlay { throw ValidationError("--overlay draws one run's curve; a sweep's cells show their losses already") }
        // Every cell's settings and the film's, checked by the library as the run will use them.
        try OptionNames.checking {
            for values in Self.grid(axes).cells { _ = try cellSettings(axes, values) }
            var outputs = RunOutputs(output: output ?? "sheet.png")
            film.lay(over: &outputs)
            try outputs.check()
        }
    }

    /// The options every cell shares, in the library's terms: a single pass (coarse-to-fine is for larger pictures
    /// than a sheet's cells), Adam when learning rates are swept.
    public func sessionOptions() -> SessionOptions {
        var o = SessionOptions()
        o.preset = preset ?? .standard
        o.content = content
        styles.lay(over: &o)
        o.maxSize = maxSize ?? Self.defaultMaxSize
        o.optimizer = optimizer ?? (learningRate != nil ? .adam : nil)
        (o.iterations, o.tvWeight) = (iterations, tvWeight)
        (o.initialization, o.seed) = (self.`init`.map(Initialization.init(option:)), seed)
        (o.scales, o.every, o.weights) = (1, film.everyOption, weights)
        return o
    }

    /// Every cell's settings, row by row.
    public func cellSettings() throws -> [SessionSettings] {
        let axes = try axes()
        return try Self.grid(axes).cells.map { try cellSettings(axes, $0) }
    }

    /// The settings of the cell with `values` (one per axis).
    func cellSettings(_ axes: [Axis], _ values: [Double]) throws -> SessionSettings {
        var o = sessionOptions()
        for (axis, v) in zip(axes, values) { axis.apply(&o, v) }
        return try o.settings()
    }

    /// Every cell's values, one per axis, row by row: the first axis along a row, the last varying fastest down.
    static func grid(_ axes: [Axis]) -> (columns: Int, rows: Int, cells: [[Double]]) {
        var rows: [[Double]] = [[]]
        for axis in axes.dropFirst() { rows = rows.flatMap { r in axis.values.map { r + [$0] } } }
        return (axes[0].values.count, rows.count, rows.flatMap { r in axes[0].values.map { [$0] + r } })
    }
}

