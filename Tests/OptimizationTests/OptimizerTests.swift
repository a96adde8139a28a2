// The optimisers on their own, on small problems with known answers: projected L-BFGS on a box-constrained
// quadratic and on Rosenbrock's function in a box (iterates stay in the box, every accepted step satisfies Armijo,
// convergence to the known minimum), and TF1 Adam's first steps against a hand computation.

import Optimization
import XCTest

final class OptimizerTests: XCTestCase {
    /// Runs L-BFGS on `f` from `x0` in [lower, upper] until it converges (at most `steps`), checking every accepted
    /// step; returns the last point.
    func minimise(_ x0: [Float], lower: Float, upper: Float, steps: Int = 500,
                  _ f: ([Double]) -> (value: Double, gradient: [Double]),
                  file: StaticString = #filePath, line: UInt = #line) -> [Float] {
        func evaluate(_ x: [Float], _ g: inout [Float]) -> Double {
            let (value, gradient) = f(x.map(Double.init))
            g = gradient.map(Float.init)
            return value
        }
        var g0 = [Float]()
        let f0 = evaluate(x0, &g0)
        var lbfgs = ProjectedLBFGS(x: x0, value: f0, gradient: g0, lower: lower, upper: upper)
        for _ in 0..<steps {
            let (before, gradient, value) = (lbfgs.x, lbfgs.gradient, lbfgs.value)
            var evaluated: [[Float]] = []
            let result = lbfgs.step { x, g in evaluated.append(x); return evaluate(x, &g) }
            XCTAssertTrue(evaluated.allSatisfy { $0.allSatisfy { (lower...upper).contains($0) } },
                          "every trial point in the box", file: file, line: line)
            guard case .accepted = result else { break }
            // Armijo along the projected path: f(x⁺) ≤ f(x) + c₁ gᵀ(x⁺ − x).
            let decrease = zip(gradient, zip(lbfgs.x, before)).reduce(0.0) { $0 + Double($1.0) * Double($1.1.0 - $1.1.1) }
            XCTAssertLessThanOrEqual(lbfgs.value, value + 1e-4 * decrease, "Armijo", file: file, line: line)
            XCTAssertEqual(lbfgs.value, f(lbfgs.x.map(Double.init)).value, "the value is the point's", file: file, line: line)
        }
        return lbfgs.x
    }

    func testBoxConstrainedQuadratic() {
        // f = Σ aᵢ (xᵢ − cᵢ)² + 0.3 (x₀ − c₀)(x₁ − c₁), in [0, 1]⁴; c₂ and c₃ lie outside the box, so the minimum has
        // x₂ = 0 and x₃ = 1 (the coupling only involves the free pair, whose minimum is c₀, c₁).
        let a = [1.0, 4.0, 0.5, 2.0], c = [0.3, 0.65, -0.5, 1.7]
        let x = minimise([0.9, 0.1, 0.5, 0.5], lower: 0, upper: 1) { x in
            let d = zip(x, c).map { $0 - $1 }
            let value = zip(a, d).reduce(0.0) { $0 + $1.0 * $1.1 * $1.1 } + 0.3 * d[0] * d[1]
            var g = zip(a, d).map { 2 * $0 * $1 }
            (g[0], g[1]) = (g[0] + 0.3 * d[1], g[1] + 0.3 * d[0])
            return (value, g)
        }
        for (got, want) in zip(x, [Float(0.3), 0.65, 0, 1]) { XCTAssertEqual(got, want, accuracy: 1e-6) }
    }

    func testRosenbrockInABox() {
        func rosenbrock(_ x: [Double]) -> (value: Double, gradient: [Double]) {
            let (a, b) = (1 - x[0], x[1] - x[0] * x[0])
            return (a * a + 100 * b * b, [-2 * a - 400 * x[0] * b, 200 * b])
        }
        // The minimum (1, 1) inside the box.
        let inside = minimise([-1.2, 1], lower: -2, upper: 2, rosenbrock)
        XCTAssertEqual(inside[0], 1, accuracy: 1e-6)
        XCTAssertEqual(inside[1], 1, accuracy: 1e-6)
        // With x ≤ 0.5 (and y in the box) the minimum is on the bound: f ≥ (1 − x)² ≥ 0.25, reached at (0.5, 0.25).
        let bounded = minimise([-1.2, 1], lower: -2, upper: 0.5, rosenbrock)
        XCTAssertEqual(bounded[0], 0.5, accuracy: 1e-6)
        XCTAssertEqual(bounded[1], 0.25, accuracy: 1e-6)
    }

    /// Pairs spilled to a file (#16: print size in bounded memory) give the in-memory run's iterates bit for bit, with
    /// the oldest pairs dropped (3 kept) and a checkpoint's history read back from the file.
    func testSpilledPairsAreThePairsInMemory() throws {
        // A coupled quartic in a box: Σ aᵢ(xᵢ − cᵢ)⁴ + Σ (xᵢ − xᵢ₊₁)², 40 variables.
        let n = 40
        func f(_ x: [Float], _ g: inout [Float]) -> Double {
            g = [Float](repeating: 0, count: n)
            var value = 0.0
            for i in 0..<n {
                let d = Double(x[i]) - Double(i % 7) / 3
                value += Double(1 + i % 3) * d * d * d * d
                g[i] += Float(4 * Double(1 + i % 3) * d * d * d)
                if i + 1 < n {
                    let e = Double(x[i]) - Double(x[i + 1])
                    value += e * e
                    g[i] += Float(2 * e); g[i + 1] -= Float(2 * e)
                }
            }
            return value
        }
        var settings = LBFGSSettings()
        settings.historySize = 3
        let x0 = (0..<n).map { Float($0 % 5) - 1 }
        var g0 = [Float]()
        let f0 = f(x0, &g0)
        let pairs = try CurvaturePairs(capacity: 3, length: n, spill: true)
        XCTAssertTrue(pairs.spilled)
        var memory = ProjectedLBFGS(x: x0, value: f0, gradient: g0, lower: -1, upper: 2, settings: settings)
        var spilled = ProjectedLBFGS(x: x0, value: f0, gradient: g0, lower: -1, upper: 2, settings: settings, pairs: pairs)
        for step in 0..<12 {
            _ = memory.step(f)
            _ = spilled.step(f)
            XCTAssertEqual(spilled.x, memory.x, "step \(step)")
        }
        XCTAssertEqual(pairs.count, 3, "the oldest dropped")
        XCTAssertEqual(spilled.history.s, memory.history.s)
        XCTAssertEqual(spilled.history.y, memory.history.y)
        XCTAssertEqual(spilled.history.rho, memory.history.rho)
        // Resumed from the history, spilled: the same next steps.
        var resumed = ProjectedLBFGS(x: memory.x, value: memory.value, gradient: memory.gradient, history: memory.history,
                                     lower: -1, upper: 2, settings: settings)
            .moving(to: try CurvaturePairs(capacity: 3, length: n, spill: true))
        XCTAssertTrue(resumed.spilled)
        for _ in 0..<3 { _ = memory.step(f); _ = resumed.step(f) }
        XCTAssertEqual(resumed.x, memory.x)
    }

    /// TF1 Adam by hand. Step 1: m = (1−β1)g, v = (1−β2)g², lr₁ = lr·√(1−β2)/(1−β1), so the step is
    /// lr·√(1−β2)·g / (√(1−β2)·|g| + ε): with lr 0.1, β2 0.999, ε 1e-3, g = 0.5 → 0.1·0.0158114/0.0168114 = 0.0940517;
    /// g = −3 → −0.0989569 (x = 2 + 0.099 is clipped to the upper bound 1.95); g = −10 → −0.0996848.
    /// Step 2 (g = 0.25, 1, −10): m = 0.07, −0.17, −1.9; v = 3.1225e-4, 9.991e-3, 0.1999; lr₂ = 0.1·√(1−β2²)/(1−β1²)
    /// = 0.0235317; x = 0.905948 − 0.0235317·0.07/(0.0176706 + 0.001) = 0.817723, and 0.0996848 + 0.0235317·1.9 /
    /// (0.447102 + 0.001) = 0.199462.
    func testAdamsFirstStepsByHand() {
        var adam = Adam(count: 3, settings: AdamSettings(learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-3))
        var x: [Float] = [1, 2, 0]
        adam.step(&x, gradient: [0.5, -3, -10], lower: 0, upper: 1.95)
        XCTAssertEqual(x[0], 0.905948, accuracy: 2e-6)
        XCTAssertEqual(x[1], 1.95, "clipped to the box")
        XCTAssertEqual(x[2], 0.0996848, accuracy: 2e-6)
        adam.step(&x, gradient: [0.25, 1, -10], lower: 0, upper: 1.95)
        XCTAssertEqual(x[0], 0.817723, accuracy: 2e-6)
        XCTAssertEqual(x[1], 1.95, "m is still negative: the step still pushes up, and the clip holds it")
        XCTAssertEqual(x[2], 0.199462, accuracy: 2e-6)
        XCTAssertEqual(adam.t, 2)
        XCTAssertEqual(adam.m.map(Double.init), [0.07, -0.17, -1.9], accuracy: 1e-6)
    }
}

func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
