// The events a StylizeSession emits, and the sink protocol its observers implement: the plan, each pass, each
// iteration (its picture only on demand), each film frame, checkpoints, notices and the finish.

import Foundation
import ImageFiles
import Objective
import Stylization

/// What a session is about to do.
public struct StylizePlan: Sendable {
    /// The photo's working size: the film's and the best image's (the final pass adds the margin on every side).
    public var width: Int, height: Int
    /// Pixels optimised around the photo and cropped from every picture (see `PictureSettings.margin`).
    public var margin: Int = 0
    /// The passes of coarse-to-fine, coarsest first (one for a plain run).
    public var passes: [ScalePass]
    /// The estimated peak memory in bytes.
    public var memoryEstimate: Int
    /// How the final pass's objective is evaluated (nil: the whole picture on one tape), the fastest way that fits
    /// the memory (`MemoryPlan.fastest`); each pass chooses its own.
    public var recompute: RecomputePlan? = nil
    /// L-BFGS's curvature pairs of the final pass spill to a temporary file (the planner's choice when they do not
    /// fit in memory beside the rest).
    public var spillsPairs = false
    /// Iterations the whole run records, every pass's iteration 0 included.
    public var totalIterations: Int { passes.reduce(passes.count - 1) { $0 + $1.iterations } }
    /// The run-wide iteration a resumed session continues after (nil for a new run).
    public var resumedAt: Int?

    /// The size of the picture a pass of `width`×`height` (the margin included) shows: the photo's working size
    /// divided as the pass divides it, the margin cropped.
    public func pictureSize(ofPass width: Int, _ height: Int) -> (width: Int, height: Int) {
        guard let pass = passes.last(where: { $0.width == width && $0.height == height }), pass.divisor != 1 else {
            return (self.width, self.height)
        }
        return (ScalePass.side(self.width, divisor: pass.divisor), ScalePass.side(self.height, divisor: pass.divisor))
    }
}

/// One iteration, numbered run-wide across the passes.
public struct IterationEvent {
    /// The iteration's number, losses, evaluations and seconds, run-wide.
    public var record: IterationRecord
    /// The size the iteration's picture was optimised at (its pass's).
    public var width: Int, height: Int
    /// True for iterations a resumed session replays from its checkpoint (no picture then).
    public var replayed: Bool
    private let makePicture: (() -> RGBImage)?

    init(record: IterationRecord, width: Int, height: Int, replayed: Bool, picture: (() -> RGBImage)?) {
        (self.record, self.width, self.height, self.replayed, makePicture) = (record, width, height, replayed, picture)
    }

    /// The iteration's picture at the photo's working size (a coarse pass's as the next pass would start from it),
    /// computed when asked; nil for a replayed iteration.
    public func picture() -> RGBImage? { makePicture?() }
}

/// A frame of the film: an iteration chosen by `FilmSettings` (smoothed when asked), at the photo's working size.
public struct FrameEvent {
    /// The run-wide iteration it shows.
    public var iteration: Int
    /// The frame, at the photo's working size.
    public var picture: RGBImage
    /// True for frames a resumed session replays from its checkpoint.
    public var replayed: Bool
    /// The run's frames, this one among them (stored, encoded once) as number `index`.
    public var frames: RunFrames
    public var index: Int
}

/// How a session ended.
public struct StylizeOutcome {
    /// True when a stop was requested; false when it ran its iterations or converged.
    public var stopped: Bool
    /// True when L-BFGS found no further decrease.
    public var converged: Bool
    /// Why the finish rule ended the run (its iteration run-wide); nil when it did not.
    public var finished: FinishVerdict?
    /// With a finish rule, when the most steps ran before the picture was finished: the rule's last look (its
    /// iteration run-wide).
    public var unfinished: FinishVerdict?
    /// The best picture (lowest loss, computed on that same image), at the photo's working size.
    public var best: RGBImage
    /// Its values before they were rounded to 8 bits: planar RGB 0…255 (for a 16-bit PNG).
    public var bestSamples: [Float]
    /// The optimised pixels themselves at the photo's working size, margin included, colours as optimised (planar
    /// RGB 0…255): where a clip's next frame starts from.
    public var bestPixels: [Float]
    /// Its run-wide iteration and loss; `bestPass` is the pass it was found in.
    public var bestIteration: Int
    /// The best picture's loss.
    public var bestLoss: LossBreakdown
    /// The pass the best picture was found in (the last one run).
    public var bestPass: ScalePass
    /// Run-wide totals: the last iteration, objective evaluations, seconds.
    public var iterations: Int, evaluations: Int, seconds: Double
    /// Where a resumed session took over: the run-wide totals its checkpoint held (nil: a new run). This session's
    /// own share is the totals less these.
    public var resumedFrom: (iterations: Int, evaluations: Int, seconds: Double)?

    /// Why the run ended: "finished" (the finish rule), "stopped" (asked to), "converged" (L-BFGS), "cap" (a finish
    /// rule's most steps ran first), "iterations" (every step it was given).
    public var stopKind: String {
        finished != nil ? "finished" : stopped ? "stopped" : converged ? "converged" : unfinished != nil ? "cap" : "iterations"
    }

    /// Why the run ended, in words: "finished: the loss fell 0.12 % and the picture changed 0.31 levels over the last
    /// 20 steps"; "cap: the most steps ran before the picture was finished (the loss fell 0.26 % and …)"; "iterations:
    /// every step given"; "converged: L-BFGS found no lower loss"; "stopped: asked to stop".
    public var stopReason: String {
        stopKind + ": " + (finished?.description ?? (stopped ? "asked to stop"
            : converged ? "L-BFGS found no lower loss"
            : unfinished.map { "the most steps ran before the picture was finished (\($0.description))" }
            ?? "every step given"))
    }
}

/// An event of a session.
public enum StylizeEvent {
    case plan(StylizePlan)
    /// A pass begins (`index` 0 is the coarsest); its iteration 0 is run-wide iteration `firstIteration`.
    case pass(index: Int, pass: ScalePass, firstIteration: Int)
    case iteration(IterationEvent)
    /// Sent only when a sink `wantsFrames`.
    case frame(FrameEvent)
    /// Sent every `checkpointInterval` iterations (the smallest any sink asks for) and at the end.
    case checkpoint(CheckpointSnapshot)
    /// A recovery or warning, one line, for the user.
    case notice(String)
    /// The style weight changes from an iteration on (`StylizeSession.steer`); also recorded in `settings.steering`.
    case steer(SteerChange)
    case finish(StylizeOutcome)
}

/// An observer of a session. Sinks receive every event in order, on the session's thread; a sink that throws ends
/// the run (the session then throws `StylizeFailure`, which carries the best picture so far) after every sink has
/// been told to `abandon` its outputs.
public protocol StylizeSink: AnyObject {
    /// Whether this sink wants `.frame` events (the session only makes frames when one does, or `keepsFrames`).
    var wantsFrames: Bool { get }
    /// Iterations between `.checkpoint` events this sink wants (nil: none).
    var checkpointInterval: Int? { get }
    /// The files and folders this sink writes: the session refuses to start when one is an input or another's.
    var outputs: [OutputPlace] { get }
    func receive(_ event: StylizeEvent) throws
    /// The run failed: remove partial outputs (never the user's files).
    func abandon()
}

extension StylizeSink {
    public var wantsFrames: Bool { false }
    public var checkpointInterval: Int? { nil }
    public var outputs: [OutputPlace] { [] }
    public func abandon() {}
}

/// A session that failed after it started: the cause, and the best picture so far, which must not be lost.
public struct StylizeFailure: Error, CustomStringConvertible {
    /// What failed.
    public var underlying: Error
    /// The best picture so far, at the photo's working size.
    public var best: RGBImage
    /// Its run-wide iteration.
    public var bestIteration: Int
    /// Where the session's `picture` output saved it (its own place, or the temporary folder when that failed); nil
    /// when the session has no picture output or nothing could be saved.
    public var savedAt: String?
    /// Whether the session has a picture output.
    var hasPictureOutput = false
    public var description: String {
        guard hasPictureOutput else { return "\(underlying)" }
        return "\(underlying); the best image so far (iteration \(bestIteration)) "
            + (savedAt.map { "is saved at \($0)" } ?? "could not be saved")
    }
}

/// A sink made of a closure, for programs that only want to watch.
public final class EventHandler: StylizeSink {
    private let handle: (StylizeEvent) throws -> Void
    /// Calls `handle` with every event.
    public init(_ handle: @escaping (StylizeEvent) throws -> Void) { self.handle = handle }
    public func receive(_ event: StylizeEvent) throws { try handle(event) }
}
