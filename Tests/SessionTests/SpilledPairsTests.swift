// L-BFGS's curvature pairs spilled to a file (#16, print size in bounded memory): a run whose pairs live in a
// temporary file is the run whose pairs live in memory, bit for bit, across coarse-to-fine passes and a resume from
// a checkpoint; the plan says so.

import Foundation
import StyleLapse
import TestSupport
import XCTest

final class SpilledPairsTests: XCTestCase {
    func testSpilledPairsGiveTheSameRun() throws {
        let dir = TemporaryFolder()
        var settings = try Demo.settings(maxSize: 64, iterations: 5, scales: 2, coarseIterations: 4)
        settings.spillsPairs = false
        let memory = try StylizeSession(settings: settings)
        XCTAssertFalse(memory.plan.spillsPairs)
        let a = try memory.run()
        settings.spillsPairs = true
        let spilled = try StylizeSession(settings: settings, network: memory.network)
        XCTAssertTrue(spilled.plan.spillsPairs)
        let recorder = Recorder()
        spilled.attach(recorder)
        let b = try spilled.run()
        XCTAssertEqual(a.iterations, 10)
        XCTAssertEqual(a.evaluations, b.evaluations)
        XCTAssertEqual(a.best, b.best, "the same best picture")
        XCTAssertEqual(a.bestLoss.total.bitPattern, b.bestLoss.total.bitPattern)
        // Stopped in the final pass, checkpointed (the pairs read back from the file), resumed spilling again.
        try OutputFolder.prepare(dir.file("ck"))
        let first = try StylizeSession(settings: settings, network: memory.network)
        first.attach(CheckpointSink(folder: dir.file("ck"), every: 2))
        first.attach(StopAfter(7, first))
        XCTAssertTrue(try first.run().stopped)
        XCTAssertEqual(try Checkpoint.load(dir.file("ck")).settings.spillsPairs, true)
        let resumed = try StylizeSession(resuming: dir.file("ck"))
        XCTAssertTrue(resumed.plan.spillsPairs)
        let c = try resumed.run()
        XCTAssertEqual(a.best, c.best, "resumed: the same best picture")
        XCTAssertEqual(a.bestLoss.total.bitPattern, c.bestLoss.total.bitPattern)
    }
}
