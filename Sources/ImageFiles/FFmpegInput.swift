// FFmpegInput / FFmpegDecoder / FFmpegPixels: one owner per FFmpeg object on the reading side (demuxer + custom
// memory IO, decoder), and frame-to-packed-pixel conversion. Shared by still images and by reading videos back.

import CFFmpeg
import Foundation

/// Owns an AVFormatContext reading a file by path, or bytes in memory through a custom AVIOContext.
package final class FFmpegInput {
    package private(set) var format: UnsafeMutablePointer<AVFormatContext>?
    private var io: UnsafeMutablePointer<AVIOContext>?
    private let source: MemorySource?
    package let path: String

    /// Opens the file at `path`, letting libavformat probe its contents.
    package init(path: String) throws {
        _ = FFmpeg.quietLog
        self.path = path
        source = nil
        try FFmpeg.check(avformat_open_input(&format, path, nil, nil), "opening", path: path)
        try FFmpeg.check(avformat_find_stream_info(format, nil), "reading stream information", path: path)
        try checkStream()
    }

    /// Opens `bytes` with the named demuxer (e.g. "jpeg_pipe"). `path` is only for messages.
    package init(bytes: [UInt8], demuxer: String, path: String) throws {
        _ = FFmpeg.quietLog
        self.path = path
        let source = MemorySource(bytes)
        self.source = source
        let bufferSize = 1 << 16
        guard let buffer = av_malloc(bufferSize) else { throw ImageFileError(path, "out of memory opening the decoder") }
        io = avio_alloc_context(buffer.assumingMemoryBound(to: UInt8.self), Int32(bufferSize), 0,
                                Unmanaged.passUnretained(source).toOpaque(), MemorySource.read, nil, MemorySource.seek)
        format = avformat_alloc_context()
        guard let io, let ctx = format else {
            av_free(buffer)
            throw ImageFileError(path, "out of memory opening the decoder")
        }
        ctx.pointee.pb = io
        ctx.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        // On failure avformat_open_input frees the context and sets it to nil; deinit then frees only the IO.
        try FFmpeg.check(avformat_open_input(&format, nil, av_find_input_format(demuxer), nil), "opening", path: path)
        try checkStream()
    }

    private func checkStream() throws {
        guard let ctx = format, ctx.pointee.nb_streams > 0 else { throw ImageFileError(path, "no picture in file") }
    }

    /// The first stream (image files and StyleLapse's videos have one).
    package var stream: UnsafeMutablePointer<AVStream> { format!.pointee.streams[0]! }

    /// The stream at `index`.
    package func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> { format!.pointee.streams[index]! }

    deinit {
        avformat_close_input(&format)
        if let io { av_freep(&io.pointee.buffer) }
        avio_context_free(&io)
    }
}

/// The bytes of an image file, served to libavformat through a read callback.
private final class MemorySource {
    let bytes: [UInt8]
    var position = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// AVIOContext read callback: copies up to `size` bytes; AVERROR_EOF at the end.
    static let read: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, Int32) -> Int32 = {
        opaque, buffer, size in
        let source = Unmanaged<MemorySource>.fromOpaque(opaque!).takeUnretainedValue()
        let n = min(Int(size), source.bytes.count - source.position)
        if n <= 0 { return FFmpeg.eof }
        source.bytes.withUnsafeBufferPointer { buffer!.update(from: $0.baseAddress! + source.position, count: n) }
        source.position += n
        return Int32(n)
    }

    /// AVIOContext seek callback. The image pipe demuxers ask for the size (AVSEEK_SIZE) to read a whole file as one
    /// packet; without it they fail with "Invalid data".
    static let seek: @convention(c) (UnsafeMutableRawPointer?, Int64, Int32) -> Int64 = { opaque, offset, whence in
        let source = Unmanaged<MemorySource>.fromOpaque(opaque!).takeUnretainedValue()
        let count = Int64(source.bytes.count)
        let target: Int64
        switch whence & ~AVSEEK_FORCE {
        case AVSEEK_SIZE: return count
        case SEEK_SET: target = offset
        case SEEK_CUR: target = Int64(source.position) + offset
        case SEEK_END: target = count + offset
        default: return -1
        }
        guard target >= 0 && target <= count else { return -1 }
        source.position = Int(target)
        return target
    }
}

/// Owns an AVCodecContext decoding one stream of an input (the first unless told).
package final class FFmpegDecoder {
    private var context: UnsafeMutablePointer<AVCodecContext>?
    private let input: FFmpegInput
    private let streamIndex: Int32

    /// `maxPixels` makes the decoder refuse to allocate a larger frame.
    package init(input: FFmpegInput, stream: Int = 0, maxPixels: Int = Int(Int32.max)) throws {
        self.input = input
        streamIndex = Int32(stream)
        let path = input.path
        let parameters = input.stream(stream).pointee.codecpar!
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw ImageFileError(path, "no decoder for this picture")
        }
        context = avcodec_alloc_context3(codec)
        guard let ctx = context else { throw ImageFileError(path, "out of memory opening the decoder") }
        try FFmpeg.check(avcodec_parameters_to_context(ctx, parameters), "decoder set-up", path: path)
        ctx.pointee.max_pixels = Int64(maxPixels)
        // Damaged data is an error, not a concealed half-gray picture.
        ctx.pointee.err_recognition = AV_EF_CRCCHECK | AV_EF_BITSTREAM | AV_EF_BUFFER | AV_EF_EXPLODE
        ctx.pointee.thread_count = 1
        try FFmpeg.check(avcodec_open2(ctx, codec, nil), "opening the decoder", path: path)
    }

    /// Calls `body` with each decoded frame, in order, until it returns false or the input ends (then the decoder
    /// is flushed). The frame is only valid during the call.
    package func forEachFrame(_ body: (UnsafeMutablePointer<AVFrame>) throws -> Bool) throws {
        let path = input.path
        var packetOwner = av_packet_alloc()
        var frameOwner = av_frame_alloc()
        defer { av_packet_free(&packetOwner); av_frame_free(&frameOwner) }
        guard let packet = packetOwner, let frame = frameOwner else { throw ImageFileError(path, "out of memory decoding") }
        var draining = false
        while true {
            let got = avcodec_receive_frame(context, frame)
            if got == 0 {
                defer { av_frame_unref(frame) }
                if try !body(frame) { return }
                continue
            }
            if got == FFmpeg.eof { return }
            if got != FFmpeg.eagain { try FFmpeg.check(got, "decoding", path: path) }
            if draining { return }
            let read = av_read_frame(input.format, packet)
            if read == FFmpeg.eof {
                draining = true
                try FFmpeg.check(avcodec_send_packet(context, nil), "decoding", path: path)
                continue
            }
            try FFmpeg.check(read, "reading", path: path)
            defer { av_packet_unref(packet) }
            if packet.pointee.stream_index != streamIndex { continue }
            try FFmpeg.check(avcodec_send_packet(context, packet), "decoding", path: path)
        }
    }

    deinit { avcodec_free_context(&context) }
}

/// Converting decoded frames to packed pixels with libswscale.
package enum FFmpegPixels {
    /// The frame's pixels as packed `pixelFormat` (RGBA or RGB24), tightly packed rows. YUV input is read with its
    /// own range and, when `bt709` is set, with the BT.709 matrix (StyleLapse's videos); otherwise libswscale's
    /// default (BT.601, as JPEG uses).
    package static func packed(_ frame: UnsafeMutablePointer<AVFrame>, as pixelFormat: AVPixelFormat,
                               bt709: Bool = false, path: String) throws -> [UInt8] {
        let w = Int(frame.pointee.width), h = Int(frame.pointee.height)
        let bytesPerPixel = pixelFormat == AV_PIX_FMT_RGBA ? 4 : 3
        guard let sws = sws_getContext(Int32(w), Int32(h), AVPixelFormat(frame.pointee.format), Int32(w), Int32(h),
                                       pixelFormat, SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT,
                                       nil, nil, nil) else {
            throw ImageFileError(path, "unsupported pixel format \(frame.pointee.format)")
        }
        defer { sws_freeContext(sws) }
        if bt709 {
            let fullRange: Int32 = frame.pointee.color_range == AVCOL_RANGE_JPEG ? 1 : 0
            _ = CFFmpeg_set_bt709(sws, fullRange, 1)
        }
        var out = [UInt8](repeating: 0, count: w * h * bytesPerPixel)
        let rows = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var dst: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, nil, nil, nil]
            var stride: [Int32] = [Int32(w * bytesPerPixel), 0, 0, 0]
            return withUnsafePointer(to: &frame.pointee.data) { data in
                withUnsafePointer(to: &frame.pointee.linesize) { lines in
                    data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { d in
                        lines.withMemoryRebound(to: Int32.self, capacity: 8) { l in
                            sws_scale(sws, d, l, 0, Int32(h), &dst, &stride)
                        }
                    }
                }
            }
        }
        guard rows == Int32(h) else { throw ImageFileError(path, "pixel conversion failed") }
        return out
    }
}
