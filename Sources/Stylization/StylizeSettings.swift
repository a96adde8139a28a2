// StylizeSettings: everything that defines a stylisation run apart from the images.

import Objective
import Optimization

/// Which optimiser moves the pixels.
public enum OptimizerChoice: String, Sendable, Codable, CaseIterable {
    /// Projected L-BFGS (the default: a finished picture in far fewer iterations).
    case lbfgs
    /// Adam in TensorFlow 1's form (the origin report's).
    case adam
}

/// Where the optimised image starts.
public enum Initialization: Sendable, Equatable, Codable {
    /// The content photo itself (the report's choice).
    case content
    /// Uniform noise in 0…255 from the run's seed.
    case noise
    /// Another picture (resized to the content's size).
    case image(path: String)
}

/// The settings of one run.
public struct StylizeSettings: Sendable, Codable, Equatable {
    public var objective: ObjectiveSettings
    public var optimizer: OptimizerChoice
    public var adam: AdamSettings
    public var lbfgs: LBFGSSettings
    /// Optimiser steps (iteration 0 is the initial image; N steps make N+1 iterations): with a `finish` rule, the
    /// most the final pass takes.
    public var iterations: Int
    public var initialization: Initialization
    public var seed: UInt64
    /// When the final pass ends before `iterations` because the picture is finished (nil: it runs every step).
    public var finish: FinishRule?

    public init(objective: ObjectiveSettings, optimizer: OptimizerChoice, adam: AdamSettings, lbfgs: LBFGSSettings,
                iterations: Int, initialization: Initialization, seed: UInt64, finish: FinishRule? = nil) {
        self.objective = objective
        self.optimizer = optimizer
        self.adam = adam
        self.lbfgs = lbfgs
        self.iterations = iterations
        self.initialization = initialization
        self.seed = seed
        self.finish = finish
    }

    /// StyleLapse's default: `ObjectiveSettings.standard` (relative losses at strength 0.5), L-BFGS from the content
    /// image until the picture is finished (`FinishRule.standard`), 300 steps at most.
    public static let standard = StylizeSettings(objective: .standard, optimizer: .lbfgs, adam: .report,
                                                 lbfgs: LBFGSSettings(), iterations: 300, initialization: .content,
                                                 seed: 0, finish: .standard)

    /// The origin report's exact run: Adam (lr 2, β1 0.99, β2 0.999, ε 0.1, TF1 form), 7500 steps from the content
    /// image, content weight 1e3, style weight 1e-2, pixels clipped to the box after every step.
    public static let report = StylizeSettings(objective: .report, optimizer: .adam, adam: .report,
                                               lbfgs: LBFGSSettings(), iterations: 7500, initialization: .content,
                                               seed: 0)
}
