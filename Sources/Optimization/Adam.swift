// Adam as TensorFlow 1's AdamOptimizer computes it (the origin report's optimiser), with the pixel box applied
// after every step as the report does.

import Foundation

/// Adam's hyper-parameters.
public struct AdamSettings: Sendable, Equatable, Codable {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double

    public init(learningRate: Double, beta1: Double, beta2: Double, epsilon: Double) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// The report's settings: lr 2, β1 0.99, β2 0.999, ε 0.1.
    public static let report = AdamSettings(learningRate: 2, beta1: 0.99, beta2: 0.999, epsilon: 0.1)
}

/// Adam (Kingma & Ba 2014) in tf.compat.v1.train.AdamOptimizer's form: the bias correction folded into the step,
/// lr_t = lr·√(1−β2ᵗ)/(1−β1ᵗ), x ← x − lr_t·m/(√v + ε) — ε outside the correction, unlike the paper's
/// Algorithm 1 — then x clipped to [lower, upper].
public struct Adam: Sendable {
    public var settings: AdamSettings
    /// First and second moment estimates, one per variable.
    public private(set) var m: [Float]
    public private(set) var v: [Float]
    /// Steps taken.
    public private(set) var t = 0

    public init(count: Int, settings: AdamSettings) {
        self.settings = settings
        m = [Float](repeating: 0, count: count)
        v = [Float](repeating: 0, count: count)
    }

    /// One step on `x` with `gradient`, then clipping to [lower, upper].
    public mutating func step(_ x: inout [Float], gradient g: [Float], lower: Float, upper: Float) {
        precondition(x.count == m.count && g.count == m.count, "Adam: sizes differ")
        t += 1
        let s = settings
        let lrT = Float(s.learningRate * (1 - pow(s.beta2, Double(t))).squareRoot() / (1 - pow(s.beta1, Double(t))))
        let (b1, b2, eps) = (Float(s.beta1), Float(s.beta2), Float(s.epsilon))
        for i in 0..<x.count {
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
            x[i] = min(max(x[i] - lrT * m[i] / (v[i].squareRoot() + eps), lower), upper)
        }
    }

    /// Restores moments and step count (after a failed step is undone).
    public mutating func restore(m: [Float], v: [Float], t: Int) {
        self.m = m
        self.v = v
        self.t = t
    }
}
