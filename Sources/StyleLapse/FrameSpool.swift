// FrameSpool: a sink that keeps the film's frames on disk (a FrameStore: compressed, unlinked at once), with the
// record of the iteration each shows and the visible change between neighbours, for composing a film after the run
// (a sweep's side-by-side film).

import Drawing
import Film
import Foundation
import ImageFiles
import Painting

/// The frames of a run, in a temporary file that is gone when the process ends, however it ends.
public final class FrameSpool: StylizeSink {
    /// The record of the iteration each frame shows, in order.
    public private(set) var frames: [IterationRecord] = []
    /// The visible change between frames k and k + 1 (mean absolute difference, levels; see `Pacing`).
    public private(set) var changes: [Double] = []
    public var wantsFrames: Bool { true }
    private var store: FrameStore?
    private var last: IterationRecord?
    private var previous: RGBImage?

    /// The store is made with the first frame (its size).
    public init() {}

    public func receive(_ event: StylizeEvent) throws {
        switch event {
        case .iteration(let i): last = i.record
        case .frame(let frame):
            // A frame shows the iteration recorded last (a resumed run's replayed frames have no record here).
            guard let last, last.iteration == frame.iteration else { return }
            let store = try self.store ?? FrameStore(width: frame.picture.width, height: frame.picture.height)
            self.store = store
            try store.append(frame.picture)
            if let previous { changes.append(previous.meanAbsoluteDifference(frame.picture)) }
            previous = frame.picture
            frames.append(last)
        default: break
        }
    }

    /// Frame `k` (0-based), resized to `width` × `height` when it is not that size.
    public func picture(_ k: Int, width: Int, height: Int) throws -> RGBImage {
        guard let store else { throw ImageFileError(NSTemporaryDirectory(), "the film has no frame \(k)") }
        try store.flush()
        let picture = try store.frame(k)
        return picture.width == width && picture.height == height ? picture : picture.resized(width: width, height: height)
    }
}
