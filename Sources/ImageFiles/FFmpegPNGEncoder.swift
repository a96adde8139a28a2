// FFmpegPNGEncoder: 16-bit PNGs with sRGB-encoded samples. libpng's simplified API can only write 16-bit data as
// linear light (gAMA 1.0), which viewers that ignore gAMA show too dark and which libpng itself reads back with
// errors of several levels in the shadows; FFmpeg's PNG encoder writes rgb48 samples as they are.

import CFFmpeg

enum FFmpegPNGEncoder {
    /// Encodes 16-bit sRGB-encoded RGB samples (R, G, B interleaved) as a PNG file's bytes.
    static func encode16(width: Int, height: Int, samples: [UInt16], path: String) throws -> [UInt8] {
        guard samples.count == width * height * 3 else {
            throw ImageFileError(path, "\(samples.count) samples for a \(width)×\(height) RGB picture")
        }
        let bigEndian = samples.map { $0.bigEndian }   // rgb48be: the only 16-bit RGB layout the encoder takes
        return try FFmpegStill.encode(avcodec_find_encoder(AV_CODEC_ID_PNG), what: "PNG", width: width, height: height,
                                      format: AV_PIX_FMT_RGB48BE, path: path) { frame in
            let (base, stride) = (frame.pointee.data.0!, Int(frame.pointee.linesize.0))
            bigEndian.withUnsafeBytes { src in
                for y in 0..<height {
                    (base + y * stride).update(from: src.baseAddress!.assumingMemoryBound(to: UInt8.self) + y * width * 6,
                                               count: width * 6)
                }
            }
        }
    }
}
