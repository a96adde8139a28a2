// TimelapseWriter: frames appended one at a time are encoded on a thread of their own behind a small bounded queue,
// so the optimizer rarely waits and memory does not grow with the number of frames. The file is written as
// NAME.part and renamed to NAME only after the trailer.

import Foundation
import ImageFiles

/// Writes an MP4 timelapse from frames appended while other work goes on.
///
/// Thread-safety: `append`, `finish` and `cancel` may be called from any one thread at a time. Everything shared
/// with the encoding thread (`queue`, `closed`, `failure`) is read and written only while holding `condition`;
/// the `VideoEncoder` is touched only by the encoding thread until it ends, which is why this is `@unchecked Sendable`.
public final class TimelapseWriter: @unchecked Sendable {
    /// The final file name.
    public let path: String
    public let settings: TimelapseSettings
    /// The encoder actually in use ("libx264" or "mpeg4").
    public let codecName: String
    /// Frames appended so far (without the hold frames).
    public private(set) var framesAppended = 0

    private let encoder: VideoEncoder
    private let condition = NSCondition()
    private var queue: [RGBImage] = []
    private var closed = false
    private var failure: Error?
    private var worker: Thread?
    private let done = DispatchSemaphore(value: 0)
    private var lastFrame: RGBImage?

    /// Opens `path.part` for an MP4 of `width`×`height` pictures. Throws when the encoder or file cannot be set up.
    public init(path: String, width: Int, height: Int, settings: TimelapseSettings = TimelapseSettings()) throws {
        self.path = path
        self.settings = settings
        encoder = try VideoEncoder(outputPath: AtomicFile.partPath(for: path), reportPath: path, width: width,
                                   height: height, settings: settings)
        codecName = encoder.codecName
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "stylelapse.timelapse"
        worker = thread
        thread.start()
    }

    /// Queues one frame; blocks while `settings.queueCapacity` frames are already waiting. Throws the encoder's
    /// error if encoding has failed.
    public func append(_ image: RGBImage) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= settings.queueCapacity && failure == nil { condition.wait() }
        if let failure { throw failure }
        precondition(!closed, "TimelapseWriter: append after finish")
        queue.append(image)
        lastFrame = image
        framesAppended += 1
        condition.broadcast()
    }

    /// Holds the last frame for `settings.holdSeconds`, flushes the encoder, writes the trailer and renames the
    /// file to its final name. On failure removes the `.part` file and throws.
    public func finish() throws {
        if let last = lastFrame {
            for _ in 0..<settings.holdFrames { try append(last) }
        }
        try close()
        try renameIntoPlace()
    }

    /// Stops encoding and removes the partial file.
    public func cancel() {
        condition.lock()
        failure = failure ?? CancellationError()
        condition.unlock()
        try? close()
        unlink(AtomicFile.partPath(for: path))
    }

    private func close() throws {
        condition.lock()
        let wasClosed = closed
        closed = true
        condition.broadcast()
        condition.unlock()
        if !wasClosed { done.wait() }
        condition.lock()
        defer { condition.unlock() }
        if let failure {
            unlink(AtomicFile.partPath(for: path))
            throw failure
        }
    }

    private func renameIntoPlace() throws {
        guard rename(AtomicFile.partPath(for: path), path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(AtomicFile.partPath(for: path))
            throw ImageFileError(path, "could not move the finished video into place (\(reason))")
        }
    }

    /// The encoding thread: takes frames until the writer is closed and the queue is empty, then finishes the file.
    private func run() {
        defer { done.signal() }
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty || failure != nil {
                let ok = failure == nil
                condition.unlock()
                if ok { record { try encoder.finish() } }
                return
            }
            let next = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            record { try encoder.encode(next) }
        }
    }

    private func record(_ work: () throws -> Void) {
        do { try work() } catch {
            condition.lock()
            failure = failure ?? error
            queue.removeAll()
            condition.broadcast()
            condition.unlock()
        }
    }
}
