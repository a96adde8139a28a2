// FrameSpool: a sink that keeps the film's frames in an unlinked temporary file, not in memory, with the record of
// the iteration each shows, for composing a film after the run (a sweep's side-by-side video).

import Foundation
import ImageFiles
import Stylize

/// The frames of a run, 8-bit RGB, in a temporary file that is gone when the process ends, however it ends.
public final class FrameSpool: StylizeSink {
    /// The record of the iteration each frame shows, in order.
    public private(set) var frames: [IterationRecord] = []
    public var wantsFrames: Bool { true }
    private let file: FileHandle
    private var last: IterationRecord?

    /// Creates the temporary file (and unlinks it at once).
    public init() throws {
        let path = NSTemporaryDirectory() + "stylelapse-spool-\(getpid())-\(UUID().uuidString).rgb"
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forUpdatingAtPath: path) else {
            throw ImageFileError(NSTemporaryDirectory(), "cannot create a temporary file for the film's frames")
        }
        unlink(path)
        file = handle
    }

    public func receive(_ event: StylizeEvent) throws {
        switch event {
        case .iteration(let i): last = i.record
        case .frame(let frame):
            // A frame shows the iteration recorded last (a resumed run's replayed frames have no record here).
            guard let last, last.iteration == frame.iteration else { return }
            do {
                try file.seekToEnd()
                try file.write(contentsOf: frame.picture.pixels)
            } catch { throw ImageFileError(NSTemporaryDirectory(), "cannot keep the film's frames (\(error))") }
            frames.append(last)
        default: break
        }
    }

    /// Frame `k` (0-based) as a `width` × `height` picture.
    public func picture(_ k: Int, width: Int, height: Int) throws -> RGBImage {
        let size = 3 * width * height
        do {
            try file.seek(toOffset: UInt64(k * size))
            let bytes = try file.read(upToCount: size) ?? Data()
            guard bytes.count == size else { throw ImageFileError(NSTemporaryDirectory(), "the film's frames were cut short") }
            return RGBImage(width: width, height: height, pixels: [UInt8](bytes))
        } catch let error as ImageFileError { throw error } catch {
            throw ImageFileError(NSTemporaryDirectory(), "cannot read the film's frames back (\(error))")
        }
    }
}
