// SessionCore: what every session — a picture's (StylizeSession) and a clip's (ClipSession) — does and holds the same
// way, stated once: its input files hashed before any work (and, resuming, checked against the checkpoint's hashes),
// the weights found, and the switch that stops or pauses the run from any thread.

import Foundation
import ImageFiles
import Network

/// A session's input files as it read them: their SHA-256, in the order of their paths (what a checkpoint records).
struct SessionInputs {
    let digests: [String]

    /// Hashes `paths` (a missing file, a folder or an unreadable one is refused, named); with `resumed`, the hashes a
    /// checkpoint (or a segments' folder: `since` says which) recorded, refuses a file that changed since. Then the
    /// weights file must be there (unless a network is given, already loaded).
    init(paths: [String], resumed: [String]?, weights: String, networkGiven: Bool = false,
         since: String = "the checkpoint was written; cannot resume") throws {
        let digests = try paths.map(Self.sha256)
        if let resumed {
            for (path, (now, then)) in zip(paths, zip(digests, resumed)) where now != then {
                throw ImageFileError(path, "has changed since " + since)
            }
        }
        guard networkGiven || FileManager.default.fileExists(atPath: weights) else {
            throw WeightsError(weights, "no weights file; fetch and convert the VGG19 weights with: bash tools/setup/fetch-weights")
        }
        self.digests = digests
    }

    /// The SHA-256 of the file at `path`, hex.
    static func sha256(_ path: String) throws -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ImageFileError(path, "no such file")
        }
        guard !isFolder.boolValue else { throw ImageFileError(path, "is a folder, not an image file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw ImageFileError(path, "cannot be read") }
        return data.withUnsafeBytes { SHA256.hex($0) }
    }
}

/// Stop and pause, asked from any thread (a signal handler's queue, a live page's), read by the run between steps.
final class RunSwitch: Sendable {
    private let state = NSLock()
    nonisolated(unsafe) private var stop = false, pause = false

    /// Asks the run to stop after the current step (or frame).
    func requestStop() { state.withLock { stop = true } }
    var stopRequested: Bool { state.withLock { stop } }

    /// Holds the run between two steps until `resume()` (or a stop).
    func setPaused(_ paused: Bool) { state.withLock { pause = paused } }
    var isPaused: Bool { state.withLock { pause } }

    /// Waits while paused (the run's thread, between steps); returns whether a stop was requested.
    func stopOrWait() -> Bool {
        while isPaused && !stopRequested { usleep(50_000) }
        return stopRequested
    }
}
