// The sinks StyleLapse ships: the film as it comes (TimelapseSink), a folder of frames, the trace, the loss plot and checkpoints.
// Each writes its file as NAME.part and renames it when the run finishes (a checkpoint folder is written in place).

import Foundation
import ImageFiles
import Stylization
import Timelapse

/// The film as it comes, one frame per film frame (no cards, no pacing; `FilmSink` composes the finished film), in
/// the format its extension names.
public final class TimelapseSink: StylizeSink {
    /// The writer (its `framesAppended` counts the frames so far).
    public let writer: TimelapseWriter
    public var wantsFrames: Bool { true }

    /// Opens `path`.part for a `width` × `height` film (a session's `plan` gives the size).
    public init(path: String, width: Int, height: Int, settings: FilmEncoding = FilmEncoding()) throws {
        writer = try TimelapseWriter(path: path, width: width, height: height, settings: settings)
    }

    public func receive(_ event: StylizeEvent) throws {
        switch event {
        case .frame(let frame): try writer.append(frame.picture)
        case .finish: try writer.finish()
        default: break
        }
    }

    public var outputs: [OutputPlace] { [.video(writer.path)] }
    public func abandon() { writer.cancel() }
}

/// Every film frame as `frame_NNNNNN.png` (the iteration's number) in a folder.
public final class FramesFolderSink: StylizeSink {
    /// The folder the frames go to.
    public let folder: String
    public var wantsFrames: Bool { true }

    /// The folder must exist (see `OutputFolder.prepare`).
    public init(folder: String) { self.folder = folder }
    public var outputs: [OutputPlace] { [.frames(folder)] }

    public func receive(_ event: StylizeEvent) throws {
        guard case .frame(let frame) = event else { return }
        // The run's stored frame, encoded once, written off the run's thread; the session waits for it at the end.
        frame.frames.write(frame.index, to: folder + String(format: "/frame_%06d.png", frame.iteration))
    }
}

/// Writes JSON lines, as NAME.part renamed at the end, or in place.
final class LineFile {
    let path: String
    private let target: String
    private var handle: FileHandle?

    init(path: String, atomic: Bool) {
        self.path = path
        target = atomic ? AtomicFile.partPath(for: path) : path
    }

    private func open() throws -> FileHandle {
        if let handle { return handle }
        guard FileManager.default.createFile(atPath: target, contents: nil),
              let h = FileHandle(forWritingAtPath: target) else { throw ImageFileError(path, "cannot create the file") }
        handle = h
        return h
    }

    func write(_ line: Data) throws {
        let h = try open()
        do { try h.write(contentsOf: line + [0x0A]) } catch { throw ImageFileError(path, "write failed (\(error))") }
    }

    func finish() throws {
        _ = try open()
        do {
            try handle?.synchronize()
            try handle?.close()
        } catch { throw ImageFileError(path, "write failed (\(error))") }
        handle = nil
        guard target == path || rename(target, path) == 0 else { throw ImageFileError(path, "could not move the file into place") }
    }

    func abandon() {
        try? handle?.close()
        handle = nil
        if target != path { unlink(target) }
    }
}

/// One JSON object per iteration (`TraceEntry`), JSON lines; a resumed run's earlier iterations included.
public final class TraceSink: StylizeSink {
    private let file: LineFile

    /// Writes `path`.part, renamed to `path` when the run finishes.
    public init(path: String) { file = LineFile(path: path, atomic: true) }
    public var outputs: [OutputPlace] { [.trace(file.path)] }

    public func receive(_ event: StylizeEvent) throws {
        switch event {
        case .iteration(let i): try file.write(TraceEntry(i).line)
        case .steer(let change):
            // A line of its own: {"event": "steer", "iteration": …, "style_weight": …, "previous_style_weight": …}.
            var line: [String: Any] = ["event": "steer", "iteration": change.iteration, "style_weight": change.styleWeight,
                                       "previous_style_weight": change.previousStyleWeight]
            if let s = change.strength { line["strength"] = s }
            if let s = change.previousStrength { line["previous_strength"] = s }
            try file.write(try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]))
        case .finish(let outcome):
            // The last line: {"event": "finish", "iteration": …, "stop": "finished", "why": "…"}.
            let line: [String: Any] = ["event": "finish", "iteration": outcome.iterations, "stop": outcome.stopKind,
                                       "why": outcome.stopReason]
            try file.write(try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]))
            try file.finish()
        default: break
        }
    }

    public func abandon() { file.abandon() }
}

/// Total, style and content loss (each times the weight in force at its iteration) against iteration, log scale,
/// as an SVG.
public final class LossPlotSink: StylizeSink {
    /// The SVG file.
    public let path: String
    private let styleWeight: Double, contentWeight: Double
    private var steering: [SteerChange]
    /// The curves so far.
    public private(set) var curves = LossPlot.Curves()

    /// The curves are weighted by the run's `styleWeight` and `contentWeight`, as in the total, the style weight
    /// changed by `steering` (a resumed run's changes so far) and by every `.steer` event.
    public init(path: String, styleWeight: Double, contentWeight: Double, steering: [SteerChange] = []) {
        (self.path, self.styleWeight, self.contentWeight, self.steering) = (path, styleWeight, contentWeight, steering)
    }
    public var outputs: [OutputPlace] { [.plot(path)] }

    public func receive(_ event: StylizeEvent) throws {
        switch event {
        case .steer(let change): steering.append(change)
        case .iteration(let i):
            let weight = steering.last { $0.iteration <= i.record.iteration }?.styleWeight ?? styleWeight
            curves.append(i.record, styleWeight: weight, contentWeight: contentWeight)
        case .finish: try AtomicFile.write(Array(LossPlot.svg(curves).utf8), to: path)
        default: break
        }
    }
}

/// Checkpoints in a folder: state.bin every `every` iterations and at the end, the trace so far, and the film's
/// frames (when the run makes them) so a resumed run's film holds the whole run.
public final class CheckpointSink: StylizeSink {
    /// The checkpoint folder.
    public let folder: String
    /// Iterations between checkpoints (there is always one at the end).
    public let every: Int
    public var checkpointInterval: Int? { every }
    /// Saved with every checkpoint for the program to read back on resume (`StylizeSession.resumedApplication`).
    public var application: Data?
    private let trace: LineFile
    private var framesReady = false
    private var frames: RunFrames?

    /// The folder must exist (see `OutputFolder.prepare`); its frames folder is made when frames arrive.
    public init(folder: String, every: Int = 50) {
        (self.folder, self.every) = (folder, every)
        trace = LineFile(path: Checkpoint.tracePath(folder), atomic: false)
    }
    public var outputs: [OutputPlace] { [.checkpoint(folder)] }

    public func receive(_ event: StylizeEvent) throws {
        switch event {
        case .iteration(let i): try trace.write(TraceEntry(i).line)
        case .frame(let frame):
            frames = frame.frames
            let path = Checkpoint.framePath(folder, frame.iteration)
            if frame.replayed && FileManager.default.fileExists(atPath: path) { return }
            if !framesReady { try OutputFolder.prepare(Checkpoint.framesFolder(folder)); framesReady = true }
            frame.frames.write(frame.index, to: path)
        case .checkpoint(var snapshot):
            try frames?.flush()   // the frames up to the checkpoint are on disk before its state
            snapshot.application = application
            try Checkpoint.save(snapshot, to: folder)
        case .finish: try trace.finish()
        default: break
        }
    }

    public func abandon() { trace.abandon() }
}

/// Output folders (frames, checkpoints, a sweep's cells).
public enum OutputFolder {
    /// Creates `path` when its parent exists, and checks it accepts files.
    public static func prepare(_ path: String) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw ImageFileError(path, "exists and is not a folder") }
        } else {
            do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false) } catch {
                throw ImageFileError(path, "cannot create the folder (does its parent exist?)")
            }
        }
        try AtomicFile.checkWritable(path + "/frame_000000.png")
    }
}
