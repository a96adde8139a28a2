// VideoFormat: the film's file formats, chosen by the file name's extension — each a muxer, an encoder and the
// pixel layout that encoder takes.

import CFFmpeg
import ImageFiles

/// A film's container and codec.
public enum VideoFormat: String, CaseIterable, Sendable {
    /// H.264 (libx264; FFmpeg's mpeg4 when libx264 is absent) in MP4.
    case mp4
    /// VP9 (libvpx) in WebM.
    case webm
    /// GIF with a palette made for the film, ordered dithering, looping.
    case gif
    /// Animated WebP (libwebp), looping.
    case webp
    /// Animated PNG: lossless, looping.
    case apng

    /// The format a file name's extension names (`.png` is not a film: `.apng`).
    public init?(path: String) {
        let ext = path.split(separator: "/").last.flatMap { $0.contains(".") ? $0.split(separator: ".").last : nil }
        guard let ext, let format = VideoFormat(rawValue: ext.lowercased()) else { return nil }
        self = format
    }

    /// The extensions of every format.
    public static var extensions: [String] { allCases.map(\.rawValue) }

    var muxer: String { self == .webp ? "webp" : rawValue }

    /// The encoders to try, best first.
    var encoders: [String] {
        switch self {
        case .mp4: ["libx264", "mpeg4"]
        case .webm: ["libvpx-vp9"]
        case .gif: ["gif"]
        case .webp: ["libwebp_anim"]
        case .apng: ["apng"]
        }
    }

    /// The pixel layout frames are converted to.
    var pixelFormat: AVPixelFormat {
        switch self {
        case .mp4, .webm, .webp: AV_PIX_FMT_YUV420P
        case .gif: AV_PIX_FMT_PAL8
        case .apng: AV_PIX_FMT_RGB24
        }
    }

    /// The encoder libavcodec has for this format; throws naming what is missing.
    func encoder(preferH264: Bool = true, path: String) throws -> UnsafePointer<AVCodec> {
        _ = FFmpeg.quietLog
        let names = self == .mp4 && !preferH264 ? ["mpeg4"] : encoders
        for name in names { if let codec = avcodec_find_encoder_by_name(name) { return codec } }
        throw ImageFileError(path, "this libavcodec has no \(names.joined(separator: " or ")) encoder for .\(rawValue); "
            + "write " + VideoFormat.allCases.filter { $0 != self && $0.available }.map { "." + $0.rawValue }
                .joined(separator: ", ") + " instead")
    }

    /// Whether libavcodec can write this format here.
    public var available: Bool { encoders.contains { avcodec_find_encoder_by_name($0) != nil } }

    /// Throws, naming the missing encoder, when libavcodec cannot write this format.
    public func requireEncoder(path: String) throws { _ = try encoder(path: path) }
}
