// FrameStore: the film's frames kept on disk, not in memory — each frame PNG-compressed (lossless) on a queue of its
// own and appended to a temporary file that is unlinked at once, so it is gone when the process ends however it
// ends (Ctrl-C, a crash, a second Ctrl-C). Memory: the frames being compressed (at most `inFlight`) and an index.

import Foundation
import ImageFiles

/// Lossless frames of one size in an unlinked temporary file, read back by number.
public final class FrameStore: @unchecked Sendable {
    public let width: Int, height: Int
    /// Frames appended so far.
    public private(set) var count = 0
    private let fast: Bool
    private let file: FileHandle
    private let queue = DispatchQueue(label: "stylelapse.frame-store")
    private let slots: DispatchSemaphore
    private var index: [(offset: UInt64, length: Int)] = []   // written on `queue`
    private var end: UInt64 = 0
    private var failure: Error?
    private let lock = NSLock()

    /// Creates the store's file in `folder` (the system's temporary folder by default) and unlinks it. `fast`:
    /// libpng's quicker compression (larger files; for small frames kept for a page).
    public init(width: Int, height: Int, folder: String = NSTemporaryDirectory(), inFlight: Int = 3,
                fast: Bool = false) throws {
        (self.width, self.height, self.fast) = (width, height, fast)
        let path = (folder as NSString).appendingPathComponent("stylelapse-film-\(getpid())-\(UUID().uuidString).spool")
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forUpdatingAtPath: path) else {
            throw ImageFileError(folder, "cannot create a temporary file for the film's frames")
        }
        unlink(path)
        file = handle
        slots = DispatchSemaphore(value: inFlight)
    }

    /// Queues `image` (of the store's size) for compression; blocks while `inFlight` frames are being compressed.
    /// Throws the error of an earlier frame that could not be stored (a full disk).
    public func append(_ image: RGBImage) throws {
        guard image.width == width && image.height == height else {
            throw ImageFileError(NSTemporaryDirectory(), "a \(image.width)×\(image.height) frame in a "
                + "\(width)×\(height) film")
        }
        if let failure = lock.withLock({ failure }) { throw failure }
        slots.wait()
        let number = count
        count += 1
        queue.async { [self] in
            defer { slots.signal() }
            do {
                let bytes = try PNGFile.encode(image, name: "film frame \(number)", fast: fast)
                try file.seek(toOffset: end)
                try file.write(contentsOf: bytes)
                index.append((end, bytes.count))
                end += UInt64(bytes.count)
            } catch {
                lock.withLock { failure = failure ?? ImageFileError(NSTemporaryDirectory(), "cannot keep the film's frames (\(error))") }
            }
        }
    }

    /// Calls `body` with frame `k`'s encoded bytes (a PNG file's) on the store's queue, once the frame is stored:
    /// a frame written to a folder as it comes is encoded only once, and the run's thread does not wait for it. An
    /// error `body` throws is the store's: `append` and `flush` throw it.
    public func withEncoded(_ k: Int, _ body: @escaping @Sendable ([UInt8]) throws -> Void) {
        queue.async { [self] in
            guard lock.withLock({ failure }) == nil else { return }
            do { try body(try bytes(k)) } catch { lock.withLock { failure = failure ?? error } }
        }
    }

    /// Waits for every queued frame; throws when one could not be stored.
    public func flush() throws {
        queue.sync {}
        if let failure = lock.withLock({ failure }) { throw failure }
    }

    /// The bytes on disk so far.
    public var bytesOnDisk: UInt64 { queue.sync { end } }

    /// Frame `k` (0-based), after every frame queued before this call.
    public func frame(_ k: Int) throws -> RGBImage {
        try ImageFile.decode(try queue.sync { try bytes(k) }, path: "film frame \(k)")
    }

    /// Frame `k`'s encoded bytes (on `queue`).
    private func bytes(_ k: Int) throws -> [UInt8] {
        guard k >= 0 && k < index.count else { throw ImageFileError(NSTemporaryDirectory(), "the film has no frame \(k)") }
        let entry = index[k]
        do {
            try file.seek(toOffset: entry.offset)
            let data = try file.read(upToCount: entry.length) ?? Data()
            guard data.count == entry.length else { throw ImageFileError(NSTemporaryDirectory(), "the film's frames were cut short") }
            return [UInt8](data)
        } catch let error as ImageFileError { throw error } catch {
            throw ImageFileError(NSTemporaryDirectory(), "cannot read the film's frames back (\(error))")
        }
    }
}
