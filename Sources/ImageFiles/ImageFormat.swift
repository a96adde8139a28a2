// ImageFormat: the container formats StyleLapse reads, recognised from the first bytes, never from the file name.

/// An image file format, told from its signature bytes.
public enum ImageFormat: String, Sendable, CaseIterable {
    case png = "PNG", jpeg = "JPEG", webp = "WebP", bmp = "BMP", tiff = "TIFF"

    /// The format whose signature starts `bytes`, or nil.
    public init?(sniffing bytes: [UInt8]) {
        func starts(_ sig: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + sig.count && Array(bytes[offset..<offset + sig.count]) == sig
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { self = .png }
        else if starts([0xFF, 0xD8, 0xFF]) { self = .jpeg }
        else if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { self = .webp }
        else if starts(Array("BM".utf8)) && bytes.count >= 26 { self = .bmp }
        else if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { self = .tiff }
        else { return nil }
    }
}
