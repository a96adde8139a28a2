// The session's events as a program sees them, its recoveries from non-finite values (a poisoned gradient), and
// failing sinks: the best picture is never lost and partial outputs are removed.

import Foundation
import StyleLapse
import TestSupport
import XCTest

final class SessionEventTests: XCTestCase {
    func testEventsOfATwoPassRun() throws {
        let session = try StylizeSession(settings: try Demo.settings(maxSize: 64, iterations: 4, scales: 2,
                                                                     coarseIterations: 2))
        let recorder = Recorder(frames: true)
        session.attach(recorder)
        let outcome = try session.run()
        XCTAssertEqual(recorder.plans, 1)
        // The photo's 64×43 and the default margin (a quarter of 43: 10 pixels a side) are optimised: 84 wide.
        XCTAssertEqual(recorder.passes.map(\.width), [42, 84])
        XCTAssertEqual(recorder.iterations.map(\.record.iteration), Array(0...7), "2 + 1 coarse, 4 + 1 full size")
        XCTAssertEqual(recorder.iterations.map(\.width), [42, 42, 42, 84, 84, 84, 84, 84])
        XCTAssertEqual(recorder.frames.map(\.iteration), Array(0...7))
        XCTAssertTrue(recorder.frames.allSatisfy { $0.picture.width == 64 && $0.picture.height == 43 },
                      "every frame at the final size")
        XCTAssertEqual(recorder.iterations[1].picture()?.width, 64, "an iteration's picture, on demand, at the final size")
        XCTAssertEqual(recorder.checkpoints, 0, "no sink asked for checkpoints")
        XCTAssertEqual(outcome.iterations, 7)
        XCTAssertEqual(outcome.best, recorder.outcome?.best)
        XCTAssertEqual(session.plan.totalIterations, 7)
    }

    /// Settings no run can use are a `SettingsError` before any work, never a trap in the engine.
    func testSettingsNoRunCanUseAreAnError() throws {
        let good = try Demo.settings(iterations: 2)
        let bad: [(String, (inout SessionSettings) -> Void)] = [
            ("no painting", { $0.pictures.styles = [] }), ("two blend weights", { $0.pictures.styleBlend = [1, 1] }),
            ("size 8", { $0.pictures.maxSize = 8 }), ("every 0", { $0.film.every = 0 }), ("smooth 2", { $0.film.smooth = 2 }),
            ("6 scales", { $0.scales = 6 }), ("no style layers", { $0.run.objective.styleLayers = [] }),
            ("nan weight", { $0.run.objective.balance = .weights(content: 1e3, style: .nan) }), ("-1 steps", { $0.run.iterations = -1 }),
            ("learning rate 0", { $0.run.adam.learningRate = 0 }), ("no history", { $0.run.lbfgs.historySize = 0 })]
        for (name, edit) in bad {
            var settings = good
            edit(&settings)
            XCTAssertThrowsError(try StylizeSession(settings: settings), name) { XCTAssertTrue($0 is SettingsError, name) }
        }
        XCTAssertNoThrow(try good.check())
    }

    func testNoFramesUnlessASinkWantsThem() throws {
        let session = try StylizeSession(settings: try Demo.settings(iterations: 2))
        let recorder = Recorder(frames: false)
        session.attach(recorder)
        try session.run()
        XCTAssertEqual(recorder.iterations.count, 3)
        XCTAssertTrue(recorder.frames.isEmpty)
    }

    func testAdamRecoversFromAPoisonedGradient() throws {
        let session = try StylizeSession(settings: try Demo.settings(iterations: 8, optimizer: .adam))
        session.inspectGradient = { evaluation, gradient in if evaluation == 4 { gradient[gradient.count / 2] = .nan } }
        let recorder = Recorder()
        session.attach(recorder)
        let outcome = try session.run()
        XCTAssertTrue(recorder.notices.contains { $0.contains("non-finite") && $0.contains("learning rate halved to 1.0") },
                      "\(recorder.notices)")
        XCTAssertEqual(recorder.iterations.map(\.record.iteration), Array(0...8))
        XCTAssertTrue(recorder.iterations.allSatisfy { $0.record.loss.total.isFinite })
        XCTAssertGreaterThan(outcome.best.pixels.map(Int.init).reduce(0, +), 0, "not a black picture")
    }

    func testLBFGSRecoversFromAPoisonedGradient() throws {
        let session = try StylizeSession(settings: try Demo.settings(iterations: 6))
        session.inspectGradient = { evaluation, gradient in if evaluation == 3 { gradient[0] = .infinity } }
        let recorder = Recorder()
        session.attach(recorder)
        try session.run()
        XCTAssertTrue(recorder.notices.contains { $0.contains("non-finite") }, "\(recorder.notices)")
        XCTAssertEqual(recorder.iterations.count, 7)
    }

    func testEveryEvaluationPoisonedFailsWithTheBestPicture() throws {
        let session = try StylizeSession(settings: try Demo.settings(iterations: 6, optimizer: .adam))
        session.inspectGradient = { evaluation, gradient in if evaluation > 2 { gradient[0] = .nan } }
        XCTAssertThrowsError(try session.run()) { error in
            guard let failure = error as? StylizeFailure else { return XCTFail("\(error)") }
            XCTAssertTrue("\(failure)".contains("after 3 recoveries"), "\(failure)")
            XCTAssertEqual(failure.best.width, 48)
        }
    }

    /// A sink that fails (a full disk) ends the run; the failure carries the best picture so far, and the other
    /// sinks' partial files are gone.
    func testAFailingSinkKeepsTheBestPicture() throws {
        let dir = TemporaryFolder()
        let session = try StylizeSession(settings: try Demo.settings(iterations: 6))
        let recorder = Recorder(frames: true)
        session.attach(recorder)
        session.attach(try TimelapseSink(path: dir.file("v.mp4"), width: session.plan.width, height: session.plan.height))
        session.attach(TraceSink(path: dir.file("t.jsonl")))
        session.attach(FailingSink(at: 3))
        XCTAssertThrowsError(try session.run()) { error in
            guard let failure = error as? StylizeFailure else { return XCTFail("\(error)") }
            XCTAssertTrue("\(failure)".contains("No space left"), "\(failure)")
            let bestSoFar = recorder.iterations.min { $0.record.loss.total < $1.record.loss.total }!
            XCTAssertEqual(failure.bestIteration, bestSoFar.record.iteration)
            XCTAssertEqual(failure.best, bestSoFar.picture())
        }
        XCTAssertTrue(recorder.abandoned)
        XCTAssertEqual(dir.contents, [], "no partial files left")
    }

    func testStopBeforeTheFirstStep() throws {
        let session = try StylizeSession(settings: try Demo.settings(iterations: 50))
        session.requestStop()
        let outcome = try session.run()
        XCTAssertTrue(outcome.stopped)
        XCTAssertEqual(outcome.iterations, 0)
    }
}
