// PNGCodec: PNG decoding and encoding through libpng's simplified png_image API (no longjmp crosses Swift).

import CPNG

/// PNG reading and writing. One `png_image` per call, freed on every path.
enum PNGCodec {
    /// Decodes any PNG colour type and depth to 8-bit sRGB RGBA, non-premultiplied.
    /// 16-bit files are read as sRGB-encoded (PNG_IMAGE_FLAG_16BIT_sRGB), not as linear light.
    static func decodeRGBA(_ bytes: [UInt8], path: String) throws -> (width: Int, height: Int, rgba: [UInt8]) {
        var image = CPNG_image_init()
        defer { png_image_free(&image) }
        return try bytes.withUnsafeBytes { raw in
            guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
                throw ImageFileError(path, "not a readable PNG (\(message(image)))")
            }
            image.format = CPNG_FORMAT_RGBA
            image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
            var rgba = [UInt8](repeating: 0, count: CPNG_image_size(&image))
            let ok = rgba.withUnsafeMutableBytes { out in
                png_image_finish_read(&image, nil, out.baseAddress, 0, nil)
            }
            guard ok != 0, CPNG_image_failed(&image) == 0 else {
                throw ImageFileError(path, "damaged PNG data (\(message(image)))")
            }
            return (Int(image.width), Int(image.height), rgba)
        }
    }

    /// Encodes 8-bit sRGB RGB samples as a PNG file's bytes; `fast` trades some size for speed (libpng's
    /// PNG_IMAGE_FLAG_FAST: a quicker zlib level and filter choice; the pixels are the same).
    static func encode(width: Int, height: Int, rgb8: [UInt8], path: String, fast: Bool = false) throws -> [UInt8] {
        guard rgb8.count == width * height * 3 else {
            throw ImageFileError(path, "\(rgb8.count) samples for a \(width)×\(height) RGB picture")
        }
        var image = CPNG_image_init()
        defer { png_image_free(&image) }
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = CPNG_FORMAT_RGB
        if fast { image.flags |= UInt32(PNG_IMAGE_FLAG_FAST) }
        return try rgb8.withUnsafeBytes { samples in
            var size: png_alloc_size_t = 0
            guard png_image_write_to_memory(&image, nil, &size, 0, samples.baseAddress, 0, nil) != 0 else {
                throw ImageFileError(path, "PNG encoding failed (\(message(image)))")
            }
            var out = [UInt8](repeating: 0, count: Int(size))
            let ok = out.withUnsafeMutableBytes {
                png_image_write_to_memory(&image, $0.baseAddress, &size, 0, samples.baseAddress, 0, nil)
            }
            guard ok != 0 else { throw ImageFileError(path, "PNG encoding failed (\(message(image)))") }
            return Array(out.prefix(Int(size)))
        }
    }

    private static func message(_ image: png_image) -> String {
        var m = image.message
        return withUnsafeBytes(of: &m) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
