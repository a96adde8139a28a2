// AudioCopy: a painted clip's sound, its packets copied unchanged from the input file into the output beside the
// painted frames, interleaved by time (each video frame is preceded by the sound up to its time).

import CFFmpeg
import Foundation
import ImageFiles

/// Copies the first audio stream of a file into a muxer being written.
final class AudioCopy {
    private let input: FFmpegInput
    private let sourceIndex: Int32
    private let stream: UnsafeMutablePointer<AVStream>
    private let sourceTimeBase: AVRational
    /// Subtracted from every packet's timestamps (source time base): the source time that lands at 0.
    private let offset: Int64
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var pending = false
    private var ended = false
    private let path: String

    /// Adds the output stream to `muxer` (before its header). Throws when `source` has no audio the container takes.
    init(from source: String, into muxer: UnsafeMutablePointer<AVFormatContext>, start: Double, path: String) throws {
        self.path = path
        input = try FFmpegInput(path: source)
        let index = av_find_best_stream(input.format, AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0)
        guard index >= 0 else { throw ImageFileError(source, "has no audio stream") }
        sourceIndex = index
        let from = input.stream(Int(index))
        let codec = from.pointee.codecpar.pointee.codec_id
        guard avformat_query_codec(muxer.pointee.oformat, codec, FF_COMPLIANCE_NORMAL) == 1 else {
            throw ImageFileError(path, "cannot hold the clip's \(String(cString: avcodec_get_name(codec))) sound")
        }
        guard let s = avformat_new_stream(muxer, nil), let p = av_packet_alloc() else {
            throw ImageFileError(path, "out of memory setting up the sound")
        }
        stream = s
        packet = p
        try FFmpeg.check(avcodec_parameters_copy(s.pointee.codecpar, from.pointee.codecpar), "copying the sound", path: path)
        s.pointee.codecpar.pointee.codec_tag = 0
        s.pointee.time_base = from.pointee.time_base
        sourceTimeBase = from.pointee.time_base
        offset = Int64((start * Double(sourceTimeBase.den) / Double(sourceTimeBase.num)).rounded())
    }

    /// Whether `muxer`'s container takes `source`'s first audio stream (false when there is none).
    static func fits(_ source: String, _ format: VideoFormat) -> Bool {
        guard let input = try? FFmpegInput(path: source) else { return false }
        let index = av_find_best_stream(input.format, AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0)
        guard index >= 0, let oformat = av_guess_format(format.muxer, nil, nil) else { return false }
        return avformat_query_codec(oformat, input.stream(Int(index)).pointee.codecpar.pointee.codec_id,
                                    FF_COMPLIANCE_NORMAL) == 1
    }

    /// Writes the sound's packets that start before `limit` (in `timeBase`), in order.
    func copy(upTo limit: Int64, timeBase: AVRational, muxer: UnsafeMutablePointer<AVFormatContext>) throws {
        while !ended {
            if !pending {
                let read = av_read_frame(input.format, packet)
                if read == FFmpeg.eof { ended = true; return }
                if read < 0 { ended = true; return }   // a damaged tail of sound ends the sound, not the clip
                if packet!.pointee.stream_index != sourceIndex { av_packet_unref(packet); continue }
                pending = true
            }
            let p = packet!
            let t = p.pointee.pts == CFFmpeg_AV_NOPTS_VALUE() ? p.pointee.dts : p.pointee.pts
            if limit != .max && av_compare_ts(t - offset, sourceTimeBase, limit, timeBase) > 0 { return }
            pending = false
            if t - offset + max(p.pointee.duration, 0) <= 0 { av_packet_unref(p); continue }   // before the video starts
            p.pointee.pts = p.pointee.pts == CFFmpeg_AV_NOPTS_VALUE() ? p.pointee.pts : p.pointee.pts - offset
            p.pointee.dts = p.pointee.dts == CFFmpeg_AV_NOPTS_VALUE() ? p.pointee.dts : p.pointee.dts - offset
            av_packet_rescale_ts(p, sourceTimeBase, stream.pointee.time_base)
            p.pointee.stream_index = stream.pointee.index
            p.pointee.pos = -1
            try FFmpeg.check(av_interleaved_write_frame(muxer, p), "writing the sound", path: path)
        }
    }

    deinit { av_packet_free(&packet) }
}
