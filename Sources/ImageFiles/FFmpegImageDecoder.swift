// FFmpegImageDecoder: JPEG, WebP, BMP and TIFF through libavformat's image pipe demuxers and libavcodec, reading
// from memory (so the format is the one we sniffed, never one guessed from a file name).

import CFFmpeg

/// Decodes one still image with FFmpeg into 8-bit RGBA.
enum FFmpegImageDecoder {
    /// Demuxer names for the formats FFmpeg decodes for us.
    private static func demuxer(for format: ImageFormat) -> String {
        switch format {
        case .jpeg: return "jpeg_pipe"
        case .webp: return "webp_pipe"
        case .bmp: return "bmp_pipe"
        case .tiff: return "tiff_pipe"
        case .png: return "png_pipe"
        }
    }

    /// Decodes `bytes` (already sniffed as `format`). `maxPixels` is also given to the decoder, which refuses to
    /// allocate a larger frame: a second guard behind the header check.
    static func decodeRGBA(_ bytes: [UInt8], format: ImageFormat, maxPixels: Int, path: String) throws
        -> (width: Int, height: Int, rgba: [UInt8])
    {
        let input = try FFmpegInput(bytes: bytes, demuxer: demuxer(for: format), path: path)
        let decoder = try FFmpegDecoder(input: input, maxPixels: maxPixels)
        var result: (Int, Int, [UInt8])?
        try decoder.forEachFrame { frame in
            // YCbCr JPEGs are BT.601 full range, as JFIF says; libswscale knows that from the yuvj formats.
            result = (Int(frame.pointee.width), Int(frame.pointee.height),
                      try FFmpegPixels.packed(frame, as: AV_PIX_FMT_RGBA, path: path))
            return false
        }
        guard let result else { throw ImageFileError(path, "no picture in file (truncated?)") }
        return result
    }
}
