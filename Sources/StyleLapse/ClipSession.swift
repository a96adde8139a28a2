// ClipSession: a clip painted frame by frame, frames streaming from the decoder to the encoder. The first frame is
// painted as `stylize` paints a photo (a StylizeSession: coarse-to-fine, its film); each later one starts from the
// painted frame before it warped by the optical flow (DIS, in OpticalFlow) and is pulled towards it by the temporal
// loss where the flow is consistent (Ruder, Dosovitskiy and Brox 2016), with fewer steps and an early stop.

import Engine
import Foundation
import ImageFiles
import Network
import Objective
import OpticalFlow
import Stylization
import Timelapse

/// One frame painted.
public struct ClipFrameRecord: Sendable {
    /// The frame (0 first) and the clip's frame count.
    public var index: Int, count: Int
    /// Optimiser steps this frame took.
    public var iterations: Int
    /// Seconds this frame took (flow and painting), and of them the flow's.
    public var seconds: Double, flowSeconds: Double
    /// The frame's best loss.
    public var loss: LossBreakdown
    /// Seconds since this session started, and the frames it painted in them.
    public var elapsed: Double, paintedHere: Int
    /// The painted frame.
    public var picture: RGBImage
}

/// How a painted clip ended.
public struct ClipOutcome: Sendable {
    /// Frames in the written clip, and of them the ones this session painted.
    public var frames: Int, paintedHere: Int
    /// True when a stop was asked for: the clip holds the frames painted until then.
    public var stopped: Bool
    /// Seconds this session took.
    public var seconds: Double
    /// The clip's frame count.
    public var clipFrames: Int

    /// Why the clip ended, in words (as `StylizeOutcome.stopReason` says a picture's): "frames: all 12 frames
    /// painted", "frames: the first 2 of 12 frames painted", "stopped: asked to stop, 5 of 12 frames in the clip".
    public var stopReason: String {
        stopped ? "stopped: asked to stop, \(frames) of \(clipFrames) frames in the clip"
            : frames < clipFrames ? "frames: the first \(frames) of \(clipFrames) frames painted"
            : "frames: all \(clipFrames) frames painted"
    }
}

public final class ClipSession {
    public let settings: ClipSettings
    public let info: ClipInfo
    /// The painted clip's path (.mp4, .webm, .gif, .webp, .apng).
    public let output: String
    /// Where progress is saved after every frame (nil: nowhere).
    public let checkpoint: String?
    /// How the painted clip is encoded (rate factor, speed); its timing and sound are the clip's.
    public var encoding = FilmEncoding()
    /// What the first frame's painting writes besides the clip (its film, say): a StylizeSession's outputs, without
    /// its picture.
    public let firstFrame: RunOutputs?
    /// Paint at most this many frames in all (nil: the whole clip); the checkpoint then continues with the rest.
    public var frameLimit: Int?
    /// The painted frames so far (a live page's scrubber reads them), kept when a sink wants them.
    public private(set) var frames: RunFrames?
    /// The flow's settings.
    public var flow = DISSettings()

    private let reader: ClipReader
    private let parallel: Parallel
    private let digests: [String]
    private let resumed: ClipCheckpointHeader?
    private let runSwitch = RunSwitch()
    private var sinks: [ClipSink] = []

    /// A new painting of `settings.clip` into `output`. Reads the clip through once (a bad clip is refused here, in
    /// one line naming it) and checks the settings, the weights and the outputs before any work.
    public convenience init(settings: ClipSettings, output: String, checkpoint: String?, firstFrame: RunOutputs? = nil,
                            threads: Int? = nil) throws {
        try self.init(settings: settings, output: output, checkpoint: checkpoint, firstFrame: firstFrame, resumed: nil,
                      threads: threads)
    }

    /// Continues the clip checkpointed in `folder` (into `output`, or where it was going). Refuses a clip or
    /// painting that changed since.
    public convenience init(resuming folder: String, output: String? = nil, threads: Int? = nil) throws {
        let header = try ClipCheckpoint.load(folder)
        try self.init(settings: header.settings, output: output ?? header.progress.output, checkpoint: folder,
                      firstFrame: nil, resumed: header, threads: threads)
    }

    private init(settings: ClipSettings, output: String, checkpoint: String?, firstFrame: RunOutputs?,
                 resumed: ClipCheckpointHeader?, threads: Int?) throws {
        try settings.check()
        guard VideoFormat(path: output) != nil else {
            throw ImageFileError(output, "is not a video name: end it in " + VideoFormat.extensions.map { "." + $0 }.joined(separator: ", "))
        }
        digests = try SessionInputs(
            paths: [settings.clip] + settings.painting.pictures.styles + settings.painting.pictures.masks.map(\.path),
            resumed: resumed?.digests, weights: settings.painting.weights).digests
        try firstFrame?.check()
        let films = (firstFrame?.places ?? []).filter { $0.role != .picture }
        try OutputPlaces.check([.video(output, .paintedClip)] + (checkpoint.map { [.clipCheckpoint($0)] } ?? []) + films,
                               inputs: [(settings.clip, .clip)] + settings.painting.pictures.styles.map { ($0, .style) }
                                   + settings.painting.pictures.masks + [(settings.painting.weights, .weights)])
        reader = try ClipReader(path: settings.clip)
        (self.settings, self.output, self.checkpoint, self.resumed) = (settings, output, checkpoint, resumed)
        self.firstFrame = firstFrame
        info = reader.info
        parallel = Parallel(workers: threads ?? System.activeProcessorCount)
    }

    /// Adds an observer; it receives every event from the next `run()` on.
    public func attach(_ sink: ClipSink) { sinks.append(sink) }

    /// Asks the run to stop once the frame being painted is done (safe from any thread).
    public func requestStop() { runSwitch.requestStop() }
    public var stopRequested: Bool { runSwitch.stopRequested }

    /// Paints the clip (or, resumed, the rest of it) and writes it; a stop leaves a playable clip of the frames so
    /// far. The output is written under a temporary name and renamed at the end: a failure leaves nothing under it.
    @discardableResult
    public func run() throws -> ClipOutcome {
        let started = ContinuousClock.now
        func since(_ t: ContinuousClock.Instant) -> Double { (ContinuousClock.now - t).seconds }
        if let checkpoint { try ClipCheckpoint.prepare(checkpoint) }
        var painter = FramePainter(settings: settings, flow: flow, parallel: parallel)
        var writer: TimelapseWriter?
        var base: Pictures?
        var firstLoss = resumed?.progress.firstLoss
        let done = resumed?.progress.framesDone ?? 0
        let limit = min(info.frameCount, frameLimit ?? .max)
        var painted = done, paintedHere = 0, stopped = false
        do {
            try reader.forEachFrame { frame in
                // The first frame reads the paintings and sizes everything; later ones only swap the photo.
                let first = try base ?? Pictures(settings.painting.pictures, photo: frame.picture)
                if base == nil { base = first }
                func pictures() -> Pictures {
                    frame.index == 0 ? first : first.replacingPhoto(frame.picture, settings.painting.pictures)
                }
                if frame.index < done {   // resumed: the checkpoint's frames go into the clip again
                    let picture = try ClipCheckpoint.picture(checkpoint!, frame: frame.index)
                    if writer == nil { writer = try openWriter(first: picture, pictures: first) }
                    try writer!.append(picture, timestamp: frame.timestamp)
                    if frame.index == done - 1 {   // where the next frame starts from
                        let pictures = pictures()
                        painter.previous = (try ClipCheckpoint.pixels(checkpoint!, frame: frame.index,
                                                                      count: 3 * pictures.content.width * pictures.content.height),
                                            FramePainter.grey(pictures))
                    }
                    return true
                }
                if frame.index >= limit { return false }
                if stopRequested { stopped = true; return false }
                let pictures = pictures()
                let t = ContinuousClock.now
                let result = try painter.paint(pictures, index: frame.index, firstLoss: firstLoss,
                                               outputs: frame.index == 0 ? firstFrame : nil,
                                               prepare: { [unowned self] session in
                                                   try send(.session(frame: frame.index, session))
                                               },
                                               onIteration: { [unowned self] record, x in
                                                   try send(.iteration(frame: frame.index, record, picture: { pictures.picture(x) }))
                                               })
                if firstLoss == nil { firstLoss = result.loss.total }
                let picture = pictures.picture(result.pixels)
                if writer == nil { writer = try openWriter(first: picture, pictures: pictures) }
                try writer!.append(picture, timestamp: frame.timestamp)
                if sinks.contains(where: \.wantsFrames) {
                    if frames == nil { frames = try RunFrames(width: picture.width, height: picture.height) }
                    _ = try frames!.append(picture, iteration: frame.index, record: nil)
                }
                painted = frame.index + 1
                paintedHere += 1
                if let checkpoint {
                    try ClipCheckpoint.save(checkpoint, header: ClipCheckpointHeader(
                        settings: settings, digests: digests,
                        progress: ClipProgress(framesDone: painted, firstLoss: firstLoss!, output: output)),
                        picture: picture, pixels: result.pixels)
                }
                try send(.frame(ClipFrameRecord(index: frame.index, count: info.frameCount, iterations: result.iterations,
                                                seconds: since(t), flowSeconds: result.flowSeconds, loss: result.loss,
                                                elapsed: since(started), paintedHere: paintedHere, picture: picture)))
                return true
            }
            try writer?.finish(soundToTheEnd: painted == info.frameCount)   // a part of the clip: the sound of its frames
            let outcome = ClipOutcome(frames: painted, paintedHere: paintedHere, stopped: stopped, seconds: since(started),
                                      clipFrames: info.frameCount)
            try send(.finish(outcome))
            return outcome
        } catch {
            writer?.cancel()
            sinks.forEach { $0.abandon() }
            throw error
        }
    }

    private func send(_ event: ClipEvent) throws {
        for sink in sinks { try sink.receive(event) }
    }

    /// The painted clip's writer.
    private func openWriter(first: RGBImage, pictures: Pictures) throws -> TimelapseWriter {
        try Self.openWriter(path: output, clip: settings.clip, info: info, encoding: encoding, first: first,
                            paintings: pictures.styles)
    }

    /// A painted clip's writer (one process's or the segments' join): the clip's time base and sound, a GIF's
    /// palette from the first painted frame and the paintings.
    static func openWriter(path: String, clip: String, info: ClipInfo, encoding: FilmEncoding, first: RGBImage,
                           paintings: [RGBImage]) throws -> TimelapseWriter {
        var s = encoding
        s.timeBase = info.timeBase
        s.fps = max(1, min(240, Int(info.frameRate.rounded())))
        if VideoFormat(path: path) == .gif { s.palette = Palette(pictures: [first] + paintings) }
        if info.audioCodec != nil && TimelapseWriter.canCarrySound(of: clip, in: path) {
            (s.audioFrom, s.audioStart) = (clip, info.start)
        }
        return try TimelapseWriter(path: path, width: first.width, height: first.height, settings: s)
    }

    /// The clip's first frame, upright, as decoded (a live page's thumbnail).
    public func firstPicture() throws -> RGBImage {
        var first: RGBImage?
        try reader.forEachFrame { first = $0.picture; return false }
        return first!
    }

    /// Whether the painted clip will carry the clip's sound (false: it has none, or the container cannot take it).
    public var carriesSound: Bool {
        info.audioCodec != nil && TimelapseWriter.canCarrySound(of: settings.clip, in: output)
    }
}

