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
        // A tall map: Winograd runs whole bands per worker on 1 and 2 workers and shares bands on 8.
        let tall = Shape(channels: 16, height: 400, width: 16)
        let tallX = BlockedTensor(tall, chw: rng.floats(tall.count))
        let tallConv = Conv2D(weights: rng.floats(16 * 16 * 9), bias: rng.floats(16), inChannels: 16, outChannels: 16)
        XCTAssertEqual(tallConv.strategy, .winograd4x4)
        for (k, workers) in [1, 2, 8].enumerated() {
            let y = BlockedTensor(tall)
            tallConv.forward(tallX, into: y, relu: false, parallel: Parallel(workers: workers))
            results[k] += y.chw()
        }
        for (i, workers) in [2, 8].enumerated() {
            XCTAssertTrue(zip(results[0], results[i + 1]).allSatisfy { $0.bitPattern == $1.bitPattern },
                          "\(workers) workers differ from 1")
        }
    }
}
