// ImageHeader: what a file's header declares (size, channels, depth, orientation), read without decoding pixels,
// so the pixel cap can refuse a huge image before any buffer exists and `stylelapse info` can describe a file.

/// The facts a header declares. `width`/`height` are as stored, before the EXIF orientation is applied.
public struct ImageHeader: Equatable, Sendable {
    public var format: ImageFormat
    public var width: Int
    public var height: Int
    public var channels: Int
    public var bitDepth: Int
    /// EXIF orientation 1…8 (1 = as stored).
    public var orientation: Int

    /// Size after the orientation is applied: orientations 5…8 swap width and height.
    public var displaySize: (width: Int, height: Int) {
        orientation >= 5 ? (height, width) : (width, height)
    }

    /// Parses the header of `bytes`, already known to be `format`. Throws with `path` named when it is malformed.
    public init(format: ImageFormat, bytes: [UInt8], path: String) throws {
        self.format = format
        orientation = 1
        let parsed: (w: Int, h: Int, c: Int, d: Int)?
        switch format {
        case .png: parsed = Self.png(bytes)
        case .jpeg: parsed = Self.jpeg(bytes, orientation: &orientation)
        case .webp: parsed = Self.webp(bytes)
        case .bmp: parsed = Self.bmp(bytes)
        case .tiff: parsed = Self.tiff(bytes, orientation: &orientation)
        }
        guard let p = parsed, p.w > 0, p.h > 0 else {
            throw ImageFileError(path, "damaged or truncated \(format.rawValue) header")
        }
        (width, height, channels, bitDepth) = (p.w, p.h, p.c, p.d)
        if !(1...8).contains(orientation) { orientation = 1 }
    }

    private static func png(_ b: [UInt8]) -> (Int, Int, Int, Int)? {
        let r = ByteReader(b, bigEndian: true)
        guard r.u32(12) == 0x4948_4452, let w = r.u32(16), let h = r.u32(20), let depth = r.u8(24),
              let type = r.u8(25) else { return nil }
        let channels = [0: 1, 2: 3, 3: 3, 4: 2, 6: 4][type]
        return channels.map { (w, h, $0, depth) }
    }

    /// Walks the JPEG marker segments: SOFn gives the size, APP1 "Exif" the orientation. Reaching EOI is required,
    /// so a truncated file is refused here instead of decoding to a half-gray picture.
    private static func jpeg(_ b: [UInt8], orientation: inout Int) -> (Int, Int, Int, Int)? {
        let r = ByteReader(b, bigEndian: true)
        var frame: (Int, Int, Int, Int)?
        var i = 2
        while i + 1 < b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }                  // fill byte
            if marker == 0xD9 { return frame }                      // EOI: complete file
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            guard let length = r.u16(i + 2), length >= 2, i + 2 + length <= b.count else { return nil }
            let body = i + 4
            switch marker {
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                guard let p = r.u8(body), let h = r.u16(body + 1), let w = r.u16(body + 3),
                      let n = r.u8(body + 5) else { return nil }
                frame = (w, h, n, p)
            case 0xE1 where length >= 8 && Array(b[body..<body + 6]) == Array("Exif\0\0".utf8):
                if let exif = TIFFDirectory(Array(b[(body + 6)..<(i + 2 + length)])), let o = exif[274] {
                    orientation = o
                }
            default: break
            }
            i += 2 + length
            if marker == 0xDA {
                // Entropy-coded data runs to the next marker that is not a stuffed zero or a restart marker.
                while i + 1 < b.count, !(b[i] == 0xFF && b[i + 1] != 0 && !(0xD0...0xD7).contains(b[i + 1])) {
                    i += 1
                }
            }
        }
        return nil
    }

    private static func webp(_ b: [UInt8]) -> (Int, Int, Int, Int)? {
        let r = ByteReader(b, bigEndian: false)
        guard b.count >= 30 else { return nil }
        switch String(decoding: b[12..<16], as: UTF8.self) {
        case "VP8X":
            guard let flags = r.u8(20), let w = r.u24(24), let h = r.u24(27) else { return nil }
            return (w + 1, h + 1, flags & 0x10 != 0 ? 4 : 3, 8)
        case "VP8L":
            guard r.u8(20) == 0x2F, let bits = r.u32(21) else { return nil }
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, (bits >> 28) & 1 != 0 ? 4 : 3, 8)
        case "VP8 ":
            guard r.u24(23) == 0x2A019D, let w = r.u16(26), let h = r.u16(28) else { return nil }
            return (w & 0x3FFF, h & 0x3FFF, 3, 8)
        default:
            return nil
        }
    }

    private static func bmp(_ b: [UInt8]) -> (Int, Int, Int, Int)? {
        let r = ByteReader(b, bigEndian: false)
        guard let dib = r.u32(14) else { return nil }
        if dib == 12 {  // OS/2 BITMAPCOREHEADER: 16-bit fields
            guard let w = r.u16(18), let h = r.u16(20), let bpp = r.u16(24) else { return nil }
            return (w, h, bpp == 32 ? 4 : 3, min(bpp, 8))
        }
        guard let w = r.i32(18), let h = r.i32(22), let bpp = r.u16(28) else { return nil }
        return (w, abs(h), bpp == 32 ? 4 : 3, min(bpp, 8))
    }

    private static func tiff(_ b: [UInt8], orientation: inout Int) -> (Int, Int, Int, Int)? {
        guard let dir = TIFFDirectory(b), let w = dir[256], let h = dir[257] else { return nil }
        orientation = dir[274] ?? 1
        return (w, h, dir[277] ?? 1, dir[258] ?? 1)
    }
}
