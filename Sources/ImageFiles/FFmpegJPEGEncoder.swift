// FFmpegJPEGEncoder: 8-bit RGB pictures as baseline JPEG (JFIF) through libavcodec's MJPEG encoder: full-range
// BT.601 YCbCr, 4:4:4 (no chroma subsampling: painted edges stay crisp), quality 1…100 mapped to its quantiser.

import CFFmpeg

enum FFmpegJPEGEncoder {
    /// The JPEG file's bytes of `image` at `quality` (1…100; 100 is the finest quantiser).
    static func encode(_ image: RGBImage, quality: Int, path: String) throws -> [UInt8] {
        let (w, h) = (image.width, image.height)
        guard let scaler = sws_getContext(Int32(w), Int32(h), AV_PIX_FMT_RGB24, Int32(w), Int32(h), AV_PIX_FMT_YUVJ444P,
                                          SWS_BICUBIC, nil, nil, nil) else {
            throw ImageFileError(path, "cannot convert the picture for JPEG")
        }
        defer { sws_freeContext(scaler) }
        _ = CFFmpeg_set_jfif(scaler)
        // MJPEG's quantiser scale runs 1 (finest) … 31; quality 100 → 1, 1 → 31.
        let q = 1 + (100 - min(max(quality, 1), 100)) * 30 / 99
        let source = image.pixels + [UInt8](repeating: 0, count: 64)   // the slack FFmpeg.scale needs
        return try FFmpegStill.encode(avcodec_find_encoder(AV_CODEC_ID_MJPEG), what: "JPEG", width: w, height: h,
                                      format: AV_PIX_FMT_YUVJ444P, path: path, configure: { ctx in
            ctx.pointee.color_range = AVCOL_RANGE_JPEG
            ctx.pointee.flags |= Int32(AV_CODEC_FLAG_QSCALE)
            ctx.pointee.qmin = Int32(q)
            ctx.pointee.qmax = Int32(q)
            ctx.pointee.global_quality = Int32(FF_QP2LAMBDA) * Int32(q)
        }) { frame in
            source.withUnsafeBufferPointer { FFmpeg.scale(scaler, rgb: $0, width: w, height: h, into: frame) }
        }
    }
}
