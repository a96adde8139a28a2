// SessionSettings.check: settings that cannot make a run are an error before any work — from a program's own
// values, an edited checkpoint or a command line — never a trap deep in the engine. This is the one place the
// ranges of the settings are checked; an error names the setting by its key (its path in the settings' JSON, as a
// checkpoint stores them), and a command line maps keys to its own option names.

import Foundation
import Stylization

/// A value no run can use: the setting's `key` (e.g. `run.objective.styleWeight`) and what is wrong with it.
public struct SettingsError: Error, CustomStringConvertible, Equatable {
    /// The setting, as a path in `SessionSettings`' JSON (or an option of `SessionOptions`, e.g. `strength`).
    public let key: String
    /// What is wrong, said after the setting's name: "must be 0 or more".
    public let problem: String
    public init(key: String, _ problem: String) { (self.key, self.problem) = (key, problem) }
    public var description: String { "\(key) \(problem)" }

    /// The message with the setting named by `name(key)` (a command line's option, say).
    public func described(naming name: (String) -> String) -> String { "\(name(key)) \(problem)" }
}

extension SessionSettings {
    /// Throws `SettingsError` naming the first value no run can use.
    public func check() throws {
        func require(_ ok: Bool, _ key: String, _ problem: @autoclosure () -> String) throws {
            if !ok { throw SettingsError(key: key, problem()) }
        }
        func nonNegative(_ x: Double) -> Bool { x.isFinite && x >= 0 }
        let p = pictures
        try require(!p.styles.isEmpty, "pictures.styles", "names no painting: give at least one")
        if let blend = p.styleBlend {
            try require(blend.count == p.styles.count, "pictures.styleBlend",
                        "has \(blend.count) weights for \(p.styles.count) paintings: give one per painting, e.g. 0.7,0.3")
            try require(blend.allSatisfy(nonNegative) && blend.reduce(0, +) > 0, "pictures.styleBlend",
                        "takes weights of 0 or more, not all 0")
        }
        for (key, paths) in [("pictures.styleMasks", p.styleMasks), ("pictures.styleRegions", p.styleRegions)] {
            guard let paths else { continue }
            try require(paths.count == p.styles.count, key,
                        "names \(paths.count) mask\(paths.count == 1 ? "" : "s") for \(p.styles.count) painting"
                            + "\(p.styles.count == 1 ? "" : "s"): give one per painting, in the same order")
        }
        if let s = p.styleScale { try require(s.isFinite && s > 0 && s <= 16, "pictures.styleScale", "must be above 0 and at most 16") }
        if let m = p.margin { try require((0...128).contains(m), "pictures.margin", "must be 0…128 pixels") }
        try require(p.maxSize >= 16, "pictures.maxSize", "must be at least 16 (VGG19 pools 4 times)")
        if let r = scaleRatio { try require(r.isFinite && r >= 1.1 && r <= 4, "scaleRatio", "must be 1.1…4") }
        let ratio = scaleRatio ?? CoarseToFine.standardRatio
        if let s = scales {
            // The coarsest level at least 1/16 of the size: 5 levels of halves, 9 of √2.
            let most = 1 + Int((log(16) / log(ratio)).rounded(.down) + 1e-9)
            try require((1...most).contains(s), "scales", "must be 1…\(most)\(scaleRatio == nil ? "" : " with this ratio")")
        }
        if let n = coarseIterations { try require(n >= 0, "coarseIterations", "must be 0 or more") }
        try require(film.every >= 1, "film.every", "must be at least 1")
        if let a = film.smooth { try require(a > 0 && a <= 1, "film.smooth", "takes a in (0, 1]") }
        if let m = memoryLimit { try require(m > 0, "memoryLimit", "must be positive") }
        if let b = bandRows { try require(b >= 0, "bandRows", "must be 0 (the full tape) or more rows") }
        let r = run, o = r.objective
        try require(r.iterations >= 0, "run.iterations", "must be 0 or more")
        if let f = r.finish {   // a checkpoint's rule (the CLI has no option for it)
            try require(f.window >= 1 && f.minimum >= 0 && !f.lossFall.isNaN && !f.levels.isNaN && f.lossFall > 0 && f.levels > 0,
                        "run.finish", "needs a window of 1 step or more, a minimum of 0 or more and positive thresholds")
        }
        try require(!o.styleLayers.isEmpty, "run.objective.styleLayers", "names no layer")
        try require(o.styleLayers.allSatisfy { nonNegative($0.weight) }, "run.objective.styleLayers", "weights must be 0 or more")
        try require(nonNegative(o.contentWeight), "run.objective.contentWeight", "must be 0 or more")
        try require(nonNegative(o.styleWeight), "run.objective.styleWeight", "must be 0 or more")
        try require(nonNegative(o.tvWeight), "run.objective.tvWeight", "must be 0 or more")
        let a = r.adam
        try require(a.learningRate.isFinite && a.learningRate > 0, "run.adam.learningRate", "must be positive")
        try require((0..<1).contains(a.beta1), "run.adam.beta1", "must be in [0, 1)")
        try require((0..<1).contains(a.beta2), "run.adam.beta2", "must be in [0, 1)")
        try require(a.epsilon.isFinite && a.epsilon > 0, "run.adam.epsilon", "must be positive")
        let l = r.lbfgs
        try require((1...100).contains(l.historySize), "run.lbfgs.historySize", "must be 1…100 pairs")
        try require(l.maxEvaluationsPerStep >= 1, "run.lbfgs.maxEvaluationsPerStep", "must be at least 1")
        try require(l.firstStepSize.isFinite && l.firstStepSize > 0, "run.lbfgs.firstStepSize", "must be positive")
        try require(l.armijo > 0 && l.armijo < 1, "run.lbfgs.armijo", "must be in (0, 1)")
    }
}
