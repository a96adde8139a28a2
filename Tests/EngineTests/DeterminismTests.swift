// Results are bit-identical on 1, 2 or 8 workers: every output is summed by one work item in a fixed order.

import Engine
import TestSupport
import XCTest

final class DeterminismTests: XCTestCase {
    func testBitIdenticalAcrossWorkerCounts() {
        var rng = SeededRandom(seed: 21)
        let s = Shape(channels: 40, height: 19, width: 23), cout = 48
        let x = BlockedTensor(s, chw: rng.floats(s.count))
        let conv = Conv2D(weights: rng.floats(cout * 40 * 9), bias: rng.floats(cout), inChannels: 40, outChannels: cout)
        let gradOut = BlockedTensor(Shape(channels: cout, height: 19, width: 23), chw: rng.floats(cout * s.pixels))
        var results: [[Float]] = []
        for workers in [1, 2, 8] {
            let p = Parallel(workers: workers)
            let y = BlockedTensor(Shape(channels: cout, height: 19, width: 23))
            conv.forward(x, into: y, relu: true, parallel: p)
            let gx = BlockedTensor(s)
            conv.backwardInput(gradOut, into: gx, parallel: p)
            var g = [Float](repeating: 0, count: 40 * 40)
            Gram.forward(x, normalization: 437, into: &g, parallel: p)
            let gg = BlockedTensor(s)
            Gram.backward(g, features: x, normalization: 437, into: gg, accumulate: false, parallel: p)
            let pooled = BlockedTensor(pooledShape(s))
            MaxPool2D.forward(x, into: pooled, argmax: MaxPoolArgmax(pooledShape(s)), parallel: p)
            results.append(y.chw() + gx.chw() + g + gg.chw() + pooled.chw())
        }
        for (i, workers) in [2, 8].enumerated() {
            XCTAssertTrue(zip(results[0], results[i + 1]).allSatisfy { $0.bitPattern == $1.bitPattern },
                          "\(workers) workers differ from 1")
        }
    }
}
