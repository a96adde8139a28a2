// ClipReader: a video clip read frame by frame (FFmpeg), each frame as upright RGB with its timestamp. Opening it
// decodes the whole clip once without keeping anything, so a damaged or truncated file, a file with no video, or
// one with no frames is refused before any work, and the frame count is known for progress.

import CFFmpeg
import Foundation

/// What a clip is: its picture's size (upright), frames, timing and sound.
public struct ClipInfo: Sendable {
    /// The frames' size once turned upright (the rotation applied).
    public var width: Int, height: Int
    /// Decoded frames in the clip.
    public var frameCount: Int
    /// The video stream's time base, as a fraction (timestamps count in units of num/den seconds).
    public var timeBase: (num: Int32, den: Int32)
    /// The average frame rate (frames per second).
    public var frameRate: Double
    /// From the first frame's start to the last frame's end, in seconds.
    public var duration: Double
    /// The first frame's time in the file, in seconds (where the sound is cut to start with the pictures).
    public var start: Double
    /// The clockwise turn the file asks players to apply (0, 90, 180, 270), already applied to the frames.
    public var rotation: Int
    /// The decoder's name ("h264", "vp9" …) and the stored pixel format ("yuv420p10le" …).
    public var codec: String, pixelFormat: String
    /// The first audio stream's codec name, when there is one.
    public var audioCodec: String?
}

/// One decoded frame: its place, its time and its picture.
public struct ClipFrame: Sendable {
    /// 0 for the first frame.
    public var index: Int
    /// The presentation time in the stream's time base, the first frame at 0.
    public var timestamp: Int64
    /// How long the frame shows, in the same units (0 when the file does not say).
    public var duration: Int64
    /// The time in seconds from the first frame.
    public var seconds: Double
    public var picture: RGBImage
}

/// Reads a clip's video stream (the "best" one, as ffmpeg picks it).
public final class ClipReader {
    public let path: String
    public let info: ClipInfo
    let streamIndex: Int
    let audioIndex: Int?
    /// The stream's time base and the first frame's timestamp (subtracted from every frame's).
    private let firstTimestamp: Int64

    /// Opens `path` and decodes it once to check it. Throws `ImageFileError` naming the file: not a video, no video
    /// stream, a still picture, no frames, or damaged or cut short.
    public init(path: String) throws {
        self.path = path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ImageFileError(path, "no such file")
        }
        guard !isFolder.boolValue else { throw ImageFileError(path, "is a folder, not a video") }
        let input: FFmpegInput
        do { input = try FFmpegInput(path: path) } catch let error as ImageFileError {
            // Opened, but no stream could be read: a video container with no frames in it (or none readable).
            if error.problem.hasPrefix("reading stream information") { throw ImageFileError(path, "has no frames FFmpeg can read") }
            if error.problem == "no picture in file" { throw ImageFileError(path, "has no video stream (it holds no streams)") }
            throw ImageFileError(path, "is not a video FFmpeg can read")
        }
        let format = input.format!
        let best = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        guard best >= 0 else { throw ImageFileError(path, "has no video stream") }
        let demuxer = String(cString: format.pointee.iformat.pointee.name)
        if demuxer.hasSuffix("_pipe") || demuxer == "image2" || demuxer.hasSuffix("_pipe,") {
            throw ImageFileError(path, "is a still picture, not a video: paint it as a picture, not a clip")
        }
        streamIndex = Int(best)
        let audio = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, best, nil, 0)
        audioIndex = audio >= 0 ? Int(audio) : nil
        let stream = input.stream(streamIndex)
        let parameters = stream.pointee.codecpar.pointee
        let rotation = Self.rotation(stream)
        var count = 0, first: Int64?, last: Int64 = 0, lastDuration: Int64 = 0
        do {
            try FFmpegDecoder(input: input, stream: streamIndex).forEachFrame { frame in
                let t = Self.timestamp(frame)
                if first == nil { first = t }
                last = max(last, t)
                lastDuration = frame.pointee.pkt_duration
                count += 1
                return true
            }
        } catch {
            throw ImageFileError(path, "is damaged or cut short (after \(count) frames it reads: \(Self.reason(error)))")
        }
        guard count > 0 else { throw ImageFileError(path, "has a video stream with no frames") }
        let promised = Int(stream.pointee.nb_frames)
        if promised > 0 && count < promised {
            throw ImageFileError(path, "is cut short: \(count) of its \(promised) frames can be read")
        }
        firstTimestamp = first ?? 0
        let tb = stream.pointee.time_base
        let rate = stream.pointee.avg_frame_rate.den > 0 && stream.pointee.avg_frame_rate.num > 0
            ? Double(stream.pointee.avg_frame_rate.num) / Double(stream.pointee.avg_frame_rate.den) : 25
        if lastDuration <= 0 { lastDuration = Int64((Double(tb.den) / Double(tb.num) / rate).rounded()) }
        let seconds = Double(last - firstTimestamp + lastDuration) * Double(tb.num) / Double(tb.den)
        let turned = rotation == 90 || rotation == 270
        let (w, h) = (Int(parameters.width), Int(parameters.height))
        info = ClipInfo(
            width: turned ? h : w, height: turned ? w : h, frameCount: count, timeBase: (tb.num, tb.den),
            frameRate: rate, duration: seconds,
            start: Double(firstTimestamp) * Double(tb.num) / Double(tb.den), rotation: rotation,
            codec: String(cString: avcodec_get_name(parameters.codec_id)),
            pixelFormat: av_get_pix_fmt_name(AVPixelFormat(parameters.format)).map { String(cString: $0) } ?? "?",
            audioCodec: audioIndex.map { String(cString: avcodec_get_name(input.stream($0).pointee.codecpar.pointee.codec_id)) })
    }

    /// Decodes the clip from the start, calling `body` with each frame (upright RGB) in order until it returns
    /// false. Frames before `from` are decoded but not converted.
    public func forEachFrame(from: Int = 0, _ body: (ClipFrame) throws -> Bool) throws {
        let input = try FFmpegInput(path: path)
        let tb = info.timeBase
        var index = 0
        let quarter = [0: 1, 90: 6, 180: 3, 270: 8][info.rotation] ?? 1
        try FFmpegDecoder(input: input, stream: streamIndex).forEachFrame { frame in
            defer { index += 1 }
            guard index >= from else { return true }
            let t = Self.timestamp(frame) - firstTimestamp
            let colour709 = frame.pointee.colorspace == AVCOL_SPC_BT709
                || (frame.pointee.colorspace == AVCOL_SPC_UNSPECIFIED && frame.pointee.height >= 720)
            let rgb = try FFmpegPixels.packed(frame, as: AV_PIX_FMT_RGB24, bt709: colour709, path: path)
            let picture = RGBImage(width: Int(frame.pointee.width), height: Int(frame.pointee.height), pixels: rgb)
                .oriented(quarter)
            return try body(ClipFrame(index: index, timestamp: t, duration: frame.pointee.pkt_duration,
                                      seconds: Double(t) * Double(tb.num) / Double(tb.den), picture: picture))
        }
    }

    /// The frame's presentation time: its best-effort timestamp (the decoder's guess when the file has none).
    private static func timestamp(_ frame: UnsafeMutablePointer<AVFrame>) -> Int64 {
        let t = frame.pointee.best_effort_timestamp
        return t == CFFmpeg_AV_NOPTS_VALUE() ? frame.pointee.pts : t
    }

    /// The clockwise rotation of the stream's display matrix, rounded to a quarter turn.
    private static func rotation(_ stream: UnsafeMutablePointer<AVStream>) -> Int {
        var size: Int = 0
        guard let data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size), size >= 36 else { return 0 }
        let counterClockwise = data.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
        guard counterClockwise.isFinite else { return 0 }
        let clockwise = Int((-counterClockwise / 90).rounded()) * 90
        return ((clockwise % 360) + 360) % 360
    }

    private static func reason(_ error: Error) -> String {
        guard let e = error as? ImageFileError else { return "\(error)" }
        return e.problem
    }
}
