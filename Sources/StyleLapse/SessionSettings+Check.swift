// SessionSettings.check: settings that cannot make a run are an error before any work — from a program's own
// values, an edited checkpoint or a command line — never a trap deep in the engine.

import Foundation
import Stylize

/// Settings that cannot make a run; `description` says which value and why.
public struct SettingsError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension SessionSettings {
    /// Throws `SettingsError` naming the first value no run can use.
    public func check() throws {
        func require(_ ok: Bool, _ problem: @autoclosure () -> String) throws {
            if !ok { throw SettingsError(problem()) }
        }
        func nonNegative(_ x: Double) -> Bool { x.isFinite && x >= 0 }
        let p = pictures
        try require(!p.styles.isEmpty, "no painting: give at least one style picture")
        if let blend = p.styleBlend {
            try require(blend.count == p.styles.count, "\(blend.count) blend weights for \(p.styles.count) paintings")
            try require(blend.allSatisfy(nonNegative) && blend.reduce(0, +) > 0,
                        "blend weights must be 0 or more and not all 0")
        }
        if let s = p.styleScale { try require(s.isFinite && s > 0 && s <= 16, "the style scale must be above 0 and at most 16") }
        if let m = p.margin { try require((0...128).contains(m), "the margin must be 0…128 pixels") }
        try require(p.maxSize >= 16, "the size limit must be at least 16 pixels (VGG19 pools 4 times)")
        if let s = scales { try require((1...5).contains(s), "coarse-to-fine takes 1…5 scales") }
        if let n = coarseIterations { try require(n >= 0, "the coarse passes' steps must be 0 or more") }
        try require(film.every >= 1, "film frames every \(film.every) iterations: must be at least 1")
        if let a = film.smooth { try require(a > 0 && a <= 1, "the film's smoothing must be in (0, 1]") }
        if let m = memoryLimit { try require(m > 0, "the memory limit must be positive") }
        if let b = bandRows { try require(b >= 0, "bands of \(b) rows: 0 (the full tape) or more") }
        let r = run, o = r.objective
        try require(r.iterations >= 0, "the steps must be 0 or more")
        try require(!o.styleLayers.isEmpty, "the objective has no style layer")
        try require(o.styleLayers.allSatisfy { nonNegative($0.weight) }, "style layer weights must be 0 or more")
        try require([o.contentWeight, o.styleWeight, o.tvWeight].allSatisfy(nonNegative),
                    "the content, style and total-variation weights must be 0 or more")
        let a = r.adam
        try require(a.learningRate.isFinite && a.learningRate > 0, "Adam's learning rate must be positive")
        try require((0..<1).contains(a.beta1) && (0..<1).contains(a.beta2), "Adam's β1 and β2 must be in [0, 1)")
        try require(a.epsilon.isFinite && a.epsilon > 0, "Adam's ε must be positive")
        let l = r.lbfgs
        try require((1...100).contains(l.historySize), "L-BFGS keeps 1…100 pairs")
        try require(l.maxEvaluationsPerStep >= 1, "L-BFGS needs at least one evaluation a step")
        try require(l.firstStepSize.isFinite && l.firstStepSize > 0, "L-BFGS's first step must be positive")
        try require(l.armijo > 0 && l.armijo < 1, "L-BFGS's sufficient-decrease constant must be in (0, 1)")
    }
}
