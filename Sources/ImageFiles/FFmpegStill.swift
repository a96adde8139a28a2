// FFmpegStill: one picture through a libavcodec encoder, the steps the PNG, JPEG and WebP writers share: open the
// encoder, fill one frame, send it, flush, take the one packet.

import CFFmpeg

enum FFmpegStill {
    /// The bytes of one `width`×`height` picture in `format` encoded by `codec` (`what` names it in errors).
    /// `configure` sets the encoder's context before it opens; `fill` writes the frame's planes.
    static func encode(_ codec: UnsafePointer<AVCodec>?, what: String, width: Int, height: Int, format: AVPixelFormat,
                       options: [String: String] = [:], path: String,
                       configure: (UnsafeMutablePointer<AVCodecContext>) -> Void = { _ in },
                       fill: (UnsafeMutablePointer<AVFrame>) -> Void) throws -> [UInt8] {
        _ = FFmpeg.quietLog
        guard let codec else { throw ImageFileError(path, "this libavcodec has no \(what) encoder") }
        var context = avcodec_alloc_context3(codec)
        var frame = av_frame_alloc()
        var packet = av_packet_alloc()
        var dictionary: OpaquePointer?
        defer { avcodec_free_context(&context); av_frame_free(&frame); av_packet_free(&packet); av_dict_free(&dictionary) }
        guard let ctx = context, let frame, let packet else { throw ImageFileError(path, "out of memory encoding") }
        ctx.pointee.width = Int32(width)
        ctx.pointee.height = Int32(height)
        ctx.pointee.pix_fmt = format
        ctx.pointee.time_base = AVRational(num: 1, den: 1)
        configure(ctx)
        for (key, value) in options { av_dict_set(&dictionary, key, value, 0) }
        try FFmpeg.check(avcodec_open2(ctx, codec, &dictionary), "opening the \(what) encoder", path: path)
        frame.pointee.format = format.rawValue
        frame.pointee.width = Int32(width)
        frame.pointee.height = Int32(height)
        frame.pointee.quality = ctx.pointee.global_quality
        try FFmpeg.check(av_frame_get_buffer(frame, 0), "allocating a frame", path: path)
        fill(frame)
        try FFmpeg.check(avcodec_send_frame(ctx, frame), "\(what) encoding", path: path)
        try FFmpeg.check(avcodec_send_frame(ctx, nil), "\(what) encoding", path: path)
        try FFmpeg.check(avcodec_receive_packet(ctx, packet), "\(what) encoding", path: path)
        defer { av_packet_unref(packet) }
        return Array(UnsafeBufferPointer(start: packet.pointee.data, count: Int(packet.pointee.size)))
    }
}
