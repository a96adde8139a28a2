// `clip --serve`: the live page beside a painted clip — the frame being painted (the first through its own
// session's events, later ones step by step), the clip's progress in frames, and a scrubber over the painted frames.

import Foundation
import Live
import StyleLapse

/// Steps of the frames painted so far (the run's thread only).
final class StepCount: @unchecked Sendable { var before = 0 }

/// The picture's number on the page: unique per frame and iteration.
private func pictureKey(_ frame: Int, _ iteration: Int) -> Int { (frame + 1) * 1_000_000 + iteration }

extension LiveRun {
    /// Starts serving `session` (Stop as Ctrl-C: the frame being painted is finished). Not steerable: every frame
    /// must be painted with the same objective.
    static func start(_ address: ServeAddress, clip session: ClipSession, interrupts: Interrupts) throws -> LiveRun {
        let painting = try? ImageFile.read(session.settings.painting.pictures.styles[0])
        let first = try session.firstPicture()
        let masks = session.settings.painting.pictures.hasMasks
            ? try Pictures(session.settings.painting.pictures, photo: first).maskOverview : nil
        let live = try start(address, photo: first, painting: painting, masks: masks,
                             files: ["video": session.output], stop: { interrupts.request() }, steer: nil)
        let count = session.info.frameCount
        session.keepsFrames = true
        session.onSession = { frame, painting in
            live.attach(painting, steerable: false)
            live.state.update("plan") { ($0.clipFrame, $0.clipFrames) = (frame + 1, count) }
        }
        let later = session.settings.laterIterations
        var lastPicture = Date.distantPast
        // The page's iteration counts every step of the clip so far (its chart then runs left to right); the total is
        // the most the clip can take (later frames may stop early).
        let steps = StepCount()
        session.onIteration = { frame, record, picture in
            let now = Date()
            if now.timeIntervalSince(lastPicture) >= 0.1 {   // at most ten pictures a second, as a picture's page
                lastPicture = now
                live.state.setPicture(picture(), iteration: pictureKey(frame, record.iteration))
            }
            live.state.update("iteration") {
                ($0.clipFrame, $0.clipFrames, $0.status) = (frame + 1, count, "running")
                $0.iteration = steps.before + record.iteration
                $0.iterations = steps.before + later * (count - frame)
                ($0.pass, $0.passes) = (1, 1)
                ($0.total, $0.style, $0.content) = (record.loss.total, record.loss.style, record.loss.content)
            }
        }
        var clipLive = live
        clipLive.clipSteps = steps
        return clipLive
    }

    /// The page's picture is cached by a number that must change with every picture: the frame and the iteration.
    private static let framePainted = 999_999

    /// A frame is painted: the page shows it, the clip's progress and the frames so far.
    func show(_ record: ClipFrameRecord, frames: RunFrames?) {
        clipSteps?.before += record.iterations + (record.index == 0 ? 0 : 1)   // a later frame's iteration 0 is its start
        state.setPicture(record.picture, iteration: pictureKey(record.index, Self.framePainted))
        if let frames { state.keep(frames) }
        let left = Double(record.count - record.index - 1) * record.seconds
        state.update("frame") {
            ($0.clipFrame, $0.clipFrames, $0.status) = (record.index + 1, record.count, "running")
            ($0.width, $0.height) = (record.picture.width, record.picture.height)
            $0.iterationsPerSecond = Double(record.iterations) / max(record.seconds, 1e-9)
            $0.etaSeconds = left
            $0.peakMemoryMB = ProcessMemory.peakMB
        }
    }
}
