// FFmpegWebPEncoder: 8-bit RGB pictures as lossless WebP through libavcodec's libwebp encoder: every pixel kept
// exactly (a PNG's pixels in a smaller file), the RIFF container written by libwebp itself.

import CFFmpeg

enum FFmpegWebPEncoder {
    /// The WebP file's bytes of `image`, lossless.
    static func encode(_ image: RGBImage, path: String) throws -> [UInt8] {
        let (w, h) = (image.width, image.height)
        return try FFmpegStill.encode(avcodec_find_encoder_by_name("libwebp"), what: "WebP (libwebp)", width: w, height: h,
                                      format: AV_PIX_FMT_BGRA, options: ["lossless": "1"], path: path) { frame in
            let (base, stride) = (frame.pointee.data.0!, Int(frame.pointee.linesize.0))
            image.pixels.withUnsafeBufferPointer { rgb in
                for y in 0..<h {
                    let row = base + y * stride
                    for x in 0..<w {
                        let s = (y * w + x) * 3
                        (row[4 * x], row[4 * x + 1], row[4 * x + 2], row[4 * x + 3]) = (rgb[s + 2], rgb[s + 1], rgb[s], 255)
                    }
                }
            }
        }
    }
}
