// ProjectedLBFGS: limited-memory BFGS for a box-constrained problem (pixels in 0…255), by gradient projection:
// variables held at a bound by the gradient are fixed for the step, the direction comes from the two-loop
// recursion, and the line search runs along the projected path, so curvature pairs are the steps actually taken.

/// Settings of the L-BFGS optimiser.
public struct LBFGSSettings: Sendable, Equatable, Codable {
    /// Curvature pairs kept (the "limited memory").
    public var historySize: Int = 10
    /// Function evaluations allowed in one line search before the step is given up.
    public var maxEvaluationsPerStep: Int = 20
    /// Largest change of any variable on the first step (in pixel levels), before the history can scale steps.
    public var firstStepSize: Double = 1
    /// Armijo sufficient-decrease constant.
    public var armijo: Double = 1e-4

    public init() {}
}

/// The outcome of one L-BFGS step.
public enum LBFGSStepResult: Equatable {
    /// A step was accepted after `evaluations` function evaluations.
    case accepted(evaluations: Int)
    /// The projected gradient vanished or no decrease could be found: the optimum within the box.
    case converged(evaluations: Int)
}

/// Projected L-BFGS on variables in [lower, upper]. `evaluate(x, gradientOut)` returns f(x) and writes ∇f(x).
public struct ProjectedLBFGS {
    public let settings: LBFGSSettings
    public let lower: Float, upper: Float
    /// The curvature pairs (a class: in memory or spilled to a file; see CurvaturePairs.swift).
    private let pairs: CurvaturePairs
    /// The current point, its value and gradient.
    public private(set) var x: [Float]
    public private(set) var value: Double
    public private(set) var gradient: [Float]

    /// Starts at `x`, whose value and gradient the caller has evaluated; the pairs in `pairs` (default: in memory).
    public init(x: [Float], value: Double, gradient: [Float], lower: Float, upper: Float,
                settings: LBFGSSettings = LBFGSSettings(), pairs: CurvaturePairs? = nil) {
        precondition(pairs.map { $0.length == x.count && $0.capacity == settings.historySize && $0.count == 0 } ?? true,
                     "ProjectedLBFGS: the pairs' store does not fit")
        self.pairs = pairs ?? (try! CurvaturePairs(capacity: settings.historySize, length: x.count, spill: false))
        self.x = x
        self.value = value
        self.gradient = gradient
        self.lower = lower
        self.upper = upper
        self.settings = settings
    }

    /// The curvature pairs, oldest first, and their 1/sᵀy (for checkpoints).
    public var history: (s: [[Float]], y: [[Float]], rho: [Double]) {
        let (s, y) = pairs.arrays
        return (s, y, pairs.rho)
    }

    /// How many curvature pairs it holds, and their 1/sᵀy, oldest first.
    public var pairCount: Int { pairs.count }
    public var pairRho: [Double] { pairs.rho }

    /// Calls `body` with pair k's s (`y` false) or y vector, oldest first (for checkpoints written a vector at a
    /// time: spilled pairs are read back one by one).
    public func withPair<R>(_ k: Int, y: Bool, _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try pairs.withVector(k, y: y, body)
    }

    /// Whether the curvature pairs live in a file.
    public var spilled: Bool { pairs.spilled }

    /// Resumes exactly where a checkpointed optimiser was: point, value, gradient and history.
    public init(x: [Float], value: Double, gradient: [Float], history: (s: [[Float]], y: [[Float]], rho: [Double]),
                lower: Float, upper: Float, settings: LBFGSSettings = LBFGSSettings(), pairs: CurvaturePairs? = nil) {
        self.init(x: x, value: value, gradient: gradient, lower: lower, upper: upper, settings: settings, pairs: pairs)
        for k in history.rho.indices { record(history.s[k], history.y[k], history.rho[k]) }
    }

    /// The same optimiser with its pairs moved into `pairs` (a resumed run spilling what its checkpoint held).
    public func moving(to pairs: CurvaturePairs) -> ProjectedLBFGS {
        ProjectedLBFGS(x: x, value: value, gradient: gradient, history: history, lower: lower, upper: upper,
                       settings: settings, pairs: pairs)
    }

    /// Forgets the curvature history (after a failure, the next step is steepest descent again).
    public mutating func resetHistory() { pairs.removeAll() }

    /// Keeps a pair; one that cannot be written to the spill file restarts the history, as a failed step does.
    private func record(_ s: [Float], _ y: [Float], _ rho: Double) {
        do { try pairs.append(s: s, y: y, rho: rho) } catch { pairs.removeAll() }
    }

    /// Whether variable i may move along direction d: not pinned at a bound it would cross.
    @inline(__always) private func free(_ i: Int, _ g: Float) -> Bool {
        !((x[i] <= lower && g > 0) || (x[i] >= upper && g < 0))
    }

    /// Takes one step. `evaluate` must return a finite value for an accepted step; a non-finite value counts as no
    /// decrease (the line search shortens the step).
    public mutating func step(_ evaluate: ([Float], inout [Float]) -> Double) -> LBFGSStepResult {
        let n = x.count
        var mask = [Float](repeating: 0, count: n)
        var projectedNorm: Float = 0
        for i in 0..<n where free(i, gradient[i]) {
            mask[i] = 1
            projectedNorm = max(projectedNorm, abs(gradient[i]))
        }
        if projectedNorm == 0 { return .converged(evaluations: 0) }

        var d = direction(mask)
        var slope = zip(d, gradient).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        var alpha = 1.0
        if pairs.count == 0 || !(slope < 0) {
            // Steepest descent, scaled so the largest change is firstStepSize levels: an unscaled first step on
            // this objective (gradients of order 1e4…1e8) would leap across the whole box.
            resetHistory()
            let k = Float(settings.firstStepSize) / projectedNorm
            d = (0..<n).map { -gradient[$0] * mask[$0] * k }
            slope = zip(d, gradient).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }

        var evaluations = 0
        var trial = x, trialGradient = gradient
        var best: (alpha: Double, value: Double, x: [Float], gradient: [Float])?
        let expanding = pairs.count == 0   // only the unscaled first direction may grow its step
        while evaluations < settings.maxEvaluationsPerStep {
            for i in 0..<n { trial[i] = min(max(x[i] + Float(alpha) * d[i], lower), upper) }
            var decrease = 0.0   // gᵀ(x(α) − x) along the projected path
            for i in 0..<n { decrease += Double(gradient[i]) * Double(trial[i] - x[i]) }
            let f = evaluate(trial, &trialGradient)
            evaluations += 1
            let sufficient = f.isFinite && f <= value + settings.armijo * decrease
            if sufficient && (best == nil || f < best!.value) {
                best = (alpha, f, trial, trialGradient)
                if expanding && evaluations < settings.maxEvaluationsPerStep { alpha *= 2; continue }
                break
            }
            if best != nil { break }   // expansion stopped paying: keep the best step found
            alpha *= 0.5
        }
        guard let accepted = best else { resetHistory(); return .converged(evaluations: evaluations) }

        var sNew = [Float](repeating: 0, count: n), yNew = sNew
        var sy = 0.0, yy = 0.0
        for i in 0..<n {
            sNew[i] = accepted.x[i] - x[i]
            yNew[i] = accepted.gradient[i] - gradient[i]
            sy += Double(sNew[i]) * Double(yNew[i])
            yy += Double(yNew[i]) * Double(yNew[i])
        }
        if sy > 1e-10 * yy { record(sNew, yNew, 1 / sy) }   // only positive curvature: H stays positive definite
        x = accepted.x
        value = accepted.value
        gradient = accepted.gradient
        return .accepted(evaluations: evaluations)
    }

    /// −H·g on the free variables (Nocedal & Wright, Algorithm 7.4), H₀ = (sᵀy / yᵀy)·I.
    private func direction(_ mask: [Float]) -> [Float] {
        let n = x.count
        let rho = pairs.rho
        var q = (0..<n).map { Double(gradient[$0] * mask[$0]) }
        var a = [Double](repeating: 0, count: rho.count)
        for k in stride(from: rho.count - 1, through: 0, by: -1) {
            var dot = 0.0
            pairs.withVector(k, y: false) { s in for i in 0..<n { dot += Double(s[i]) * q[i] } }
            a[k] = rho[k] * dot
            pairs.withVector(k, y: true) { y in for i in 0..<n { q[i] -= a[k] * Double(y[i]) } }
        }
        if let last = rho.indices.last {
            var yy = 0.0
            pairs.withVector(last, y: true) { y in for i in 0..<n { yy += Double(y[i]) * Double(y[i]) } }
            let gamma = 1 / (rho[last] * yy)
            for i in 0..<n { q[i] *= gamma }
        }
        for k in rho.indices {
            var dot = 0.0
            pairs.withVector(k, y: true) { y in for i in 0..<n { dot += Double(y[i]) * q[i] } }
            let b = rho[k] * dot
            pairs.withVector(k, y: false) { s in for i in 0..<n { q[i] += (a[k] - b) * Double(s[i]) } }
        }
        return (0..<n).map { Float(-q[$0]) * mask[$0] }
    }
}
