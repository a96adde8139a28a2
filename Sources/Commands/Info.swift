// `stylelapse info IMAGE…`: format, upright size, channels, bit depth and orientation of each file, after decoding
// the whole picture (a damaged file is an error); `--header-only` reads only the header.

import ArgumentParser
import StyleLapse

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe image files: format, size (after EXIF orientation), channels, bit depth, orientation.",
        discussion: """
            Each picture is decoded whole (within the pixel cap), so a truncated or damaged file, or one too large \
            to read, is an error.

            Example: stylelapse info cat.jpg starry.jpg
            """)

    @Argument(help: "Image files (PNG, JPEG, WebP, BMP, TIFF; recognised from their bytes).")
    var images: [String]
    @Flag(help: "Read only each file's header: quick, but a damaged picture may still be described.")
    var headerOnly = false

    func run() throws {
        for path in images {
            let h = try ImageFile.header(path)
            if !headerOnly { _ = try ImageFile.read(path) }
            let size = h.displaySize
            print("\(path): \(h.format.rawValue) \(size.width)×\(size.height), \(h.channels) channel"
                + "\(h.channels == 1 ? "" : "s"), \(h.bitDepth)-bit, orientation \(h.orientation)")
        }
    }
}
