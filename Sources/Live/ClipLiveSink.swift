// ClipLiveSink: a painted clip's events into the LiveState the page reads — the frame being painted (the first
// through its own session's LiveSink, later ones step by step), the clip's progress in frames, a scrubber over the
// painted frames. Not steerable: every frame must be painted with the same objective.

import Foundation
import ImageFiles
import StyleLapse

public final class ClipLiveSink: ClipSink {
    public let state: LiveState
    public var wantsFrames: Bool { true }
    /// The session's frame store, read for the scrubber (the session owns the sink: not kept alive by it).
    private weak var session: ClipSession?
    private let count: Int, laterIterations: Int
    /// Steps of the frames painted so far: the page's iteration counts every step of the clip, so its chart runs
    /// left to right.
    private var stepsBefore = 0
    private var lastPicture = Date.distantPast

    /// Shows `session` on `state`'s page; attach it to the session.
    public init(state: LiveState, session: ClipSession) {
        self.state = state
        self.session = session
        (count, laterIterations) = (session.info.frameCount, session.settings.laterIterations)
    }

    /// The picture's number on the page, unique per frame and step (the page caches a picture by it).
    private static func pictureKey(_ frame: Int, _ iteration: Int) -> Int { (frame + 1) * 1_000_000 + iteration }
    /// The number of a painted frame's picture (above any step's).
    private static let framePainted = 999_999

    public func receive(_ event: ClipEvent) throws {
        switch event {
        case .session(let frame, let painting):
            painting.attach(LiveSink(state: state, objective: painting.settings.run.objective, steerable: false))
            state.update(.plan) { ($0.clipFrame, $0.clipFrames, $0.stop) = (frame + 1, count, nil) }
        case .iteration(let frame, let record, let picture):
            let now = Date()
            if now.timeIntervalSince(lastPicture) >= 0.1 {   // at most ten pictures a second, as a picture's page
                lastPicture = now
                state.setPicture(picture(), iteration: Self.pictureKey(frame, record.iteration))
            }
            state.update(.iteration) {
                ($0.clipFrame, $0.clipFrames, $0.status, $0.stop) = (frame + 1, count, "running", nil)
                $0.iteration = stepsBefore + record.iteration
                // The most the clip can take (later frames may stop early).
                $0.iterations = stepsBefore + laterIterations * (count - frame)
                ($0.pass, $0.passes) = (1, 1)
                ($0.total, $0.style, $0.content) = (record.loss.total, record.loss.style, record.loss.content)
            }
        case .frame(let record):
            stepsBefore += record.iterations + (record.index == 0 ? 0 : 1)   // a later frame's iteration 0 is its start
            state.setPicture(record.picture, iteration: Self.pictureKey(record.index, Self.framePainted))
            if let frames = session?.frames { state.keep(frames) }
            state.update(.frame) {
                // The first frame's own end (its session's words) is not the clip's.
                ($0.clipFrame, $0.clipFrames, $0.status, $0.stop) = (record.index + 1, record.count, "running", nil)
                ($0.width, $0.height) = (record.picture.width, record.picture.height)
                $0.iterationsPerSecond = Double(record.iterations) / max(record.seconds, 1e-9)
                $0.etaSeconds = Double(record.count - record.index - 1) * record.seconds
                $0.peakMemoryMB = ProcessMemory.peakMB
            }
        case .finish(let outcome):
            state.update(.finish) { ($0.status, $0.stop) = (outcome.stopped ? "stopped" : "finished", outcome.stopReason) }
        }
    }

    public func abandon() { state.update(.finish) { $0.status = "failed" } }
}
