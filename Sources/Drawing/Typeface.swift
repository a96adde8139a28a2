// Typeface: text set in a real font through FreeType — anti-aliased coverage blended onto RGB pictures, lower case
// as lower case, any Unicode the font has. The default is DejaVu Sans from Debian's fonts-dejavu-core.

import CFreeType
import Foundation
import ImageFiles

/// A font file opened with FreeType. Thread-safe (one lock around the face).
public final class Typeface: @unchecked Sendable {
    /// DejaVu Sans, where Debian's fonts-dejavu-core puts it.
    public static let defaultPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

    private var library: FT_Library?
    private var face: FT_Face?
    private let lock = NSLock()
    public let path: String

    /// Opens the font at `path`; a missing or unreadable font is an error naming the file (and the package).
    public init(path: String = Typeface.defaultPath) throws {
        self.path = path
        guard FT_Init_FreeType(&library) == 0 else { throw ImageFileError(path, "FreeType could not start") }
        // On a throw below, deinit frees the library (every stored property is set by then).
        guard FileManager.default.fileExists(atPath: path) else {
            throw ImageFileError(path, "no such font (install Debian's fonts-dejavu-core: bash tools/setup/install-deps)")
        }
        guard FT_New_Face(library, path, 0, &face) == 0 else {
            face = nil
            throw ImageFileError(path, "not a font FreeType can read")
        }
    }

    deinit {
        if let face { FT_Done_Face(face) }
        if let library { FT_Done_FreeType(library) }
    }

    /// The font everything in StyleLapse is labelled with, opened once.
    public static func standard() throws -> Typeface { try shared.get() }
    private static let shared = Once { try Typeface() }

    /// Ascender and descender (positive, below the baseline) at `size` pixels, and the line height.
    public func metrics(size: Int) -> (ascender: Int, descender: Int, lineHeight: Int) {
        lock.withLock {
            FT_Set_Pixel_Sizes(face, 0, FT_UInt(size))
            let m = face!.pointee.size.pointee.metrics
            return (Int(m.ascender >> 6), Int(-m.descender >> 6), Int(m.height >> 6))
        }
    }

    /// The advance width of `text` at `size` pixels.
    public func width(_ text: String, size: Int) -> Int {
        lock.withLock {
            FT_Set_Pixel_Sizes(face, 0, FT_UInt(size))
            return text.unicodeScalars.reduce(0) { x, c in
                guard FT_Load_Char(face, FT_ULong(c.value), FT_Int32(FT_LOAD_DEFAULT)) == 0 else { return x }
                return x + Int(CFreeType_glyph(face).pointee.advance.x >> 6)
            }
        }
    }

    /// `text` truncated with "…" so it is at most `maxWidth` pixels wide at `size`.
    public func fitting(_ text: String, size: Int, maxWidth: Int) -> String {
        guard width(text, size: size) > maxWidth else { return text }
        var t = Substring(text)
        while !t.isEmpty && width(t + "…", size: size) > maxWidth { t = t.dropLast() }
        return t + "…"
    }

    /// Draws `text` with its baseline at `baseline`, starting at `x`, in `color`, anti-aliased; clipped to the image.
    public func draw(_ text: String, into image: inout RGBImage, x: Int, baseline: Int, size: Int,
                     color: (UInt8, UInt8, UInt8)) {
        lock.withLock {
            FT_Set_Pixel_Sizes(face, 0, FT_UInt(size))
            var pen = x
            let ink = [Int(color.0), Int(color.1), Int(color.2)]
            let (w, h) = (image.width, image.height)
            for c in text.unicodeScalars {
                guard FT_Load_Char(face, FT_ULong(c.value), FT_Int32(FT_LOAD_RENDER)) == 0 else { continue }
                let slot = CFreeType_glyph(face)!.pointee
                let bitmap = slot.bitmap
                let (left, top) = (pen + Int(slot.bitmap_left), baseline - Int(slot.bitmap_top))
                if let buffer = bitmap.buffer {
                    for row in 0..<Int(bitmap.rows) {
                        let y = top + row
                        guard y >= 0 && y < h else { continue }
                        for column in 0..<Int(bitmap.width) {
                            let px = left + column
                            guard px >= 0 && px < w else { continue }
                            let a = Int(buffer[row * Int(bitmap.pitch) + column])
                            guard a > 0 else { continue }
                            let o = (y * w + px) * 3
                            for k in 0..<3 {
                                let under = Int(image.pixels[o + k])
                                image.pixels[o + k] = UInt8((under * (255 - a) + ink[k] * a + 127) / 255)
                            }
                        }
                    }
                }
                pen += Int(slot.advance.x >> 6)
            }
        }
    }
}

/// A value made on first use, or the error making it threw (made once either way).
final class Once<Value>: @unchecked Sendable {
    private let make: () throws -> Value
    private var result: Result<Value, Error>?
    private let lock = NSLock()
    init(_ make: @escaping () throws -> Value) { self.make = make }
    func get() throws -> Value {
        try lock.withLock {
            if result == nil { result = Result { try make() } }
            return try result!.get()
        }
    }
}
