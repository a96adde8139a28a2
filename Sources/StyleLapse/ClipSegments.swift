// ClipSegments: one clip painted as N segments, each by its own process (a Slurm array task, a Kubernetes indexed
// job, a GNU parallel slot) in one shared work folder, then joined into the clip.
//
// How the segments meet without a seam: segment K of N is frames [⌊(K−1)F/N⌋, ⌊KF/N⌋) of the clip's F, and its first
// frame is the K-th *keyframe*. The keyframes are a chain: the first is the clip's first frame painted alone (as
// `clip` paints it); keyframe k is painted as a later frame carried from keyframe k − 1 (the flow between the two
// frames, the temporal loss where it is trusted), so every segment starts from strokes its predecessor also carries.
// A segment paints its frames as `clip` paints later frames, and its last `pullFrames` frames are also held to the
// next keyframe carried back to them (its share of the temporal target growing to the segment's end), so it arrives
// where the next segment starts. Keyframes are painted by whichever task needs one first and kept in the folder
// (written whole and renamed; any task would paint the same bits), so tasks need no order among them.
//
// Folder: work.json (the settings, the inputs' digests, the segment count), keyframes/key_KKK.f32 and .json (a
// keyframe's exact pixels and the first frame's loss), segment-KKK/ (a clip checkpoint: its painted frames' PNGs,
// its last frame's pixels, clip.json with the frames done). A task killed and run again resumes from its last
// frame; the join refuses a folder whose segments are not all there, naming the first one that is not.

import Engine
import Foundation
import ImageFiles
import OpticalFlow
import Timelapse

/// Segment `number` of `count` (1-based), as `--segment K/N` names it.
public struct ClipSegment: Sendable, Equatable, CustomStringConvertible {
    public let number: Int, count: Int

    public init(number: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(number) else {
            throw SettingsError(key: "segment", "must be K/N with 1 ≤ K ≤ N (e.g. 2/3)")
        }
        (self.number, self.count) = (number, count)
    }

    /// "K/N".
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
            throw SettingsError(key: "segment", "must be K/N with 1 ≤ K ≤ N (e.g. 2/3), not \(text)")
        }
        try self.init(number: k, count: n)
    }

    public var description: String { "\(number)/\(count)" }

    /// The first frame of segment `k` (1…count + 1: the clip's frame count) of a clip of `frames` frames.
    public static func start(_ k: Int, of count: Int, frames: Int) -> Int { (k - 1) * frames / count }

    /// This segment's frames in a clip of `frames` frames.
    public func frames(of frames: Int) -> Range<Int> {
        Self.start(number, of: count, frames: frames)..<Self.start(number + 1, of: count, frames: frames)
    }
}

/// A work folder's description: what every task of it paints.
struct ClipWorkHeader: Codable, Equatable {
    var settings: ClipSettings
    /// The SHA-256 of the clip and of each painting (in that order).
    var digests: [String]
    var segments: Int
    var frames: Int
}

/// A keyframe's companion file: the first frame's loss (the temporal weight's unit).
private struct KeyframeNote: Codable { var firstLoss: Double }

enum ClipWork {
    static func headerPath(_ dir: String) -> String { dir + "/work.json" }
    static func keyframePath(_ dir: String, _ k: Int) -> String { dir + String(format: "/keyframes/key_%03d", k) }
    static func segmentFolder(_ dir: String, _ k: Int) -> String { dir + String(format: "/segment-%03d", k) }

    static func inputs(_ settings: ClipSettings) -> [String] {
        [settings.clip] + settings.painting.pictures.styles + settings.painting.pictures.masks.map(\.path)
    }

    /// The inputs' digests now; refused, naming the file, where they differ from the folder's.
    static func digests(_ settings: ClipSettings, matching recorded: [String]?, dir: String) throws -> [String] {
        try SessionInputs(paths: inputs(settings), resumed: recorded, weights: settings.painting.weights,
                          since: "the segments in \(dir) were begun").digests
    }

    static func loadHeader(_ dir: String) throws -> ClipWorkHeader? {
        guard let data = FileManager.default.contents(atPath: headerPath(dir)) else { return nil }
        do { return try JSONDecoder().decode(ClipWorkHeader.self, from: data) } catch {
            throw CheckpointError(path: headerPath(dir), problem: "damaged work folder description")
        }
    }

    static func save(_ header: ClipWorkHeader, _ dir: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write([UInt8](try encoder.encode(header)), to: headerPath(dir))
    }

    /// Keyframe `k`'s pixels and the first frame's loss, when a task has painted it.
    static func keyframe(_ dir: String, _ k: Int, count: Int) -> (pixels: [Float], firstLoss: Double)? {
        let base = keyframePath(dir, k)
        guard let note = FileManager.default.contents(atPath: base + ".json"),
              let firstLoss = try? JSONDecoder().decode(KeyframeNote.self, from: note).firstLoss,
              let pixels = ClipCheckpoint.floats(base + ".f32", count: count) else { return nil }
        return (pixels, firstLoss)
    }

    /// Whether keyframe `k` is there (written whole: its note is written last).
    static func hasKeyframe(_ dir: String, _ k: Int) -> Bool {
        FileManager.default.fileExists(atPath: keyframePath(dir, k) + ".json")
    }

    /// Writes keyframe `k` whole: its pixels, then the note that says it is there.
    static func saveKeyframe(_ dir: String, _ k: Int, pixels: [Float], firstLoss: Double) throws {
        let base = keyframePath(dir, k)
        try ClipCheckpoint.writeFloats(pixels, to: base + ".f32")
        try AtomicFile.write([UInt8](try JSONEncoder().encode(KeyframeNote(firstLoss: firstLoss))), to: base + ".json")
    }
}

/// Paints one segment of a clip into a work folder (`clip --segment K/N --work DIR`).
public final class ClipSegmentSession {
    public let settings: ClipSettings
    public let segment: ClipSegment
    public let work: String
    public let info: ClipInfo
    /// The flow's settings.
    public var flow = DISSettings()
    /// A segment's last frames that are also held to the next keyframe.
    public static let pullFrames = 8

    private let reader: ClipReader
    private let parallel: Parallel
    private let digests: [String]
    private let runSwitch = RunSwitch()
    private var sinks: [ClipSink] = []

    /// Checks the settings, the inputs and the folder (made if new; refused when it holds another clip's, another
    /// painting's or another segment count's work) before any painting.
    public init(settings: ClipSettings, segment: ClipSegment, work: String, threads: Int? = nil) throws {
        try settings.check()
        reader = try ClipReader(path: settings.clip)
        info = reader.info
        guard segment.count <= info.frameCount else {
            throw ImageFileError(settings.clip, "has \(info.frameCount) frames: too few for \(segment.count) segments")
        }
        let recorded = try ClipWork.loadHeader(work)
        digests = try ClipWork.digests(settings, matching: recorded?.digests, dir: work)
        let header = ClipWorkHeader(settings: settings, digests: digests, segments: segment.count, frames: info.frameCount)
        if let recorded, recorded != header {
            throw CheckpointError(path: work, problem: recorded.segments != segment.count
                ? "holds a clip cut into \(recorded.segments) segments, not \(segment.count)"
                : "holds the segments of a clip painted with other settings")
        }
        do {
            try FileManager.default.createDirectory(atPath: work + "/keyframes", withIntermediateDirectories: true)
        } catch {
            throw CheckpointError(path: work, problem: "cannot make the work folder (\(error.localizedDescription))")
        }
        if recorded == nil { try ClipWork.save(header, work) }
        try ClipCheckpoint.prepare(ClipWork.segmentFolder(work, segment.number))
        (self.settings, self.segment, self.work) = (settings, segment, work)
        parallel = Parallel(workers: threads ?? System.activeProcessorCount)
    }

    /// Adds an observer of the segment's frames (`.frame` and `.finish` events).
    public func attach(_ sink: ClipSink) { sinks.append(sink) }

    /// Asks the task to stop after the frame being painted (its folder then resumes from there).
    public func requestStop() { runSwitch.requestStop() }

    /// This segment's frames.
    public var frames: Range<Int> { segment.frames(of: info.frameCount) }

    /// Paints the keyframes the segment needs that no task has painted yet (its own and the next segment's), then,
    /// unless `keyframesOnly` (a scheduler's first job paints the whole chain so: the last segment's), the segment's
    /// frames not painted yet; each frame is in the folder once painted.
    @discardableResult
    public func run(keyframesOnly: Bool = false) throws -> ClipOutcome {
        let started = ContinuousClock.now
        func since(_ t: ContinuousClock.Instant) -> Double { (ContinuousClock.now - t).seconds }
        let (k, n) = (segment.number, segment.count)
        let range = frames
        let folder = ClipWork.segmentFolder(work, k)
        let resumed = (try? ClipCheckpoint.load(folder)).map { $0.progress.framesDone } ?? range.lowerBound
        var painter = FramePainter(settings: settings, flow: flow, parallel: parallel)
        var base: Pictures?
        func pictures(_ frame: ClipFrame) throws -> Pictures {
            let first = try base ?? Pictures(settings.painting.pictures, photo: frame.picture)
            if base == nil { base = first }
            return frame.index == 0 ? first : first.replacingPhoto(frame.picture, settings.painting.pictures)
        }

        // The keyframes: this segment's first frame, and the next segment's (where this one must arrive).
        let needed = k < n ? k + 1 : k
        var firstLoss: Double?
        var keys: [Int: (pixels: [Float], grey: GreyImage)] = [:]
        let starts = (1...needed).map { ClipSegment.start($0, of: n, frames: info.frameCount) }
        // Paths are followed only from the keyframe before the first one missing: the frames between two keyframes
        // carry the first to the second along the clip's own motion.
        let firstMissing = (1...needed).first { !ClipWork.hasKeyframe(work, $0) }
        if resumed < range.upperBound {
            var path: FramePainter.Path?
            try reader.forEachFrame { frame in
                let j = starts.firstIndex(of: frame.index)
                guard j != nil || path != nil else { return true }   // nothing to carry, no keyframe here
                let p = try pictures(frame), grey = FramePainter.grey(p)
                guard let j else {
                    path!.extend(to: grey, settings: flow, parallel: parallel)
                    return true
                }
                let key = j + 1
                let pixels: [Float]
                if let kept = ClipWork.keyframe(work, key, count: p.optimisedCount) {
                    (pixels, firstLoss) = (kept.pixels, kept.firstLoss)
                } else {
                    path?.extend(to: grey, settings: flow, parallel: parallel)
                    let result = try painter.paint(p, index: frame.index, firstLoss: firstLoss, outputs: nil, path: path,
                                                   steps: .first, prepare: { _ in }, onIteration: { _, _ in })
                    if firstLoss == nil { firstLoss = result.loss.total }
                    pixels = result.pixels
                    try ClipWork.saveKeyframe(work, key, pixels: pixels, firstLoss: firstLoss!)
                }
                painter.previous = (pixels, grey)
                if key >= k { keys[key] = (pixels, grey) }
                if let firstMissing, key + 1 >= firstMissing { path = FramePainter.Path(from: grey) }
                return key < needed
            }
        }

        // The segment's frames, from its keyframe (or from the last frame it painted before it was stopped).
        var paintedHere = 0, stopped = false, done = resumed
        if resumed < range.upperBound && !keyframesOnly {
            try reader.forEachFrame { frame in
                if frame.index < max(range.lowerBound, resumed - 1) { return true }
                if frame.index >= range.upperBound { return false }
                let p = try pictures(frame)
                if frame.index < resumed {   // the last frame painted before: where the next starts
                    painter.previous = (try ClipCheckpoint.pixels(folder, frame: frame.index, count: p.optimisedCount),
                                        FramePainter.grey(p))
                    return true
                }
                if stopRequested { stopped = true; return false }
                let t = ContinuousClock.now
                let pixels: [Float], iterations: Int, flowSeconds: Double, loss: LossBreakdown?
                if frame.index == range.lowerBound {
                    (pixels, iterations, flowSeconds, loss) = (keys[k]!.pixels, 0, 0, nil)
                    painter.previous = keys[k]!
                } else {
                    let left = range.upperBound - frame.index   // 1 for the segment's last frame
                    let pull = keys[k + 1].flatMap { next in
                        left <= Self.pullFrames
                            ? FramePainter.Pull(pixels: next.pixels, grey: next.grey,
                                                share: Float(Self.pullFrames + 1 - left) / Float(Self.pullFrames))
                            : nil
                    }
                    let result = try painter.paint(p, index: frame.index, firstLoss: firstLoss, outputs: nil, pull: pull,
                                                   prepare: { _ in }, onIteration: { _, _ in })
                    (pixels, iterations, flowSeconds, loss) = (result.pixels, result.iterations, result.flowSeconds, result.loss)
                }
                let picture = p.picture(pixels)
                try ClipCheckpoint.save(folder, header: ClipCheckpointHeader(
                    settings: settings, digests: digests,
                    progress: ClipProgress(framesDone: frame.index + 1, firstLoss: firstLoss!, output: "")),
                    picture: picture, pixels: pixels)
                done = frame.index + 1
                paintedHere += 1
                try send(.frame(ClipFrameRecord(index: frame.index, count: range.upperBound, iterations: iterations,
                                                seconds: since(t), flowSeconds: flowSeconds,
                                                loss: loss ?? LossBreakdown(total: firstLoss!, style: 0, content: 0, tv: 0,
                                                                            styleLayers: []),
                                                elapsed: since(started), paintedHere: paintedHere, picture: picture)))
                return true
            }
        }
        let outcome = ClipOutcome(frames: done - range.lowerBound, paintedHere: paintedHere, stopped: stopped,
                                  seconds: since(started), clipFrames: range.count)
        try send(.finish(outcome))
        return outcome
    }

    private var stopRequested: Bool { runSwitch.stopRequested }

    private func send(_ event: ClipEvent) throws {
        for sink in sinks { try sink.receive(event) }
    }
}

extension Pictures {
    /// How many values a frame's optimised pixels hold (planar RGB at the photo's size, margin included).
    var optimisedCount: Int { 3 * content.width * content.height }
}
