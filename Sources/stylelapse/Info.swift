// `stylelapse info IMAGE…`: format, upright size, channels, bit depth and orientation of each file.

import ArgumentParser
import ImageFiles

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe image files: format, size (after EXIF orientation), channels, bit depth, orientation.")

    @Argument(help: "Image files (PNG, JPEG, WebP, BMP, TIFF; recognised from their bytes).")
    var images: [String]

    func run() throws {
        for path in images {
            let h = try ImageFile.header(path)
            let size = h.displaySize
            print("\(path): \(h.format.rawValue) \(size.width)×\(size.height), \(h.channels) channel"
                + "\(h.channels == 1 ? "" : "s"), \(h.bitDepth)-bit, orientation \(h.orientation)")
        }
    }
}
