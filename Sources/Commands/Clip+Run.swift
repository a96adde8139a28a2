// The `clip` command's run: options → the library's clip settings → a ClipSession (new or resumed) → a progress line
// per frame → the summary. A first Ctrl-C finishes the frame being painted and writes a playable clip (status 130).

import ArgumentParser
import Foundation
import StyleLapse

extension ClipCommand {
    public func run() throws {
        try kernels.apply()
        if let join {
            let outcome: ClipOutcome
            do { outcome = try ClipSession.join(join, output: output!) } catch let clash as OutputClash {
                try OutputChecks.refuse(UsageError(description: clash.described(naming: Self.optionName)))
            }
            if !quiet { print(String(format: "joined %d frames in %.1f s\nwrote %@", outcome.frames, outcome.seconds, output!)) }
            return
        }
        if let segment, let work {
            try runSegment(try ClipSegment(parsing: segment), work: work)
            return
        }
        let interrupts = Interrupts()
        interrupts.stopMessage = "stopping after this frame"
        interrupts.install()
        let session: ClipSession
        do {
            if let resume {
                session = try ClipSession(resuming: resume, output: output, threads: threads)
            } else {
                session = try ClipSession(settings: try clipSettings(), output: output ?? defaultOutput,
                                          checkpoint: checkpoint, firstFrame: firstFrameOutputs(), threads: threads)
            }
        } catch let clash as OutputClash {
            // Found before anything is written, as stylize finds its clashes: a usage error, the options named.
            try OutputChecks.refuse(UsageError(description: clash.described(naming: Self.optionName)))
        }
        session.frameLimit = frameLimit
        interrupts.onStop = session.requestStop
        let info = session.info
        if !quiet {
            let sound = info.audioCodec.map { session.carriesSound ? "its \($0) sound copied" : "its \($0) sound left out (the container does not take it)" } ?? "no sound"
            FileHandle.standardError.write(Data(String(
                format: "stylelapse: %@: %d×%d, %d frames, %.2f s (%.3g frames/s, %@ %@%@), %@\n",
                session.settings.clip, info.width, info.height, info.frameCount, info.duration, info.frameRate, info.codec,
                info.pixelFormat, info.rotation != 0 ? ", turned \(info.rotation)°" : "", sound).utf8))
        }
        session.attach(ClipProgressLine(quiet: quiet, laterSteps: session.settings.laterIterations))
        let live = try serve.flatMap(ServeAddress.init).map { try LiveRun.start($0, clip: session, interrupts: interrupts) }
        defer { live?.server.stop(state: live!.state) }
        let outcome = try session.run()
        if !quiet {
            let perFrame = outcome.paintedHere > 0 ? outcome.seconds / Double(outcome.paintedHere) : 0
            print(String(format: "%@ in %.1f s: %d frames painted here (%d in the clip), %.2f s per frame, peak memory %.0f MB",
                         outcome.stopped ? "stopped" : "done", outcome.seconds, outcome.paintedHere, outcome.frames,
                         perFrame, ProcessMemory.peakMB))
            print("wrote \(session.output)" + (timelapse.map { ", \($0)" } ?? ""))
        }
        if outcome.stopped, let folder = session.checkpoint {
            FileHandle.standardError.write(Data(("stylelapse: stopped after frame \(outcome.frames); the checkpoint in "
                + "\(folder) continues with: stylelapse clip --resume \(folder)\n").utf8))
        }
        if let live {
            live.written(["video"])
            live.linger(serveLinger ?? StylizeCommand.defaultServeLinger, interrupts: interrupts, quiet: quiet)
        }
        if outcome.stopped { throw ExitCode(130) }
    }
}

extension ClipCommand {
    /// One segment into the work folder: a progress line per frame; Ctrl-C stops after the frame being painted
    /// (running the task again resumes there).
    func runSegment(_ segment: ClipSegment, work: String) throws {
        let interrupts = Interrupts()
        interrupts.stopMessage = "stopping after this frame"
        interrupts.install()
        let session = try ClipSegmentSession(settings: try clipSettings(), segment: segment, work: work, threads: threads)
        interrupts.onStop = session.requestStop
        session.attach(ClipProgressLine(quiet: quiet, laterSteps: session.settings.laterIterations))
        if !quiet {
            let range = session.frames
            FileHandle.standardError.write(Data(("stylelapse: \(session.settings.clip): segment \(segment), frames "
                + "\(range.lowerBound)…\(range.upperBound - 1) of \(session.info.frameCount), into \(work)\n").utf8))
        }
        let outcome = try session.run(keyframesOnly: keyframesOnly)
        if keyframesOnly {
            if !quiet { print(String(format: "keyframes up to segment %@ painted in %.1f s", segment.description, outcome.seconds)) }
            return
        }
        if !quiet {
            print(String(format: "%@ in %.1f s: segment %@, %d of its %d frames painted (%d here)",
                         outcome.stopped ? "stopped" : "done", outcome.seconds, segment.description, outcome.frames,
                         outcome.clipFrames, outcome.paintedHere))
        }
        if outcome.stopped { throw ExitCode(130) }
    }

    /// A file's option as clip names it: its film is --timelapse.
    static func optionName(_ role: FileRole) -> String { role == .video ? "--timelapse" : OptionNames.name(role) }
}

/// One line per painted frame: frames done, seconds per frame, time left (from the later frames, which take far
/// less than the first).
final class ClipProgressLine: ClipSink {
    let quiet: Bool, laterSteps: Int
    let terminal = isatty(2) != 0
    private var first = (steps: 0, seconds: 0.0), later = (frames: 0, seconds: 0.0)

    init(quiet: Bool, laterSteps: Int) { (self.quiet, self.laterSteps) = (quiet, laterSteps) }

    func receive(_ event: ClipEvent) {
        switch event {
        case .frame(let record): update(record)
        case .finish: finish()
        default: break
        }
    }

    func update(_ r: ClipFrameRecord) {
        guard !quiet else { return }
        if r.paintedHere > 1 || r.index > 0 {
            later = (later.frames + 1, later.seconds + r.seconds)
        } else {
            first = (r.iterations, r.seconds)
        }
        let eta = Progress.clipSecondsLeft(framesLeft: r.count - r.index - 1, first: first, later: later,
                                           laterSteps: laterSteps)
        let line = Self.line(r, secondsPerFrame: r.elapsed / Double(max(r.paintedHere, 1)), eta: eta)
        FileHandle.standardError.write(Data((terminal ? "\r" + line + "\u{1B}[K" : line + "\n").utf8))
    }

    func finish() { if terminal && !quiet { FileHandle.standardError.write(Data("\n".utf8)) } }

    static func line(_ r: ClipFrameRecord, secondsPerFrame: Double, eta: Double) -> String {
        let width = 12
        let filled = min(width, width * (r.index + 1) / max(r.count, 1))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        return String(format: "[%@] frame %d/%d %d steps %.1f s (flow %.2f s) %.2f s/frame ETA %@", bar, r.index + 1,
                      r.count, r.iterations, r.seconds, r.flowSeconds, secondsPerFrame, Progress.clock(eta))
    }
}
