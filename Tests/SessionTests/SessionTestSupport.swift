// Helpers for driving StylizeSession in tests: small sessions on the demo pictures, a sink that stops the run
// after a given iteration, a sink that records events, a sink that fails.

import Foundation
import StyleLapse
import TestSupport
import XCTest

enum Demo {
    static let content = Fixture.path("demo/chelsea.png"), style = Fixture.path("demo/starry_night.jpg")

    /// Settings for a small session on the demo pictures.
    static func settings(maxSize: Int = 48, iterations: Int, optimizer: OptimizerChoice = .lbfgs,
                         initialization: Initialization = .content, seed: UInt64 = 0, scales: Int = 1,
                         coarseIterations: Int? = nil, finish: FinishRule? = nil) throws -> SessionSettings {
        var run = optimizer == .adam ? StylizeSettings.report : StylizeSettings.standard
        (run.iterations, run.initialization, run.seed) = (iterations, initialization, seed)
        run.finish = finish   // `iterations` steps exactly, as the CLI runs a given --iterations, unless a rule is given
        return SessionSettings(pictures: PictureSettings(content: content, styles: [style], maxSize: maxSize), run: run,
                               scales: scales, coarseIterations: coarseIterations, weights: try RealWeights.require())
    }
}

/// Asks its session to stop once iteration `after` (run-wide) is recorded, as a Ctrl-C would.
final class StopAfter: StylizeSink {
    let after: Int
    weak var session: StylizeSession?
    init(_ after: Int, _ session: StylizeSession) { (self.after, self.session) = (after, session) }
    func receive(_ event: StylizeEvent) throws {
        if case .iteration(let i) = event, !i.replayed, i.record.iteration >= after { session?.requestStop() }
    }
}

/// Records what a session emits.
final class Recorder: StylizeSink {
    var iterations: [IterationEvent] = [], frames: [FrameEvent] = [], notices: [String] = []
    var passes: [ScalePass] = [], checkpoints = 0, plans = 0, outcome: StylizeOutcome?, steers: [SteerChange] = []
    var abandoned = false
    let wantsFrames: Bool
    init(frames: Bool = false) { wantsFrames = frames }
    func receive(_ event: StylizeEvent) throws {
        switch event {
        case .plan: plans += 1
        case .pass(_, let pass, _): passes.append(pass)
        case .iteration(let i): iterations.append(i)
        case .frame(let f): frames.append(f)
        case .checkpoint: checkpoints += 1
        case .notice(let n): notices.append(n)
        case .finish(let o): outcome = o
        case .steer(let c): steers.append(c)
        }
    }
    func abandon() { abandoned = true }
}

/// Throws at iteration `at`, as a full disk would.
final class FailingSink: StylizeSink {
    let at: Int
    init(at: Int) { self.at = at }
    func receive(_ event: StylizeEvent) throws {
        if case .iteration(let i) = event, i.record.iteration == at { throw ImageFileError("/full/disk", "write failed (No space left on device)") }
    }
}

func bitwiseEqual(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}
