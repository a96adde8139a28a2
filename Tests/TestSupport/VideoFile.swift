// VideoFile: reads a video back (codec, size, duration, every frame as RGB): how tests check what the writer made.

import CFFmpeg
import ImageFiles

/// A decoded video: its stream facts and its frames.
public struct DecodedVideo {
    public var codecName: String
    public var pixelFormat: String
    public var width: Int
    public var height: Int
    /// Duration of the stream in seconds, from the container.
    public var duration: Double
    public var frames: [RGBImage]
    /// The container's tags (title, comment, …).
    public var metadata: [String: String] = [:]
}

public enum VideoFile {
    /// Decodes every frame of the first stream of `path` to RGB (BT.709, as StyleLapse encodes).
    public static func read(_ path: String) throws -> DecodedVideo {
        let input = try FFmpegInput(path: path)
        let stream = input.stream
        let parameters = stream.pointee.codecpar!.pointee
        let codecName = String(cString: avcodec_get_name(parameters.codec_id))
        let pixelFormat = av_get_pix_fmt_name(AVPixelFormat(parameters.format)).map { String(cString: $0) } ?? "?"
        let timeBase = stream.pointee.time_base
        var duration = Double(stream.pointee.duration) * Double(timeBase.num) / Double(timeBase.den)
        if stream.pointee.duration == CFFmpeg_AV_NOPTS_VALUE() || stream.pointee.duration <= 0 {
            duration = Double(input.format!.pointee.duration) / Double(AV_TIME_BASE)
        }
        var frames: [RGBImage] = []
        try FFmpegDecoder(input: input).forEachFrame { frame in
            let rgb = try FFmpegPixels.packed(frame, as: AV_PIX_FMT_RGB24, bt709: true, path: path)
            frames.append(RGBImage(width: Int(frame.pointee.width), height: Int(frame.pointee.height), pixels: rgb))
            return true
        }
        var metadata: [String: String] = [:]
        var tag: UnsafeMutablePointer<AVDictionaryEntry>?
        while let entry = av_dict_get(input.format!.pointee.metadata, "", tag, AV_DICT_IGNORE_SUFFIX) {
            metadata[String(cString: entry.pointee.key)] = String(cString: entry.pointee.value)
            tag = entry
        }
        return DecodedVideo(codecName: codecName, pixelFormat: pixelFormat, width: Int(parameters.width),
                            height: Int(parameters.height), duration: duration, frames: frames, metadata: metadata)
    }
}
