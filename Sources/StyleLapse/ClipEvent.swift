// The events a ClipSession emits, and the sink protocol its observers implement (as StylizeEvent and StylizeSink are
// a picture's): the session of a frame painted alone, each step of a later frame, each painted frame, the finish.

import Foundation
import ImageFiles
import Stylization

/// What a clip session tells its sinks, in order, on the session's thread.
public enum ClipEvent {
    /// Frame `frame` (0 first) is painted by a session of its own (the first frame, or every frame painted
    /// independently), about to run: a picture's sinks attach to it here.
    case session(frame: Int, StylizeSession)
    /// A step of a later frame; `picture` makes the frame's picture at that step (only when asked: it costs a copy).
    case iteration(frame: Int, IterationRecord, picture: () -> RGBImage)
    /// A frame is painted (and, with a checkpoint, saved).
    case frame(ClipFrameRecord)
    /// The clip is written: every frame, or those painted until a stop.
    case finish(ClipOutcome)
}

/// An observer of a clip session. A sink that throws ends the run (the error is the session's), after every sink
/// has been told to `abandon`.
public protocol ClipSink: AnyObject {
    /// Whether this sink reads the painted frames from the session's store (`ClipSession.frames`).
    var wantsFrames: Bool { get }
    func receive(_ event: ClipEvent) throws
    /// The run failed.
    func abandon()
}

extension ClipSink {
    public var wantsFrames: Bool { false }
    public func abandon() {}
}
