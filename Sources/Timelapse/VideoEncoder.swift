// VideoEncoder: one owner for the FFmpeg objects of a film being written (muxer, stream, encoder, scaler, frame), in
// the format its file name's extension names (VideoFormat). Not thread-safe: TimelapseWriter drives it from its one
// encoding thread.

import CFFmpeg
import ImageFiles

/// Encodes RGB frames into a film at `outputPath` (a `.part` name; the caller renames it when finished).
final class VideoEncoder {
    let format: VideoFormat
    private let palette: Palette?
    private var muxer: UnsafeMutablePointer<AVFormatContext>?
    private var encoder: UnsafeMutablePointer<AVCodecContext>?
    private var scaler: OpaquePointer?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private let stream: UnsafeMutablePointer<AVStream>
    private let path: String
    /// Size of the picture frames handed in, and of the encoded video (rounded up to even for yuv420p).
    let width: Int, height: Int, videoWidth: Int, videoHeight: Int
    private var nextPTS: Int64 = 0
    /// Frames handed in per frame encoded (see init).
    private let frameStep: Int
    /// One frame's duration in the encoder's time base (a clip's nominal frame; a film's 1).
    private let frameDuration: Int64
    /// The sound copied beside the frames (a painted clip's).
    private var audio: AudioCopy?
    /// Name of the encoder in use ("libx264" or "mpeg4").
    let codecName: String

    init(outputPath: String, reportPath: String, width: Int, height: Int, settings: FilmEncoding) throws {
        _ = FFmpeg.quietLog
        path = reportPath
        self.width = width
        self.height = height
        format = VideoFormat(path: reportPath) ?? .mp4
        palette = format == .gif ? settings.palette : nil
        // A GIF keeps at most 15 frames a second (every second or third frame, each shown that much longer): a GIF
        // is for sharing, and its size grows with every frame.
        frameStep = format == .gif && settings.fps > 15 && settings.timeBase == nil
            ? Int((Double(settings.fps) / 15).rounded(.up)) : 1
        frameDuration = settings.timeBase.map { tb in max(1, Int64((Double(tb.den) / Double(tb.num) / Double(settings.fps)).rounded())) } ?? 1
        if format == .gif && palette == nil { throw ImageFileError(reportPath, "a GIF needs the film's palette") }
        // yuv420p subsamples chroma 2×2, so both sides must be even: odd sizes get one replicated column/row.
        let yuv = format.pixelFormat == AV_PIX_FMT_YUV420P
        videoWidth = yuv ? (width + 1) & ~1 : width
        videoHeight = yuv ? (height + 1) & ~1 : height
        let codec = try format.encoder(preferH264: settings.preferH264, path: reportPath)
        codecName = String(cString: codec.pointee.name)
        try FFmpeg.check(avformat_alloc_output_context2(&muxer, nil, format.muxer, outputPath),
                         "creating the \(format.rawValue) muxer", path: path)
        guard let muxer, let s = avformat_new_stream(muxer, nil), let ctx = avcodec_alloc_context3(codec) else {
            throw ImageFileError(path, "out of memory setting up the encoder")
        }
        stream = s
        encoder = ctx
        ctx.pointee.width = Int32(videoWidth)
        ctx.pointee.height = Int32(videoHeight)
        ctx.pointee.pix_fmt = format.pixelFormat
        ctx.pointee.time_base = settings.timeBase.map { AVRational(num: $0.num, den: $0.den) }
            ?? AVRational(num: 1, den: Int32(settings.fps))
        ctx.pointee.framerate = AVRational(num: Int32(settings.fps), den: 1)
        if yuv {
            // Tags that say what the scaler below does: BT.709 matrix, limited range, sRGB-encoded BT.709 primaries.
            ctx.pointee.colorspace = AVCOL_SPC_BT709
            ctx.pointee.color_range = AVCOL_RANGE_MPEG
            ctx.pointee.color_primaries = AVCOL_PRI_BT709
            ctx.pointee.color_trc = AVCOL_TRC_IEC61966_2_1
        }
        if muxer.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 {
            ctx.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER)
        }
        switch codecName {
        case "libx264":
            av_opt_set(ctx.pointee.priv_data, "crf", "\(settings.crf)", 0)
            av_opt_set(ctx.pointee.priv_data, "preset", settings.speed.rawValue, 0)
        case "mpeg4":
            ctx.pointee.flags |= Int32(AV_CODEC_FLAG_QSCALE)
            ctx.pointee.global_quality = Int32(FF_QP2LAMBDA) * Int32(min(31, max(2, settings.crf / 4)))
        case "libvpx-vp9":
            // Constant quality (bit rate 0): x264's CRF 18 is about VP9's 31 for the same look.
            ctx.pointee.bit_rate = 0
            av_opt_set(ctx.pointee.priv_data, "crf", "\(min(63, settings.crf + 13))", 0)
            av_opt_set(ctx.pointee.priv_data, "deadline", "good", 0)
            av_opt_set(ctx.pointee.priv_data, "cpu-used", "4", 0)
        case "libwebp_anim":
            av_opt_set(ctx.pointee.priv_data, "quality", "\(max(0, 100 - settings.crf))", 0)
        default: break
        }
        // A key frame every 20 s: x264's default (250 frames) lands one inside a short film, and the quality step
        // there (P frames drift slowly in a slow painting, the key frame resets them) shows as a jolt.
        ctx.pointee.gop_size = Int32(min(20 * settings.fps, 600))
        ctx.pointee.thread_count = 1
        try FFmpeg.check(avcodec_open2(ctx, codec, nil), "opening the \(codecName) encoder", path: path)
        try FFmpeg.check(avcodec_parameters_from_context(stream.pointee.codecpar, ctx), "encoder parameters", path: path)
        stream.pointee.time_base = ctx.pointee.time_base
        for (key, value) in settings.metadata.sorted(by: { $0.key < $1.key }) {
            av_dict_set(&muxer.pointee.metadata, key, value, 0)
        }
        if let source = settings.audioFrom {
            audio = try AudioCopy(from: source, into: muxer, start: settings.audioStart, path: path)
        }
        try FFmpeg.check(avio_open(&muxer.pointee.pb, outputPath, AVIO_FLAG_WRITE), "creating the file", path: path)
        var options: OpaquePointer?
        switch format {
        case .mp4: av_dict_set(&options, "movflags", "+faststart", 0)  // moov before mdat: plays while downloading
        case .gif, .webp: av_dict_set(&options, "loop", "0", 0)        // loop for ever
        case .apng: av_dict_set(&options, "plays", "0", 0)
        case .webm: break
        }
        defer { av_dict_free(&options) }
        try FFmpeg.check(avformat_write_header(muxer, &options), "writing the \(format.rawValue) header", path: path)

        if yuv {
            scaler = sws_getContext(Int32(videoWidth), Int32(videoHeight), AV_PIX_FMT_RGB24, Int32(videoWidth),
                                    Int32(videoHeight), AV_PIX_FMT_YUV420P, SWS_BICUBIC | SWS_ACCURATE_RND, nil, nil, nil)
            guard let scaler else { throw ImageFileError(path, "out of memory setting up") }
            _ = CFFmpeg_set_bt709(scaler, 1, 0)  // full-range RGB in, limited-range BT.709 YUV out
        }
        frame = av_frame_alloc()
        packet = av_packet_alloc()
        guard let frame, packet != nil else { throw ImageFileError(path, "out of memory setting up") }
        frame.pointee.format = format.pixelFormat.rawValue
        frame.pointee.width = Int32(videoWidth)
        frame.pointee.height = Int32(videoHeight)
        try FFmpeg.check(av_frame_get_buffer(frame, 0), "allocating a frame", path: path)
    }

    /// Converts and encodes one picture (of the size given at init), at `timestamp` (in the settings' `timeBase`) or
    /// else the next frame's time.
    func encode(_ image: RGBImage, timestamp: Int64? = nil) throws {
        precondition(image.width == width && image.height == height, "VideoEncoder: frame size changed")
        let pts = timestamp ?? nextPTS
        defer { nextPTS = pts + 1 }
        if let audio { try audio.copy(upTo: pts, timeBase: encoder!.pointee.time_base, muxer: muxer!) }
        guard nextPTS % Int64(frameStep) == 0 else { return }
        if palette != nil {
            // A fresh buffer for every GIF frame: the encoder keeps the last one (to send only what changed), and
            // av_frame_make_writable's copy of a PAL8 frame comes back without its palette plane.
            av_frame_unref(frame)
            frame!.pointee.format = format.pixelFormat.rawValue
            frame!.pointee.width = Int32(videoWidth)
            frame!.pointee.height = Int32(videoHeight)
            try FFmpeg.check(av_frame_get_buffer(frame, 0), "allocating a frame", path: path)
        } else {
            try FFmpeg.check(av_frame_make_writable(frame), "preparing a frame", path: path)
        }
        let (data, stride) = (frame!.pointee.data, Int(frame!.pointee.linesize.0))
        guard data.0 != nil, palette == nil || data.1 != nil else { throw ImageFileError(path, "out of memory encoding") }
        if let scaler {
            let rgb = paddedToEven(image)
            rgb.withUnsafeBufferPointer { FFmpeg.scale(scaler, rgb: $0, width: videoWidth, height: videoHeight, into: frame!) }
        } else if let palette {
            palette.indices(image, into: UnsafeMutableBufferPointer(start: data.0!, count: stride * height), stride: stride)
            // The palette plane: 256 native-endian 0xAARRGGBB words.
            let words = UnsafeMutableRawPointer(data.1!).assumingMemoryBound(to: UInt32.self)
            let c = palette.colors
            for k in 0..<256 {
                words[k] = 3 * k + 2 < c.count
                    ? 0xFF00_0000 | UInt32(c[3 * k]) << 16 | UInt32(c[3 * k + 1]) << 8 | UInt32(c[3 * k + 2]) : 0xFF00_0000
            }
        } else {
            image.pixels.withUnsafeBufferPointer { px in
                for y in 0..<height { (data.0! + y * stride).update(from: px.baseAddress! + y * width * 3, count: width * 3) }
            }
        }
        frame!.pointee.pts = pts
        try send(frame)
    }

    /// Flushes the encoder with a null frame, copies the rest of the sound (to its end, or with `soundToTheEnd`
    /// false to the end of the last frame), writes the trailer (an MP4's faststart moves `moov` to the front) and
    /// closes.
    func finish(soundToTheEnd: Bool = true) throws {
        try send(nil)
        if let audio {
            let lastFrameEnds = nextPTS - 1 + frameDuration   // the sound packets that start before it
            try audio.copy(upTo: soundToTheEnd ? .max : lastFrameEnds - 1, timeBase: encoder!.pointee.time_base,
                           muxer: muxer!)
        }
        try FFmpeg.check(av_write_trailer(muxer), "writing the \(format.rawValue) trailer", path: path)
        if let pb = muxer?.pointee.pb, pb.pointee.error < 0 {
            try FFmpeg.check(pb.pointee.error, "writing", path: path)
        }
        try FFmpeg.check(avio_closep(&muxer!.pointee.pb), "closing the file", path: path)
    }

    /// Sends a frame (nil flushes) and writes every packet the encoder returns, timestamps rescaled from the
    /// encoder's 1/fps time base to the stream's.
    private func send(_ frame: UnsafeMutablePointer<AVFrame>?) throws {
        try FFmpeg.check(avcodec_send_frame(encoder, frame), "encoding", path: path)
        while true {
            let got = avcodec_receive_packet(encoder, packet)
            if got == FFmpeg.eagain || got == FFmpeg.eof { return }
            try FFmpeg.check(got, "encoding", path: path)
            if packet!.pointee.duration == 0 { packet!.pointee.duration = Int64(frameStep) * frameDuration }   // step/fps
            av_packet_rescale_ts(packet, encoder!.pointee.time_base, stream.pointee.time_base)
            packet!.pointee.stream_index = stream.pointee.index
            try FFmpeg.check(av_interleaved_write_frame(muxer, packet), "writing", path: path)
        }
    }

    /// The RGB24 samples of `image` in the encoder's input buffer, with the last column and row repeated when a side
    /// is odd. The buffer (allocated once) ends in the zero slack `FFmpeg.scale` needs.
    private func paddedToEven(_ image: RGBImage) -> [UInt8] {
        if input.isEmpty { input = [UInt8](repeating: 0, count: videoWidth * videoHeight * 3 + Self.inputSlack) }
        if videoWidth == width && videoHeight == height {
            input.withUnsafeMutableBytes { dst in image.pixels.withUnsafeBytes { dst.copyMemory(from: $0) } }
            return input
        }
        for y in 0..<videoHeight {
            let sy = min(y, height - 1)
            for x in 0..<videoWidth {
                let sx = min(x, width - 1)
                for c in 0..<3 { input[(y * videoWidth + x) * 3 + c] = image.pixels[(sy * width + sx) * 3 + c] }
            }
        }
        return input
    }

    private static let inputSlack = 64
    private var input: [UInt8] = []

    deinit {
        if let m = muxer, m.pointee.pb != nil { avio_closep(&m.pointee.pb) }
        avformat_free_context(muxer)
        avcodec_free_context(&encoder)
        sws_freeContext(scaler)
        av_frame_free(&frame)
        av_packet_free(&packet)
    }
}
