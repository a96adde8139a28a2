// Steering: a change of strength mid-run, recorded in the settings and the trace, repeated exactly by a run made from
// those settings and by a resumed checkpoint; the optimiser starts afresh at the change.

import Foundation
import StyleLapse
import TestSupport
import XCTest

/// Asks its session for `strength` once iteration `at` is recorded (as the live page's slider does).
final class SteerAt: StylizeSink {
    let at: Int, strength: Double
    weak var session: StylizeSession?
    init(_ at: Int, strength: Double, _ session: StylizeSession) { (self.at, self.strength, self.session) = (at, strength, session) }
    func receive(_ event: StylizeEvent) throws {
        if case .iteration(let i) = event, !i.replayed, i.record.iteration == at { try session?.steer(strength: strength) }
    }
}

final class SteeringTests: XCTestCase {
    func settings() throws -> SessionSettings {
        var s = try Demo.settings(maxSize: 48, iterations: 12)
        s.run.objective.balance = .strength(0.3)
        return s
    }

    func testASteeredRunIsRepeatedExactlyFromItsSettingsAndItsCheckpoint() throws {
        let dir = TemporaryFolder()
        // The steered run: strength 0.3, then 0.9 from iteration 5 on.
        let steered = try StylizeSession(settings: try settings())
        let recorder = Recorder()
        steered.attach(recorder)
        steered.attach(TraceSink(path: dir.file("t.jsonl")))
        steered.attach(SteerAt(4, strength: 0.9, steered))
        let a = try steered.run()
        XCTAssertEqual(recorder.steers.count, 1)
        let change = try XCTUnwrap(steered.settings.steering?.first)
        XCTAssertEqual(change.iteration, 5)
        XCTAssertEqual(change.strength ?? 0, 0.9, accuracy: 1e-12)
        XCTAssertEqual(change.previousStrength ?? 0, 0.3, accuracy: 1e-12)
        XCTAssertEqual(change.styleWeight, ObjectiveSettings.styleWeight(strength: 0.9))
        XCTAssertTrue(recorder.notices.contains { $0.contains("the optimiser starts afresh") }, "\(recorder.notices)")
        let lines = try String(contentsOfFile: dir.file("t.jsonl"), encoding: .utf8).split(separator: "\n")
        let steerLine = try XCTUnwrap(lines.first { $0.contains("\"steer\"") })
        let object = try JSONSerialization.jsonObject(with: Data(steerLine.utf8)) as! [String: Any]
        XCTAssertEqual(object["iteration"] as? Int, 5)
        XCTAssertEqual(object["strength"] as? Double ?? 0, 0.9, accuracy: 1e-12)
        XCTAssertEqual(lines.count, 13 + 2, "13 iterations, the steer and the finish")
        // A loss jump at the change: the style term weighs 10^2.4 times more from iteration 5.
        XCTAssertGreaterThan(recorder.iterations[5].record.loss.total, 10 * recorder.iterations[4].record.loss.total)

        // Unsteered, the run ends elsewhere.
        let plain = try StylizeSession(settings: try settings(), network: steered.network).run()
        XCTAssertNotEqual(plain.best, a.best)

        // The same settings with the recorded steering: the same run, bit for bit.
        var repeatSettings = try settings()
        repeatSettings.steering = steered.settings.steering
        let again = try StylizeSession(settings: repeatSettings, network: steered.network)
        let b = try again.run()
        XCTAssertEqual(a.best, b.best)
        XCTAssertEqual(a.bestLoss.total.bitPattern, b.bestLoss.total.bitPattern)
        XCTAssertEqual(a.evaluations, b.evaluations)

        // Stopped after the change and resumed from its checkpoint: the same run again.
        try OutputFolder.prepare(dir.file("ck"))
        let first = try StylizeSession(settings: try settings(), network: steered.network)
        first.attach(CheckpointSink(folder: dir.file("ck"), every: 1))
        first.attach(SteerAt(4, strength: 0.9, first))
        first.attach(StopAfter(8, first))
        XCTAssertTrue(try first.run().stopped)
        XCTAssertEqual(try Checkpoint.load(dir.file("ck")).settings.steering, steered.settings.steering)
        let resumed = try StylizeSession(resuming: dir.file("ck"))
        resumed.attach(CheckpointSink(folder: dir.file("ck"), every: 1))
        let c = try resumed.run()
        XCTAssertEqual(a.best, c.best)
        XCTAssertEqual(a.bestLoss.total.bitPattern, c.bestLoss.total.bitPattern)
    }

    /// Steered to a strength, a run weighs its losses from then on exactly as a fresh run at that strength does, and
    /// records the strength asked, not one recovered from the weight (0.15 came back as 0.15000000000000002).
    func testASteeredStrengthWeighsAsAFreshRunAtThatStrength() throws {
        let dir = TemporaryFolder()
        var short = try settings()
        short.run.iterations = 7
        let session = try StylizeSession(settings: short)
        let recorder = Recorder()
        session.attach(recorder)
        session.attach(TraceSink(path: dir.file("t.jsonl")))
        session.attach(SteerAt(3, strength: 0.15, session))
        try session.run()
        var fresh = try settings()
        fresh.run.objective.balance = .strength(0.15)
        let (weight, contentWeight) = (fresh.run.objective.styleWeight, fresh.run.objective.contentWeight)

        XCTAssertEqual(session.settings.balance(at: 7), .strength(0.15))
        let lines = try String(contentsOfFile: dir.file("t.jsonl"), encoding: .utf8).split(separator: "\n")
        struct Steer: Decodable { let strength: Double?, style_weight: Double }   // JSONDecoder: read to the bit
        let steer = try JSONDecoder().decode(Steer.self, from: Data(try XCTUnwrap(lines.first { $0.contains("\"steer\"") }).utf8))
        XCTAssertEqual(steer.strength, 0.15, "the strength asked, to the bit")
        XCTAssertEqual(steer.style_weight.bitPattern, weight.bitPattern, "a fresh run's style weight")
        XCTAssertEqual(recorder.iterations.count, 8)
        for r in recorder.iterations where r.record.iteration >= 4 {
            let l = r.record.loss
            XCTAssertEqual(l.total.bitPattern, (weight * l.style + contentWeight * l.content + 0 * l.tv + 0).bitPattern,
                           "iteration \(r.record.iteration): the total under a fresh run's weights")
        }
    }

    /// A change of balance re-arms the finish rule: the minimum counts again from the change. With thresholds any
    /// step meets, the rule ends the run at its first window's end past the minimum: step 10 unsteered; steered at
    /// step 5, the windows start at 5 and the minimum ends at 15.
    func testASteeredRunRearmsTheFinishRule() throws {
        let rule = FinishRule(window: 5, lossFall: .infinity, levels: .infinity, minimum: 10)
        let settings = try Demo.settings(iterations: 40, finish: rule)
        let plain = try StylizeSession(settings: settings).run()
        XCTAssertEqual(plain.finished?.iteration, 10)
        XCTAssertEqual(plain.iterations, 10)
        let steered = try StylizeSession(settings: settings, network: nil)
        steered.attach(SteerAt(4, strength: 0.9, steered))
        let outcome = try steered.run()
        XCTAssertEqual(steered.settings.steering?.first?.iteration, 5)
        XCTAssertEqual(outcome.finished?.iteration, 15)
        XCTAssertEqual(outcome.iterations, 15)
        XCTAssertFalse(outcome.stopped, "finished is not a stop")
    }

    func testSteeringIsCheckedAndNamed() throws {
        let strengthRun = try StylizeSession(settings: try settings())
        XCTAssertThrowsError(try strengthRun.steer(strength: 1.5))
        XCTAssertThrowsError(try strengthRun.steer(styleWeight: -1))
        XCTAssertThrowsError(try strengthRun.steer())
        var absolute = try Demo.settings(iterations: 2)
        absolute.run.objective = .report   // the report's absolute weights: a style weight to steer, no strength
        let weights = try StylizeSession(settings: absolute, network: strengthRun.network)
        XCTAssertThrowsError(try weights.steer(strength: 0.5)) { XCTAssertTrue("\($0)".contains("steer its style weight")) }
        XCTAssertNoThrow(try weights.steer(styleWeight: 0.1))
    }

    /// The live page steers from the server's threads while the run's thread records changes in the settings: the
    /// two meet only under the session's lock (run under `-sanitize=thread`, see docs/verification.md).
    func testSteeringFromAnotherThreadWhileTheRunGoes() throws {
        var short = try settings()
        short.run.iterations = 4
        nonisolated(unsafe) let session = try StylizeSession(settings: short)
        let finished = Handoff<Bool>()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var k = 0
            while finished.value != true {
                try? session.steer(strength: k % 2 == 0 ? 0.4 : 0.6)
                _ = session.settings.steering?.count
                k += 1
                usleep(1000)
            }
            done.signal()
        }
        try session.run()
        finished.value = true
        done.wait()
        XCTAssertFalse((session.settings.steering ?? []).isEmpty, "some steering reached the run")
    }

    /// The loss plot weighs each iteration's style loss by the weight in force then: with steering, style × weight
    /// plus content × weight is still the total at every iteration (TV is 0 here).
    func testTheLossPlotFollowsSteering() throws {
        let dir = TemporaryFolder()
        let session = try StylizeSession(settings: try settings())
        let recorder = Recorder()
        let o = session.settings.run.objective
        let plot = LossPlotSink(path: dir.file("loss.svg"), styleWeight: o.styleWeight, contentWeight: o.contentWeight)
        session.attach(recorder)
        session.attach(plot)
        session.attach(SteerAt(4, strength: 0.9, session))
        try session.run()
        let curves = plot.curves
        XCTAssertEqual(curves.total.count, 13)
        for (k, r) in recorder.iterations.enumerated() {
            XCTAssertEqual(curves.style[k] + curves.content[k], r.record.loss.total,
                           accuracy: 1e-9 * r.record.loss.total, "iteration \(k)")
        }
        XCTAssertTrue(try String(contentsOfFile: dir.file("loss.svg"), encoding: .utf8).contains("style × weight"))
    }
}
