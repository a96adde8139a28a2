// Finite-difference checks of every backward, on the naive twins in Double: the analytic gradient of
// L = Σ gradOutput · f(x) against (L(x + h·e) − L(x − h·e)) / 2h for every input element.

import Engine
import TestSupport
import XCTest

final class GradientCheckTests: XCTestCase {
    /// Checks `backward` against central differences of `loss` at `x`, element by element.
    func check(_ label: String, _ x: [Double], dims: [Int], h: Double = 1e-6, tol: Double = 1e-6,
               loss: ([Double]) -> Double, gradient: [Double]) {
        var numeric = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count {
            var plus = x, minus = x
            plus[i] += h; minus[i] -= h
            numeric[i] = (loss(plus) - loss(minus)) / (2 * h)
        }
        assertClose(gradient, numeric, rel: tol, abs: tol, dims: dims, label)
    }

    func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    func random(_ n: Int, _ rng: inout SeededRandom) -> [Double] { rng.floats(n).map(Double.init) }

    func testConvBackwardInput() {
        var rng = SeededRandom(seed: 11)
        let s = Shape(channels: 3, height: 4, width: 5), cout = 4
        let x = random(s.count, &rng), w = random(cout * 27, &rng), b = random(cout, &rng)
        let g = random(cout * s.pixels, &rng)
        check("conv3x3", x, dims: [3, 4, 5], loss: { dot(g, Naive.conv3x3($0, s, weights: w, bias: b, outChannels: cout)) },
              gradient: Naive.conv3x3BackwardInput(g, s, weights: w, outChannels: cout))
    }

    func testPoolingBackward() {
        var rng = SeededRandom(seed: 12)
        let s = Shape(channels: 2, height: 5, width: 7)
        let x = random(s.count, &rng)   // distinct values: no ties, so max pooling is differentiable here
        let g = random(pooledShape(s).count, &rng)
        check("maxpool", x, dims: [2, 5, 7], loss: { dot(g, Naive.maxPool($0, s).output) },
              gradient: Naive.maxPoolBackward(g, argmax: Naive.maxPool(x, s).argmax, s))
        check("avgpool", x, dims: [2, 5, 7], loss: { dot(g, Naive.avgPool($0, s)) },
              gradient: Naive.avgPoolBackward(g, s))
    }

    func testReLUBackwardAwayFromTheKink() {
        var rng = SeededRandom(seed: 13)
        // ReLU has a kink at 0 where no finite difference is meaningful: keep inputs at least 0.1 away from it.
        let x = random(40, &rng).map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
        let g = random(40, &rng)
        check("relu", x, dims: [40], loss: { dot(g, Naive.relu($0)) },
              gradient: Naive.reluBackward(g, output: Naive.relu(x)))
    }

    func testGramMSEAndTVBackward() {
        var rng = SeededRandom(seed: 14)
        let s = Shape(channels: 3, height: 2, width: 5), n = 10.0
        let x = random(s.count, &rng), dG = random(9, &rng), target = random(s.count, &rng)
        check("gram", x, dims: [3, 2, 5], loss: { dot(dG, Naive.gram($0, s, normalization: n)) },
              gradient: Naive.gramBackward(dG, features: x, s, normalization: n))
        check("mse", x, dims: [3, 2, 5], loss: { Naive.mse($0, target) }, gradient: Naive.mseBackward(x, target))
        check("tv", x, dims: [3, 2, 5], tol: 1e-5, loss: { Naive.totalVariation($0, s) },
              gradient: Naive.totalVariationBackward(x, s))
    }
}
