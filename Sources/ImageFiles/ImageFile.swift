// ImageFile: the one entry point for reading a picture from disk: checks the path, sniffs the format, enforces the
// pixel cap from the header, decodes (libpng or FFmpeg), composites alpha onto white, applies EXIF orientation.

import Foundation

/// Reading image files.
public enum ImageFile {
    /// The default pixel cap: 50 megapixels.
    public static let defaultPixelCap = 50_000_000

    /// Reads `path` and returns its header, refusing anything that is not a readable image file.
    public static func header(_ path: String) throws -> ImageHeader {
        try header(of: readBytes(path), path: path)
    }

    /// Reads `path` as 8-bit sRGB RGB, upright. Refuses, before allocating pixels, an image whose header declares
    /// more than `pixelCap` pixels.
    public static func read(_ path: String, pixelCap: Int = defaultPixelCap) throws -> RGBImage {
        try decode(readBytes(path), path: path, pixelCap: pixelCap)
    }

    /// Decodes the bytes of an image file; `path` only names it in errors. The entry point the fuzzer drives.
    public static func decode(_ bytes: [UInt8], path: String, pixelCap: Int = defaultPixelCap) throws -> RGBImage {
        let header = try header(of: bytes, path: path)
        // Headers declare sides up to 2³²: their product can overflow Int (found by the fuzzer).
        let (pixels, overflow) = header.width.multipliedReportingOverflow(by: header.height)
        guard !overflow, pixels <= pixelCap else {
            throw ImageFileError(path, "image is \(header.width)×\(header.height) pixels, more than the cap of "
                + "\(pixelCap)")
        }
        let decoded = header.format == .png
            ? try PNGCodec.decodeRGBA(bytes, path: path)
            : try FFmpegImageDecoder.decodeRGBA(bytes, format: header.format, maxPixels: pixelCap, path: path)
        guard decoded.width == header.width, decoded.height == header.height else {
            throw ImageFileError(path, "decoded size \(decoded.width)×\(decoded.height) differs from the header's "
                + "\(header.width)×\(header.height)")
        }
        return RGBImage(width: decoded.width, height: decoded.height, compositingOnWhite: decoded.rgba)
            .oriented(header.orientation)
    }

    private static func header(of bytes: [UInt8], path: String) throws -> ImageHeader {
        guard let format = ImageFormat(sniffing: bytes) else {
            throw ImageFileError(path, "not an image StyleLapse can read (expected PNG, JPEG, WebP, BMP or TIFF)")
        }
        return try ImageHeader(format: format, bytes: bytes, path: path)
    }

    /// The whole file, with a clear error for a missing path, a folder or an empty file.
    static func readBytes(_ path: String) throws -> [UInt8] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ImageFileError(path, "no such file")
        }
        guard !isDir.boolValue else { throw ImageFileError(path, "is a folder, not an image file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImageFileError(path, "cannot be opened for reading")
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.readToEnd() ?? Data() } catch {
            throw ImageFileError(path, "read failed (\(error.localizedDescription))")
        }
        guard !data.isEmpty else { throw ImageFileError(path, "empty file (0 bytes)") }
        return [UInt8](data)
    }
}

/// Writing pictures in the format their file name's extension names.
public enum PictureFile {
    /// The extensions `write` knows: PNG, JPEG and (lossless) WebP.
    public static let extensions = ["png", "jpg", "jpeg", "webp"]

    /// Writes `image` as PNG (`.png`), JPEG (`.jpg`, `.jpeg`, at `jpegQuality` 1…100) or lossless WebP (`.webp`),
    /// atomically (NAME.part, then rename).
    public static func write(_ image: RGBImage, to path: String, jpegQuality: Int = 95) throws {
        switch (path as NSString).pathExtension.lowercased() {
        case "jpg", "jpeg":
            try AtomicFile.write(FFmpegJPEGEncoder.encode(image, quality: jpegQuality, path: path), to: path)
        case "webp":
            try AtomicFile.write(FFmpegWebPEncoder.encode(image, path: path), to: path)
        default:
            try PNGFile.write(image, to: path)
        }
    }
}

/// Writing PNG files, always atomically (NAME.part, then rename).
public enum PNGFile {
    /// The bytes of an 8-bit sRGB PNG of `image` (`name` names it in errors); `fast`: quicker, a little larger.
    public static func encode(_ image: RGBImage, name: String, fast: Bool = false) throws -> [UInt8] {
        try PNGCodec.encode(width: image.width, height: image.height, rgb8: image.pixels, path: name, fast: fast)
    }

    /// Writes an 8-bit sRGB PNG.
    public static func write(_ image: RGBImage, to path: String) throws {
        try AtomicFile.write(PNGCodec.encode(width: image.width, height: image.height, rgb8: image.pixels, path: path),
                             to: path)
    }

    /// Writes a 16-bit PNG from sRGB-encoded samples in 0…1 (R, G, B interleaved), stored as sRGB-encoded
    /// 16-bit values (through FFmpeg's PNG encoder; see FFmpegPNGEncoder for why not libpng).
    public static func write16(width: Int, height: Int, srgb: [Float], to path: String) throws {
        let samples = srgb.map { UInt16((min(max($0, 0), 1) * 65535).rounded()) }
        try AtomicFile.write(FFmpegPNGEncoder.encode16(width: width, height: height, samples: samples, path: path),
                             to: path)
    }
}
