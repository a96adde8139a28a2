// StylizeRun: the optimisation loop. Evaluates every iteration's image (iteration 0 is the initial image), keeps the
// best one paired with the loss computed on that same image, hands every iteration to the caller (frames, trace,
// progress), recovers from non-finite values, and stops between steps when asked.

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
    /// Seconds since the run started.
    public var seconds: Double
}

/// What a run produced.
public struct StylizeResult: Sendable {
    /// The lowest-loss image (planar RGB, 0…255) and its iteration and loss.
    public var best: [Float]
    public var bestIteration: Int
    public var bestLoss: LossBreakdown
    /// Iterations recorded (the last one's number).
    public var lastIteration: Int
    public var evaluations: Int
    /// True when the run ended early because `shouldStop` asked it to, or the optimum was reached.
    public var stoppedEarly: Bool
    public var converged: Bool
}

/// A failure of the optimisation itself.
public struct StylizeError: Error, CustomStringConvertible {
    public let description: String
}

/// Runs the optimisation for one objective.
public final class StylizeRun {
    public let objective: StyleObjective
    public let settings: StylizeSettings
    private let image: BlockedTensor, gradient: BlockedTensor
    private var evaluations = 0
    private let start = ContinuousClock.now
    /// Messages about recoveries ("non-finite loss at …"), for the caller to show.
    public var notice: (String) -> Void = { _ in }

    public init(objective: StyleObjective, settings: StylizeSettings) {
        self.objective = objective
        self.settings = settings
        image = BlockedTensor(objective.imageShape)
        gradient = BlockedTensor(objective.imageShape)
    }

    /// Seconds since the run object was made.
    public var elapsed: Double { seconds }

    private var seconds: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// f(x) and, when `wantGradient`, ∇f(x) in `grad`. A non-finite gradient makes the value NaN.
    private func evaluate(_ x: [Float], _ grad: inout [Float], wantGradient: Bool = true) -> LossBreakdown {
        evaluations += 1
        image.load(chw: x)
        var loss = objective.evaluate(image, gradient: wantGradient ? gradient : nil)
        if wantGradient {
            grad = gradient.chw()
            if settings.injectNonFinite.contains(evaluations) { grad[grad.count / 2] = .nan }
            if grad.contains(where: { !$0.isFinite }) { loss.total = .nan }
        }
        return loss
    }

    /// Optimises from `initial` (planar RGB 0…255). `onIteration` sees every iteration's record and current image;
    /// `shouldStop` is asked between steps.
    public func run(from initial: [Float], shouldStop: () -> Bool = { false },
                    onIteration: (IterationRecord, [Float]) throws -> Void) throws -> StylizeResult {
        var x = initial
        var g = [Float]()
        var loss = evaluate(x, &g, wantGradient: settings.iterations > 0)
        guard loss.total.isFinite else {
            throw StylizeError(description: "the initial image gives a non-finite loss; nothing to optimise")
        }
        var best = (x: x, iteration: 0, loss: loss)
        try onIteration(IterationRecord(iteration: 0, loss: loss, evaluations: evaluations, seconds: seconds), x)
        var k = 0
        var stopped = false, converged = false
        func record(_ l: LossBreakdown) throws {
            if l.total < best.loss.total { best = (x, k, l) }
            try onIteration(IterationRecord(iteration: k, loss: l, evaluations: evaluations, seconds: seconds), x)
        }

        switch settings.optimizer {
        case .adam:
            var adam = Adam(count: x.count, settings: settings.adam)
            var failures = 0
            while k < settings.iterations {
                if shouldStop() { stopped = true; break }
                let saved = (x: x, g: g, m: adam.m, v: adam.v, t: adam.t)
                adam.step(&x, gradient: g, lower: 0, upper: 255)
                var next = [Float]()
                // The last iteration's gradient is never used: its evaluation runs forward only.
                let l = evaluate(x, &next, wantGradient: k + 1 < settings.iterations)
                if !l.total.isFinite {
                    failures += 1
                    guard failures <= 3 else {
                        throw StylizeError(description: "non-finite loss at iteration \(k + 1) after 3 recoveries; "
                            + "try a smaller --learning-rate")
                    }
                    adam.restore(m: saved.m, v: saved.v, t: saved.t)
                    adam.settings.learningRate /= 2
                    (x, g) = (saved.x, saved.g)
                    notice("non-finite loss or gradient at iteration \(k + 1): back to iteration \(k), learning rate "
                        + "halved to \(adam.settings.learningRate)")
                    continue
                }
                failures = 0
                k += 1
                g = next
                loss = l
                try record(l)
            }
        case .lbfgs:
            var breakdowns: [Double: LossBreakdown] = [:]
            var lbfgs = ProjectedLBFGS(x: x, value: loss.total, gradient: g, lower: 0, upper: 255,
                                       settings: settings.lbfgs)
            var failures = 0
            while k < settings.iterations {
                if shouldStop() { stopped = true; break }
                breakdowns = [:]
                var nonFinite = 0
                let result = lbfgs.step { trial, gradOut in
                    let l = evaluate(trial, &gradOut)
                    if !l.total.isFinite { nonFinite += 1 } else { breakdowns[l.total] = l }
                    return l.total
                }
                if case .converged = result {
                    if nonFinite > 0 {
                        failures += 1
                        guard failures <= 3 else {
                            throw StylizeError(description: "non-finite loss at iteration \(k + 1) after 3 recoveries")
                        }
                        lbfgs.resetHistory()
                        notice("non-finite loss or gradient at iteration \(k + 1): staying at iteration \(k), "
                            + "L-BFGS history restarted")
                        continue
                    }
                    converged = true
                    break
                }
                if nonFinite > 0 {
                    lbfgs.resetHistory()
                    notice("non-finite loss or gradient during the line search of iteration \(k + 1): step shortened, "
                        + "L-BFGS history restarted")
                }
                failures = 0
                k += 1
                x = lbfgs.x
                try record(breakdowns[lbfgs.value]!)
            }
        }
        return StylizeResult(best: best.x, bestIteration: best.iteration, bestLoss: best.loss, lastIteration: k,
                             evaluations: evaluations, stoppedEarly: stopped, converged: converged)
    }
}
