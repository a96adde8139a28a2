// FFmpegJPEGEncoder: 8-bit RGB pictures as baseline JPEG (JFIF) through libavcodec's MJPEG encoder: full-range
// BT.601 YCbCr, 4:4:4 (no chroma subsampling: painted edges stay crisp), quality 1…100 mapped to its quantiser.

import CFFmpeg

enum FFmpegJPEGEncoder {
    /// The JPEG file's bytes of `image` at `quality` (1…100; 100 is the finest quantiser).
    static func encode(_ image: RGBImage, quality: Int, path: String) throws -> [UInt8] {
        _ = FFmpeg.quietLog
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG) else {
            throw ImageFileError(path, "libavcodec has no JPEG encoder")
        }
        let (w, h) = (image.width, image.height)
        var context = avcodec_alloc_context3(codec)
        var frame = av_frame_alloc()
        var packet = av_packet_alloc()
        defer { avcodec_free_context(&context); av_frame_free(&frame); av_packet_free(&packet) }
        guard let ctx = context, let frame, let packet else { throw ImageFileError(path, "out of memory encoding") }
        ctx.pointee.width = Int32(w)
        ctx.pointee.height = Int32(h)
        ctx.pointee.pix_fmt = AV_PIX_FMT_YUVJ444P
        ctx.pointee.color_range = AVCOL_RANGE_JPEG
        ctx.pointee.time_base = AVRational(num: 1, den: 1)
        // MJPEG's quantiser scale runs 1 (finest) … 31; quality 100 → 1, 1 → 31.
        let q = 1 + (100 - min(max(quality, 1), 100)) * 30 / 99
        ctx.pointee.flags |= Int32(AV_CODEC_FLAG_QSCALE)
        ctx.pointee.qmin = Int32(q)
        ctx.pointee.qmax = Int32(q)
        ctx.pointee.global_quality = Int32(FF_QP2LAMBDA) * Int32(q)
        try FFmpeg.check(avcodec_open2(ctx, codec, nil), "opening the JPEG encoder", path: path)
        frame.pointee.format = AV_PIX_FMT_YUVJ444P.rawValue
        frame.pointee.width = Int32(w)
        frame.pointee.height = Int32(h)
        frame.pointee.quality = ctx.pointee.global_quality
        try FFmpeg.check(av_frame_get_buffer(frame, 0), "allocating a frame", path: path)
        guard let scaler = sws_getContext(Int32(w), Int32(h), AV_PIX_FMT_RGB24, Int32(w), Int32(h), AV_PIX_FMT_YUVJ444P,
                                          SWS_BICUBIC, nil, nil, nil) else {
            throw ImageFileError(path, "cannot convert the picture for JPEG")
        }
        defer { sws_freeContext(scaler) }
        _ = CFFmpeg_set_jfif(scaler)
        let source = image.pixels + [UInt8](repeating: 0, count: 64)   // the slack FFmpeg.scale needs
        source.withUnsafeBufferPointer { FFmpeg.scale(scaler, rgb: $0, width: w, height: h, into: frame) }
        try FFmpeg.check(avcodec_send_frame(ctx, frame), "JPEG encoding", path: path)
        try FFmpeg.check(avcodec_send_frame(ctx, nil), "JPEG encoding", path: path)
        try FFmpeg.check(avcodec_receive_packet(ctx, packet), "JPEG encoding", path: path)
        defer { av_packet_unref(packet) }
        return Array(UnsafeBufferPointer(start: packet.pointee.data, count: Int(packet.pointee.size)))
    }
}
