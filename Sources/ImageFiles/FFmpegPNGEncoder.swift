// FFmpegPNGEncoder: 16-bit PNGs with sRGB-encoded samples. libpng's simplified API can only write 16-bit data as
// linear light (gAMA 1.0), which viewers that ignore gAMA show too dark and which libpng itself reads back with
// errors of several levels in the shadows; FFmpeg's PNG encoder writes rgb48 samples as they are.

import CFFmpeg

enum FFmpegPNGEncoder {
    /// Encodes 16-bit sRGB-encoded RGB samples (R, G, B interleaved) as a PNG file's bytes.
    static func encode16(width: Int, height: Int, samples: [UInt16], path: String) throws -> [UInt8] {
        _ = FFmpeg.quietLog
        precondition(samples.count == width * height * 3)
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_PNG) else {
            throw ImageFileError(path, "libavcodec has no PNG encoder")
        }
        var context = avcodec_alloc_context3(codec)
        var frame = av_frame_alloc()
        var packet = av_packet_alloc()
        defer { avcodec_free_context(&context); av_frame_free(&frame); av_packet_free(&packet) }
        guard let ctx = context, let frame, let packet else { throw ImageFileError(path, "out of memory encoding") }
        ctx.pointee.width = Int32(width)
        ctx.pointee.height = Int32(height)
        ctx.pointee.pix_fmt = AV_PIX_FMT_RGB48BE
        ctx.pointee.time_base = AVRational(num: 1, den: 1)
        try FFmpeg.check(avcodec_open2(ctx, codec, nil), "opening the PNG encoder", path: path)
        frame.pointee.format = AV_PIX_FMT_RGB48BE.rawValue
        frame.pointee.width = Int32(width)
        frame.pointee.height = Int32(height)
        try FFmpeg.check(av_frame_get_buffer(frame, 0), "allocating a frame", path: path)
        let stride = Int(frame.pointee.linesize.0)
        let bigEndian = samples.map { $0.bigEndian }   // rgb48be: the only 16-bit RGB layout the encoder takes
        bigEndian.withUnsafeBytes { src in
            for y in 0..<height {
                (frame.pointee.data.0! + y * stride).update(
                    from: src.baseAddress!.assumingMemoryBound(to: UInt8.self) + y * width * 6, count: width * 6)
            }
        }
        try FFmpeg.check(avcodec_send_frame(ctx, frame), "PNG encoding", path: path)
        try FFmpeg.check(avcodec_send_frame(ctx, nil), "PNG encoding", path: path)
        try FFmpeg.check(avcodec_receive_packet(ctx, packet), "PNG encoding", path: path)
        defer { av_packet_unref(packet) }
        return Array(UnsafeBufferPointer(start: packet.pointee.data, count: Int(packet.pointee.size)))
    }
}
