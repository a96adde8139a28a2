// ByteReader: bounds-checked little- and big-endian integer reads for the header parsers.

/// Reads integers from a byte array; every read past the end returns nil instead of trapping.
struct ByteReader {
    let bytes: [UInt8]
    var bigEndian: Bool

    init(_ bytes: [UInt8], bigEndian: Bool) {
        self.bytes = bytes
        self.bigEndian = bigEndian
    }

    func u8(_ at: Int) -> Int? { at >= 0 && at < bytes.count ? Int(bytes[at]) : nil }

    func u16(_ at: Int) -> Int? {
        guard let a = u8(at), let b = u8(at + 1) else { return nil }
        return bigEndian ? a << 8 | b : b << 8 | a
    }

    func u24(_ at: Int) -> Int? {
        guard let a = u8(at), let b = u8(at + 1), let c = u8(at + 2) else { return nil }
        return bigEndian ? a << 16 | b << 8 | c : c << 16 | b << 8 | a
    }

    func u32(_ at: Int) -> Int? {
        guard let a = u16(at), let b = u16(at + 2) else { return nil }
        return bigEndian ? a << 16 | b : b << 16 | a
    }

    func i32(_ at: Int) -> Int? { u32(at).map { Int(Int32(truncatingIfNeeded: $0)) } }
}
