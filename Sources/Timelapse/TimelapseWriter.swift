// TimelapseWriter: frames appended one at a time are encoded on a thread of their own behind a small bounded queue,
// so the optimizer rarely waits and memory does not grow with the number of frames. The file is written as
// NAME.part and renamed to NAME only after the trailer; on any failure, cancel, or a writer dropped unfinished, the
// .part file is removed.

import Foundation
import ImageFiles

/// Writes a film (MP4, WebM, GIF, WebP or APNG by the extension) from frames appended while other work goes on. Use from one thread at a time.
public final class TimelapseWriter {
    /// The final file name.
    public let path: String
    public let settings: FilmEncoding
    /// The encoder actually in use ("libx264" or "mpeg4").
    public let codecName: String
    /// Frames appended so far (without the hold frames).
    public private(set) var framesAppended = 0

    private let queue: EncodingQueue
    private var lastFrame: RGBImage?
    private let size: (width: Int, height: Int)
    private var finished = false

    /// Opens `path.part` for an MP4 of `width`×`height` pictures. Throws when the encoder or file cannot be set up.
    public init(path: String, width: Int, height: Int, settings: FilmEncoding = FilmEncoding()) throws {
        self.path = path
        self.settings = settings
        size = (width, height)
        let encoder = try VideoEncoder(outputPath: AtomicFile.partPath(for: path), reportPath: path, width: width,
                                       height: height, settings: settings)
        codecName = encoder.codecName
        queue = EncodingQueue(encoder: encoder, capacity: settings.queueCapacity,
                              partPath: AtomicFile.partPath(for: path))
    }

    /// Queues one frame; blocks while `settings.queueCapacity` frames are already waiting. Throws the encoder's
    /// error once encoding has failed.
    public func append(_ image: RGBImage) throws { try append(image, timestamp: nil) }

    /// Queues one frame of a clip at `timestamp`, in `settings.timeBase` (nil: the next frame's time).
    public func append(_ image: RGBImage, timestamp: Int64?) throws {
        precondition(!finished, "TimelapseWriter: append after finish or cancel")
        guard image.width == size.width && image.height == size.height else {
            throw ImageFileError(path, "a \(image.width)×\(image.height) frame in a \(size.width)×\(size.height) video")
        }
        try queue.push((image, timestamp))
        lastFrame = image
        framesAppended += 1
    }

    /// Holds the last frame for `settings.holdSeconds`, flushes the encoder, writes the trailer and renames the
    /// file to its final name. With `soundToTheEnd` false, the sound ends with the last frame (a clip painted in
    /// part); else it runs to its own end. On failure the `.part` file is removed and the error thrown.
    public func finish(soundToTheEnd: Bool = true) throws {
        if let last = lastFrame {
            for _ in 0..<settings.holdFrames { try queue.push((last, nil)) }
        }
        finished = true
        try queue.close(soundToTheEnd: soundToTheEnd)
        let part = AtomicFile.partPath(for: path)
        guard rename(part, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(part)
            throw ImageFileError(path, "could not move the finished video into place (\(reason))")
        }
    }

    /// Whether a video at `path` (its format by the extension) can carry the first audio stream of `source` as it
    /// is (false when `source` has none).
    public static func canCarrySound(of source: String, in path: String) -> Bool {
        VideoFormat(path: path).map { AudioCopy.fits(source, $0) } ?? false
    }

    /// Stops encoding and removes the partial file.
    public func cancel() {
        finished = true
        queue.cancel()
    }

    deinit { if !finished { queue.cancel() } }
}

/// The frames waiting for the encoder and the thread that encodes them.
///
/// Thread-safety: `frames`, `closed` and `failure` are read and written only while holding `condition`; the
/// `VideoEncoder` is used only by the encoding thread until `done` is signalled. That is the invariant behind
/// `@unchecked Sendable`.
private final class EncodingQueue: @unchecked Sendable {
    private let encoder: VideoEncoder
    private var soundToTheEnd = true
    private let capacity: Int
    private let partPath: String
    private let condition = NSCondition()
    private var frames: [(RGBImage, Int64?)] = []
    private var closed = false
    private var failure: Error?
    private let done = DispatchSemaphore(value: 0)

    init(encoder: VideoEncoder, capacity: Int, partPath: String) {
        self.encoder = encoder
        self.capacity = max(1, capacity)
        self.partPath = partPath
        let thread = Thread { [self] in run() }
        thread.name = "stylelapse.timelapse"
        thread.start()
    }

    func push(_ frame: (RGBImage, Int64?)) throws {
        condition.lock()
        defer { condition.unlock() }
        while frames.count >= capacity && failure == nil { condition.wait() }
        if let failure { throw failure }
        frames.append(frame)
        condition.broadcast()
    }

    /// Lets the thread encode what is queued, finish the file (its sound to its end or to the last frame's) and
    /// end; throws what failed on the way.
    func close(soundToTheEnd: Bool = true) throws {
        condition.lock()
        let first = !closed
        closed = true
        self.soundToTheEnd = soundToTheEnd
        condition.broadcast()
        condition.unlock()
        if first { done.wait() }
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
    }

    func cancel() {
        fail(CancellationError())
        try? close()
        unlink(partPath)
    }

    /// The encoding thread: takes frames until closed with nothing queued, then finishes the file.
    private func run() {
        defer { done.signal() }
        while true {
            condition.lock()
            while frames.isEmpty && !closed && failure == nil { condition.wait() }
            if failure != nil { condition.unlock(); return }
            if frames.isEmpty {
                condition.unlock()
                do { try encoder.finish(soundToTheEnd: soundToTheEnd) } catch { fail(error) }
                return
            }
            let next = frames.removeFirst()
            condition.broadcast()
            condition.unlock()
            do { try encoder.encode(next.0, timestamp: next.1) } catch { fail(error); return }
        }
    }

    /// Records the first failure, drops queued frames, wakes waiters and removes the unusable partial file.
    private func fail(_ error: Error) {
        condition.lock()
        failure = failure ?? error
        frames.removeAll()
        condition.broadcast()
        condition.unlock()
        unlink(partPath)
    }
}
