// ClipCheckpoint: a painted clip's progress in a folder, written after every frame: the frames painted so far (PNG,
// what was encoded), the last frame's optimised pixels (exact floats: where the next frame starts) and a small JSON
// file saying how far it got (a `CheckpointHeader`, as a picture's state.bin begins with). Each file is written whole under a temporary name and renamed; the JSON last, so a
// folder always describes frames that are all there.

import Foundation
import ImageFiles
import Network

/// How far a painted clip got.
public struct ClipProgress: Codable, Sendable, Equatable {
    /// Frames painted (0…framesDone−1 are in the folder).
    public var framesDone: Int
    /// The first frame's best total loss (the temporal weight's unit).
    public var firstLoss: Double
    /// The painted clip being written.
    public var output: String
}

/// A clip checkpoint's clip.json: the clip's settings, the digests of the clip and of each painting (in that order),
/// how far it got.
public typealias ClipCheckpointHeader = CheckpointHeader<ClipSettings, ClipProgress>

public enum ClipCheckpoint {
    static func statePath(_ folder: String) -> String { folder + "/clip.json" }
    static func framePath(_ folder: String, _ index: Int) -> String { folder + String(format: "/frames/frame_%06d.png", index) }
    static func pixelsPath(_ folder: String, _ index: Int) -> String { folder + String(format: "/pixels_%06d.f32", index) }

    /// Makes the folder (and its frames folder); refuses a folder that holds another clip's checkpoint.
    static func prepare(_ folder: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder + "/frames", withIntermediateDirectories: true)
        } catch {
            throw CheckpointError(path: folder, problem: "cannot make the checkpoint folder (\(error.localizedDescription))")
        }
    }

    /// Saves frame `index`: its picture, its pixels, then the header saying `index + 1` frames are done; the pixels of
    /// the frame before are removed.
    static func save(_ folder: String, header: ClipCheckpointHeader, picture: RGBImage, pixels: [Float]) throws {
        let index = header.progress.framesDone - 1
        try PictureFile.write(picture, to: framePath(folder, index))
        try writeFloats(pixels, to: pixelsPath(folder, index))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write([UInt8](try encoder.encode(header)), to: statePath(folder))
        if index > 0 { unlink(pixelsPath(folder, index - 1)) }
    }

    /// Reads a clip checkpoint's header.
    static func load(_ folder: String) throws -> ClipCheckpointHeader {
        guard let data = FileManager.default.contents(atPath: statePath(folder)) else {
            throw CheckpointError(path: folder, problem: "no clip checkpoint here (missing clip.json)")
        }
        do { return try JSONDecoder().decode(ClipCheckpointHeader.self, from: data) } catch {
            throw CheckpointError(path: statePath(folder), problem: "damaged clip checkpoint")
        }
    }

    static func pixels(_ folder: String, frame: Int, count: Int) throws -> [Float] {
        let path = pixelsPath(folder, frame)
        guard let pixels = floats(path, count: count) else {
            throw CheckpointError(path: path, problem: "missing or damaged (the last painted frame's pixels)")
        }
        return pixels
    }

    /// A painted frame's exact pixels, written whole (little-endian Float32, as this host keeps them).
    static func writeFloats(_ pixels: [Float], to path: String) throws {
        try AtomicFile.write(to: path) { put in pixels.withUnsafeBytes(put) }   // little-endian hosts
    }

    /// The `count` Float32 values of the file at `path` (nil: missing, or another length).
    static func floats(_ path: String, count: Int) -> [Float]? {
        guard let data = FileManager.default.contents(atPath: path), data.count == 4 * count else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    static func picture(_ folder: String, frame: Int) throws -> RGBImage {
        do { return try ImageFile.read(framePath(folder, frame)) } catch {
            throw CheckpointError(path: framePath(folder, frame), problem: "missing or damaged (a painted frame)")
        }
    }
}
