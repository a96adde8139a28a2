// FFmpegError: FFmpeg's negative return codes turned into thrown errors in one place, and its log silenced.

import CFFmpeg
import Foundation

/// Turns FFmpeg return codes into Swift errors; shared by the image decoder and the film's encoder.
public enum FFmpeg {
    /// FFmpeg's library log goes to stderr by default; StyleLapse reports errors itself, in one line.
    /// Setting STYLELAPSE_FFMPEG_LOG=1 in the environment keeps FFmpeg's own messages, for debugging.
    public static let quietLog: Void = {
        av_log_set_level(getenv("STYLELAPSE_FFMPEG_LOG") == nil ? AV_LOG_QUIET : AV_LOG_DEBUG)
    }()

    /// The text of an FFmpeg error code.
    public static func describe(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        CFFmpeg_strerror(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Returns `code` when it is not negative; otherwise throws an error naming `path` and the step `what`.
    @discardableResult
    public static func check(_ code: Int32, _ what: String, path: String) throws -> Int32 {
        guard code < 0 else { return code }
        throw ImageFileError(path, "\(what) failed: \(describe(code))")
    }

    public static let eagain = CFFmpeg_AVERROR_EAGAIN()
    public static let eof = CFFmpeg_AVERROR_EOF()
}
