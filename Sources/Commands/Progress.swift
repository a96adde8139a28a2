// Progress: a progress bar on stderr when it is a terminal, plain periodic lines otherwise; as a sink, it also shows
// the session's notices.

import Foundation
import StyleLapse

public struct Progress {
    let total: Int
    let quiet: Bool
    let terminal = isatty(2) != 0
    private var lastLine = -1.0

    init(total: Int, quiet: Bool) {
        self.total = total
        self.quiet = quiet
    }

    mutating func update(_ r: IterationRecord) {
        guard !quiet else { return }
        let rate = r.iteration > 0 ? Double(r.iteration) / max(r.seconds, 1e-9) : 0
        let eta = rate > 0 ? Double(total - r.iteration) / rate : 0
        let losses = String(format: "loss %.4g (unweighted: style %.4g, content %.4g)", r.loss.total, r.loss.style, r.loss.content)
        if terminal {
            // Carriage return, the line, then "erase to the end of the line" (a shorter line leaves nothing behind).
            let line = "\r" + Self.barLine(r, total: total, rate: rate, eta: eta) + "\u{1B}[K"
            FileHandle.standardError.write(Data(line.utf8))
            if r.iteration == total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else if r.iteration == 0 || r.iteration == total || r.seconds - lastLine >= 10 {
            lastLine = r.seconds
            let line = String(format: "iteration %d/%d %@ %.2f it/s ETA %@\n", r.iteration, total, losses, rate,
                              Self.clock(eta))
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    func finish() {
        if terminal && !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// The terminal's progress line, at most 79 columns: bar, iteration, the total loss (weighted, as optimised) and
    /// the style and content losses (unweighted, as the trace has them), speed and time left.
    public static func barLine(_ r: IterationRecord, total: Int, rate: Double, eta: Double) -> String {
        let rest = String(format: "%d/%d loss %.3g (unweighted S %.2g C %.2g) %.2f it/s ETA %@", r.iteration, total,
                          r.loss.total, r.loss.style, r.loss.content, rate, clock(eta))
        let width = max(0, min(12, 79 - 3 - rest.count))   // the bar takes what the numbers leave
        let filled = total > 0 ? min(width, width * r.iteration / total) : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        return String(("[" + bar + "] " + rest).prefix(79))
    }

    /// A clip's time left: `framesLeft` later frames at the later frames' mean so far, or before any, at the first
    /// frame's seconds per step times a later frame's most steps (`laterSteps`: a third of the first's by default,
    /// so the first frame's own time would tell three times too much).
    public static func clipSecondsLeft(framesLeft: Int, first: (steps: Int, seconds: Double),
                                       later: (frames: Int, seconds: Double), laterSteps: Int) -> Double {
        let perFrame = later.frames > 0 ? later.seconds / Double(later.frames)
            : first.seconds * Double(min(laterSteps, max(first.steps, 1))) / Double(max(first.steps, 1))
        return Double(framesLeft) * perFrame
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// The progress bar as a session sink.
final class ProgressSink: StylizeSink {
    private var progress: Progress

    init(total: Int, quiet: Bool) { progress = Progress(total: total, quiet: quiet) }

    func receive(_ event: StylizeEvent) throws {
        switch event {
        case .iteration(let i) where !i.replayed: progress.update(i.record)
        case .notice(let message): FileHandle.standardError.write(Data("\nstylelapse: \(message)\n".utf8))
        case .finish: progress.finish()
        default: break
        }
    }
}
