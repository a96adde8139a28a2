// LiveSink: the run's events into the LiveState the page reads: the figures each iteration, the picture at most ten
// times a second, the status at the finish. It never waits for a page.

import Foundation
import ImageFiles
import StyleLapse

public final class LiveSink: StylizeSink {
    public let state: LiveState
    /// The run's film frames, for the page's scrubber (read from the run's one store, made small when asked).
    public var wantsFrames: Bool { true }
    private var lastPicture = Date.distantPast
    private var started = Date()
    private var firstIteration: Int?
    private var peakMB = 0.0, memoryRead = Date.distantPast
    private var plan: StylizePlan?

    /// `objective`'s balance shows on the page (as a strength for a `--strength` run).
    public init(state: LiveState, objective: ObjectiveSettings, steerable: Bool) {
        self.state = state
        state.update(.state) {
            $0.styleWeight = objective.styleWeight
            $0.strength = objective.strength
            $0.steerable = steerable
        }
    }

    public func receive(_ event: StylizeEvent) throws {
        switch event {
        case .plan(let plan):
            self.plan = plan
            state.update(.plan) {
                $0.status = "running"
                $0.iterations = plan.totalIterations
                ($0.width, $0.height, $0.passes) = (plan.width, plan.height, plan.passes.count)
            }
        case .pass(let index, let pass, _):
            let size = picture(pass.width, pass.height)
            state.update(.pass) { ($0.pass, $0.width, $0.height) = (index + 1, size.width, size.height) }
        case .iteration(let i):
            let now = Date()
            if now.timeIntervalSince(memoryRead) >= 1 { (peakMB, memoryRead) = (ProcessMemory.peakMB, now) }   // a file read
            if firstIteration == nil || i.replayed { (firstIteration, started) = (i.record.iteration, now) }
            let done = Double(i.record.iteration - (firstIteration ?? 0))
            let elapsed = now.timeIntervalSince(started)
            state.update(.iteration) {
                $0.iteration = i.record.iteration
                ($0.total, $0.style, $0.content) = (i.record.loss.total, i.record.loss.style, i.record.loss.content)
                ($0.width, $0.height) = picture(i.width, i.height)
                $0.iterationsPerSecond = elapsed > 0 ? done / elapsed : 0
                $0.etaSeconds = done > 0 ? Double($0.iterations - i.record.iteration) * elapsed / done : 0
                $0.peakMemoryMB = peakMB
            }
        case .frame(let frame):
            // The film's frame is the picture the page shows (at most ten a second), made once for both.
            let now = Date()
            if !frame.replayed && now.timeIntervalSince(lastPicture) >= 0.1 {
                lastPicture = now
                state.setPicture(frame.picture, iteration: frame.iteration)
            }
            state.keep(frame.frames)
        case .steer(let change):
            state.update(.steer) { ($0.styleWeight, $0.strength) = (change.styleWeight, change.strength) }
        case .finish(let outcome):
            state.setPicture(outcome.best, iteration: Int.max)
            state.update(.finish) { ($0.status, $0.stop) = (outcome.stopped ? "stopped" : "finished", outcome.stopReason) }
        default: break
        }
    }

    /// The size of the picture the page shows for a pass of `width`×`height` (the margin is never shown).
    private func picture(_ width: Int, _ height: Int) -> (width: Int, height: Int) {
        plan?.pictureSize(ofPass: width, height) ?? (width, height)
    }

    public func abandon() { state.update(.finish) { $0.status = "failed" } }
}
