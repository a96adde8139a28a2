// PassOptimizer: the optimisation loop. Evaluates every iteration's image (iteration 0 is the initial image), keeps the
// best one paired with the loss computed on that same image, hands every iteration to the caller (frames, trace,
// progress), recovers from non-finite values, stops between steps when asked, and carries its whole state in a
// RunState that can be checkpointed and resumed bit for bit.

import Engine
import Foundation
import Network
import Objective
import Optimization

/// One iteration as the caller sees it.
public struct IterationRecord: Sendable {
    /// 0 for the initial image; k after the k-th accepted step.
    public var iteration: Int
    public var loss: LossBreakdown
    /// Objective evaluations so far (L-BFGS line searches may take several per step).
    public var evaluations: Int
    /// Seconds since the run started (resumed runs count the time before the checkpoint too).
    public var seconds: Double

    public init(iteration: Int, loss: LossBreakdown, evaluations: Int, seconds: Double) {
        (self.iteration, self.loss, self.evaluations, self.seconds) = (iteration, loss, evaluations, seconds)
    }
}

/// Everything needed to continue a run exactly: the current image with its loss and gradient, the best image,
/// the counters and the optimiser's own state.
public struct RunState {
    public var iteration: Int
    public var evaluations: Int
    /// Seconds spent before this process took over (from a checkpoint).
    public var elapsedBefore: Double
    public var x: [Float]
    public var loss: LossBreakdown
    /// ∇f at `x` (Adam's next step uses it; empty when never needed).
    public var gradient: [Float]
    public var best: [Float]
    public var bestIteration: Int
    public var bestLoss: LossBreakdown
    public var optimizer: OptimizerState

    public init(iteration: Int, evaluations: Int, elapsedBefore: Double, x: [Float], loss: LossBreakdown,
                gradient: [Float], best: [Float], bestIteration: Int, bestLoss: LossBreakdown,
                optimizer: OptimizerState) {
        (self.iteration, self.evaluations, self.elapsedBefore) = (iteration, evaluations, elapsedBefore)
        (self.x, self.loss, self.gradient) = (x, loss, gradient)
        (self.best, self.bestIteration, self.bestLoss) = (best, bestIteration, bestLoss)
        self.optimizer = optimizer
    }
}

/// The optimiser's own state within a run.
public enum OptimizerState {
    case adam(Adam)
    case lbfgs(ProjectedLBFGS)
}

/// How a run ended.
public struct PassResult: Sendable {
    /// True when `shouldStop` asked the run to end early.
    public var stopped: Bool
    /// True when L-BFGS found no further decrease (the optimum within the pixel box).
    public var converged: Bool

    public init(stopped: Bool, converged: Bool) { (self.stopped, self.converged) = (stopped, converged) }
}

/// A failure of the optimisation itself.
public struct OptimizationError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// Runs the optimisation for one objective.
public final class PassOptimizer {
    public let objective: StyleObjective
    public let settings: StylizeSettings
    private let image: BlockedTensor, gradient: BlockedTensor
    private var evaluations = 0
    private let start = ContinuousClock.now
    private var elapsedBefore = 0.0
    /// Messages about recoveries ("non-finite loss at …"), for the caller to show.
    public var notice: (String) -> Void = { _ in }
    /// Sees every evaluation's number (1-based, run-wide) and gradient before the run checks it: for diagnostics and
    /// for tests of the recovery from non-finite values (which poison a gradient here).
    public var inspectGradient: ((_ evaluation: Int, _ gradient: inout [Float]) -> Void)?
    /// L-BFGS keeps its curvature pairs in a temporary file instead of memory (`CurvaturePairs`; the planner's
    /// choice at print size): the same steps.
    public var spillsPairs = false

    public init(objective: StyleObjective, settings: StylizeSettings) {
        self.objective = objective
        self.settings = settings
        image = BlockedTensor(objective.imageShape)
        gradient = BlockedTensor(objective.imageShape)
    }

    /// Seconds since the run started, including time before a checkpoint it resumed from.
    public var elapsed: Double {
        elapsedBefore + (ContinuousClock.now - start).seconds
    }

    /// f(x) and, when `wantGradient`, ∇f(x) in `grad`. A non-finite gradient makes the value NaN.
    private func evaluate(_ x: [Float], _ grad: inout [Float], wantGradient: Bool = true) -> LossBreakdown {
        evaluations += 1
        image.load(chw: x)
        var loss = objective.evaluate(image, gradient: wantGradient ? gradient : nil)
        if wantGradient {
            grad = gradient.chw()
            inspectGradient?(evaluations, &grad)
            if grad.contains(where: { !$0.isFinite }) { loss.total = .nan }
        }
        return loss
    }

    /// Evaluates the initial image (planar RGB 0…255): iteration 0.
    public func start(from initial: [Float]) throws -> RunState {
        var g = [Float]()
        let loss = evaluate(initial, &g, wantGradient: settings.iterations > 0)
        guard loss.total.isFinite else {
            throw OptimizationError(description: "the initial image gives a non-finite loss; nothing to optimise")
        }
        return RunState(iteration: 0, evaluations: evaluations, elapsedBefore: 0, x: initial, loss: loss, gradient: g,
                        best: initial, bestIteration: 0, bestLoss: loss,
                        optimizer: settings.optimizer == .adam
                            ? .adam(Adam(count: initial.count, settings: settings.adam))
                            : .lbfgs(try lbfgs(x: initial, value: loss.total, gradient: g)))
    }

    /// The record of the state's current iteration.
    public func record(_ state: RunState) -> IterationRecord {
        IterationRecord(iteration: state.iteration, loss: state.loss, evaluations: state.evaluations, seconds: elapsed)
    }

    /// Continues `state` until iteration `settings.iterations`, or until `shouldStop` (asked between steps) or
    /// convergence. `onIteration` sees every new iteration with its image; `onCheckpoint` sees the state after every
    /// `checkpointEvery` iterations and at the end.
    ///
    /// `steering(i)`, asked before each step, may return a new balance for iteration i and after: the objective
    /// changes, the current image is evaluated anew, the optimiser's history is reset and the best image starts
    /// again from the current one (the old best was best for another objective).
    public func run(_ state: inout RunState, shouldStop: () -> Bool = { false },
                    steering: (_ nextIteration: Int) -> Balance? = { _ in nil },
                    checkpointEvery: Int? = nil, onCheckpoint: (RunState) throws -> Void = { _ in },
                    onIteration: (IterationRecord, [Float]) throws -> Void) throws -> PassResult {
        evaluations = state.evaluations
        elapsedBefore = state.elapsedBefore
        if state.gradient.isEmpty, state.iteration < settings.iterations {
            // A run that ended before this resumed one never needed its last gradient: compute it now (a
            // recomputation of what an uninterrupted run computed, so not counted as an evaluation). L-BFGS, which
            // had taken no step (no history), starts from it as `start` would have.
            var g = [Float]()
            let loss = evaluate(state.x, &g)
            evaluations -= 1
            state.gradient = g
            if case .lbfgs(let lbfgs) = state.optimizer, lbfgs.gradient.isEmpty {
                state.optimizer = .lbfgs(try self.lbfgs(x: state.x, value: loss.total, gradient: g))
            }
        }
        if case .lbfgs(let lbfgs) = state.optimizer, spillsPairs, !lbfgs.spilled {   // resumed from a checkpoint
            state.optimizer = .lbfgs(lbfgs.moving(to: try pairs(state.x.count)))
        }
        var stopped = false, converged = false
        var failures = 0
        func accept(_ x: [Float], _ loss: LossBreakdown, _ g: [Float]) throws {
            state.iteration += 1
            (state.x, state.loss, state.gradient, state.evaluations) = (x, loss, g, evaluations)
            if loss.total < state.bestLoss.total { (state.best, state.bestIteration, state.bestLoss) = (x, state.iteration, loss) }
            try onIteration(record(state), x)
            if let n = checkpointEvery, state.iteration % n == 0 { try checkpoint() }
        }
        func checkpoint() throws {
            state.elapsedBefore = elapsed
            try onCheckpoint(state)
        }
        steps: while state.iteration < settings.iterations {
            if shouldStop() { stopped = true; break }
            if let balance = steering(state.iteration + 1) { try steer(&state, balance: balance) }
            switch state.optimizer {
            case .adam(var adam):
                let before = adam
                var x = state.x
                adam.step(&x, gradient: state.gradient, lower: 0, upper: 255)
                var next = [Float]()
                // The last iteration's gradient is never used: its evaluation runs forward only.
                let l = evaluate(x, &next, wantGradient: state.iteration + 1 < settings.iterations)
                if !l.total.isFinite {
                    failures += 1
                    guard failures <= 3 else {
                        throw OptimizationError(description: "non-finite loss at iteration \(state.iteration + 1) after "
                            + "3 recoveries; try a smaller learning rate")
                    }
                    var halved = before   // the moments stay as they were before the bad step
                    halved.settings.learningRate /= 2
                    state.optimizer = .adam(halved)
                    notice("non-finite loss or gradient at iteration \(state.iteration + 1): back to iteration "
                        + "\(state.iteration), learning rate halved to \(halved.settings.learningRate)")
                    continue
                }
                failures = 0
                state.optimizer = .adam(adam)
                try accept(x, l, next)
            case .lbfgs(var lbfgs):
                var breakdowns: [Double: LossBreakdown] = [:]
                var nonFinite = 0
                let result = lbfgs.step { trial, gradOut in
                    let l = evaluate(trial, &gradOut)
                    if !l.total.isFinite { nonFinite += 1 } else { breakdowns[l.total] = l }
                    return l.total
                }
                if nonFinite > 0 { lbfgs.resetHistory() }
                if case .converged = result {
                    state.optimizer = .lbfgs(lbfgs)
                    if nonFinite > 0 {
                        failures += 1
                        guard failures <= 3 else {
                            throw OptimizationError(description: "non-finite loss at iteration \(state.iteration + 1) "
                                + "after 3 recoveries")
                        }
                        notice("non-finite loss or gradient at iteration \(state.iteration + 1): staying at "
                            + "iteration \(state.iteration), L-BFGS history restarted")
                        continue
                    }
                    converged = true
                    break steps
                }
                if nonFinite > 0 {
                    notice("non-finite loss or gradient during the line search of iteration \(state.iteration + 1): "
                        + "step shortened, L-BFGS history restarted")
                }
                failures = 0
                state.optimizer = .lbfgs(lbfgs)
                try accept(lbfgs.x, breakdowns[lbfgs.value]!, lbfgs.gradient)
            }
        }
        state.evaluations = evaluations
        try checkpoint()
        return PassResult(stopped: stopped, converged: converged)
    }

    /// A new L-BFGS optimiser at `x` in the pixel box, its pairs where `spillsPairs` says.
    private func lbfgs(x: [Float], value: Double, gradient: [Float]) throws -> ProjectedLBFGS {
        ProjectedLBFGS(x: x, value: value, gradient: gradient, lower: 0, upper: 255, settings: settings.lbfgs,
                       pairs: try pairs(x.count))
    }

    private func pairs(_ length: Int) throws -> CurvaturePairs {
        do {
            return try CurvaturePairs(capacity: settings.lbfgs.historySize, length: length, spill: spillsPairs)
        } catch {
            throw OptimizationError(description: "\(NSTemporaryDirectory()): cannot make the file L-BFGS's pairs spill to "
                + "(\(error.localizedDescription))")
        }
    }

    /// The objective's balance becomes `balance` at the state's current image: see `run`'s `steering`.
    private func steer(_ state: inout RunState, balance: Balance) throws {
        objective.steer(balance: balance)
        let styleWeight = objective.settings.styleWeight
        var g = [Float]()
        let loss = evaluate(state.x, &g)
        guard loss.total.isFinite else {
            throw OptimizationError(description: "the style weight \(styleWeight) gives a non-finite loss")
        }
        (state.loss, state.gradient, state.evaluations) = (loss, g, evaluations)
        (state.best, state.bestIteration, state.bestLoss) = (state.x, state.iteration, loss)
        switch state.optimizer {
        case .adam(let adam): state.optimizer = .adam(Adam(count: state.x.count, settings: adam.settings))
        case .lbfgs: state.optimizer = .lbfgs(try lbfgs(x: state.x, value: loss.total, gradient: g))
        }
        notice("style weight \(styleWeight) from iteration \(state.iteration + 1): the optimiser starts afresh")
    }
}
