// RunFrames: the run's film frames, kept once. Each frame is PNG-encoded once (lossless) into a FrameStore — a
// temporary file unlinked at once — with the iteration it shows and the visible change from the frame before. The
// film, a sweep's side-by-side film, the live page's scrubber, the frames folder and the checkpoint's frames all
// read it; a folder gets the encoded bytes as they are stored, off the run's thread.

import Film
import Foundation
import ImageFiles
import Stylization

public final class RunFrames: @unchecked Sendable {
    /// The frames, at the photo's working size.
    public let store: FrameStore
    private let lock = NSLock()
    private var shown: [(iteration: Int, record: IterationRecord?)] = []
    private var differences: [Double] = []
    private var previous: RGBImage?

    /// An empty store for frames of `width` × `height`.
    public init(width: Int, height: Int) throws { store = try FrameStore(width: width, height: height) }

    /// Frames so far.
    public var count: Int { lock.withLock { shown.count } }
    /// The iteration each frame shows, in order.
    public var iterations: [Int] { lock.withLock { shown.map(\.iteration) } }
    /// The record of the iteration each frame shows (nil for a resumed run's replayed frames).
    public var records: [IterationRecord?] { lock.withLock { shown.map(\.record) } }
    /// The visible change between frames k and k + 1 (mean absolute difference, levels; see `Pacing`).
    public var changes: [Double] { lock.withLock { differences } }

    /// Keeps `picture` as the next frame (iteration `iteration`); returns its number. Throws an earlier frame's
    /// failure to be stored or written.
    @discardableResult
    func append(_ picture: RGBImage, iteration: Int, record: IterationRecord?) throws -> Int {
        try store.append(picture)
        let change = previous.map { $0.meanAbsoluteDifference(picture) }
        previous = picture
        return lock.withLock {
            if let change { differences.append(change) }
            shown.append((iteration, record))
            return shown.count - 1
        }
    }

    /// Frame `k`, resized to `width` × `height` when it is not that size.
    public func picture(_ k: Int, width: Int? = nil, height: Int? = nil) throws -> RGBImage {
        let picture = try store.frame(k)
        let (w, h) = (width ?? picture.width, height ?? picture.height)
        return picture.width == w && picture.height == h ? picture : picture.resized(width: w, height: h)
    }

    /// Writes frame `k` as a PNG file at `path` (atomically) once it is stored, off the run's thread.
    public func write(_ k: Int, to path: String) {
        store.withEncoded(k) { try AtomicFile.write($0, to: path) }
    }

    /// Waits until every frame is stored and written; throws the first failure.
    public func flush() throws { try store.flush() }
}
