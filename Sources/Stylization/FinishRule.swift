// FinishRule: when a picture is finished — more steps would not make it better. The run looks back over windows of
// `window` steps (counted from the start of the final pass, or from the last change of balance): the picture is
// finished when over the last window its best loss fell by less than `lossFall` of itself and the picture, as it
// will be written (8-bit, at its output size), changed by less than `levels` on average; never before `minimum`
// steps, and the step count given (`StylizeSettings.iterations`) stays the cap.
//
// One window's reference is kept (its step, best loss and picture), so the rule costs one picture of memory and one
// comparison every `window` steps.

/// The rule's thresholds.
public struct FinishRule: Codable, Sendable, Equatable {
    /// Steps between two looks, and the span each look measures.
    public var window: Int
    /// The best loss's fall over a window, as a fraction of it, below which the loss has settled.
    public var lossFall: Double
    /// The mean absolute change of the picture's samples over a window (levels of 255) below which it has settled.
    public var levels: Double
    /// Steps of the final pass before the rule may end it.
    public var minimum: Int

    public init(window: Int, lossFall: Double, levels: Double, minimum: Int) {
        (self.window, self.lossFall, self.levels, self.minimum) = (window, lossFall, levels, minimum)
    }

    /// The rule in words: "the loss falls less than 0.15 % and the picture changes less than 1 level over 20 steps".
    public var summary: String {
        "the loss falls less than " + FinishVerdict.percent(lossFall) + " and the picture changes less than "
            + String(format: "%g", levels) + (levels == 1 ? " level" : " levels") + " over \(window) steps"
    }

    /// StyleLapse's default (measured: docs/optimisation.md, "When a picture is finished").
    public static let standard = FinishRule(window: 20, lossFall: 0.0015, levels: 1, minimum: 60)
}

/// Why the run stopped where it did.
public struct FinishVerdict: Sendable, Equatable {
    /// The step the rule looked at: the final pass's own in `FinishWatch`, run-wide in `StylizeOutcome`.
    public var iteration: Int
    /// Over the last `window` steps: the best loss's fall (a fraction of it) and the picture's mean change (levels).
    public var lossFall: Double, levels: Double, window: Int

    /// "the loss fell 0.2 % and the picture changed 0.3 levels over the last 20 steps"
    public var description: String {
        "the loss fell " + Self.percent(lossFall) + " and the picture changed "
            + String(format: "%.2g", levels) + " levels over the last \(window) steps"
    }

    static func percent(_ fraction: Double) -> String {
        let p = 100 * fraction
        return (p < 0.1 ? String(format: "%.2f", p) : String(format: "%.2g", p)) + " %"
    }
}

/// The rule applied to one pass, step by step. Its state is part of a checkpoint (`Mark` and the reference's
/// picture), so a resumed run finishes where the uninterrupted one would.
public struct FinishWatch: Sendable {
    public let rule: FinishRule
    /// The last window's start: its step, the best loss then, and the picture then (8-bit samples).
    public private(set) var reference: (iteration: Int, bestLoss: Double, picture: [UInt8])?
    /// The first step the rule may end the run at (the minimum from the pass's start or the last change of balance).
    public private(set) var earliest: Int
    /// The best loss since the pass's start or the last change of balance.
    public private(set) var best = Double.infinity
    /// What the last look at a window's end measured, finished or not (nil before the first).
    public private(set) var lastLook: FinishVerdict?

    /// The watch's scalars, as a checkpoint keeps them (the reference's picture is kept beside, as an array).
    public struct Mark: Codable, Sendable, Equatable {
        public var referenceIteration: Int?, referenceBest: Double?, earliest: Int, best: Double?
    }

    /// Watches a pass from its step `from`.
    public init(rule: FinishRule, from: Int = 0) {
        (self.rule, self.earliest) = (rule, from + rule.minimum)
    }

    /// The watch a checkpoint kept (`mark`, and the reference's picture).
    public init(rule: FinishRule, mark: Mark, picture: [UInt8]?) {
        (self.rule, earliest, best) = (rule, mark.earliest, mark.best ?? .infinity)
        if let i = mark.referenceIteration, let b = mark.referenceBest, let picture { reference = (i, b, picture) }
    }

    /// The scalars a checkpoint keeps.
    public var mark: Mark {
        Mark(referenceIteration: reference?.iteration, referenceBest: reference?.bestLoss, earliest: earliest,
             best: best.isFinite ? best : nil)
    }

    /// Sees step `iteration` with its loss (`picture` makes the picture as it will be written, 8-bit samples, asked
    /// for only at a window's start and end): the verdict when the picture is finished.
    public mutating func observe(iteration: Int, loss: Double, picture: () -> [UInt8]) -> FinishVerdict? {
        best = min(best, loss)
        guard let reference else {
            self.reference = (iteration, best, picture())
            return nil
        }
        guard iteration - reference.iteration >= rule.window else { return nil }
        let now = picture()
        let fall = (reference.bestLoss - best) / max(abs(best), .leastNormalMagnitude)
        let levels = Self.meanChange(reference.picture, now)
        self.reference = (iteration, best, now)
        lastLook = FinishVerdict(iteration: iteration, lossFall: fall, levels: levels, window: rule.window)
        guard iteration >= earliest, fall < rule.lossFall, levels < rule.levels else { return nil }
        return lastLook
    }

    /// The balance changes from step `iteration` on: the windows start again there, the minimum counts from there,
    /// and the best loss is the new objective's.
    public mutating func rearm(at iteration: Int) {
        (reference, best, earliest, lastLook) = (nil, .infinity, iteration + rule.minimum, nil)
    }

    /// Mean absolute difference of two pictures' samples, in levels (pictures of different sizes: infinity).
    static func meanChange(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        var sum = 0
        for i in a.indices { sum += abs(Int(a[i]) - Int(b[i])) }
        return Double(sum) / Double(a.count)
    }
}
