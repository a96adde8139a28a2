// Heap allocations in the iteration loop, counted (AllocationCounter interposes malloc) between iterations after
// the first two, per objective evaluation. Not zero: each parallel loop costs one allocation (withoutActuallyEscaping
// boxes the loop's closure to check that it did not escape; about 130 loops per evaluation at this size), and the
// Gram matrices' tile sums and packed backward weights, the gradient's planar copy, the optimiser's step vectors and
// the session's per-iteration event take about 55 more. Before the worker pool and the reused scratch it was
// about 9,300 per evaluation (an iterator per pixel when loading the image, Dispatch's per-loop blocks, Winograd's
// scratch per layer, the layer table rebuilt per lookup).

import AllocationCounter
import Foundation
import StyleLapse
import TestSupport
import XCTest

/// Records the allocation counter and the evaluation count at every iteration.
final class AllocationProbe: StylizeSink {
    var marks: [(iteration: Int, evaluations: Int, allocations: UInt64)] = []
    func receive(_ event: StylizeEvent) throws {
        if case .iteration(let i) = event {
            marks.append((i.record.iteration, i.record.evaluations, stylelapse_allocations()))
        }
    }

    /// Allocations per evaluation over each iteration from the third on.
    var perEvaluation: [Double] {
        zip(marks.dropFirst(2), marks.dropFirst(3)).map { a, b in
            Double(b.allocations - a.allocations) / Double(max(1, b.evaluations - a.evaluations))
        }
    }
}

final class AllocationTests: XCTestCase {
    func measure(_ optimizer: OptimizerChoice, size: Int) throws -> [Double] {
        let session = try StylizeSession(settings: try Demo.settings(maxSize: size, iterations: 8, optimizer: optimizer))
        let probe = AllocationProbe()
        session.attach(probe)
        try session.run()
        return probe.perEvaluation
    }

    func testAllocationsPerEvaluationAreFewAndDoNotGrow() throws {
        for optimizer in OptimizerChoice.allCases {
            for size in [48, 96] {
                let counts = try measure(optimizer, size: size)
                print("allocations per evaluation, \(optimizer) at \(size) px: \(counts)")
                XCTAssertEqual(counts.count, 6)
                XCTAssertLessThanOrEqual(counts.max()!, 220, "\(optimizer) at \(size) px: \(counts)")
                // (Adam's last evaluation runs forward only: fewer.)
                let steps = counts.dropLast()
                XCTAssertLessThanOrEqual(steps.max()! - steps.min()!, 10, "the same every iteration: \(counts)")
            }
        }
    }
}
