// TIFFDirectory: the first image file directory of a TIFF structure, used for TIFF files and for JPEG EXIF blocks.

/// Scalar tags of a TIFF structure's first IFD (the first value of each entry), e.g. 256 width, 274 orientation.
struct TIFFDirectory {
    private(set) var tags: [Int: Int] = [:]

    /// Parses `bytes`, which start with the TIFF header ("II*\0" or "MM\0*"). Returns nil when malformed.
    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 8 else { return nil }
        let bigEndian: Bool
        switch (bytes[0], bytes[1]) {
        case (0x49, 0x49): bigEndian = false
        case (0x4D, 0x4D): bigEndian = true
        default: return nil
        }
        let r = ByteReader(bytes, bigEndian: bigEndian)
        guard r.u16(2) == 42, let ifd = r.u32(4), let count = r.u16(ifd) else { return nil }
        for i in 0..<count {
            let entry = ifd + 2 + 12 * i
            guard let tag = r.u16(entry), let type = r.u16(entry + 2), let count = r.u32(entry + 4) else { return nil }
            // Types 3 (SHORT) and 4 (LONG) hold the scalars we need. Values that fit in 4 bytes sit in the entry;
            // longer arrays (BitsPerSample of RGB: three SHORTs) sit at the offset the entry holds.
            let size = type == 3 ? 2 : 4
            guard type == 3 || type == 4, count >= 1 else { continue }
            var at = entry + 8
            if count * size > 4 { guard let offset = r.u32(entry + 8) else { continue }; at = offset }
            if let v = type == 3 ? r.u16(at) : r.u32(at) { tags[tag] = v }
        }
    }

    subscript(tag: Int) -> Int? { tags[tag] }
}
