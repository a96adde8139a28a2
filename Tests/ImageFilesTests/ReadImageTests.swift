// Decoding every supported format and PNG colour type into the expected 8-bit sRGB pixels.

import ImageFiles
import TestSupport
import XCTest

final class ReadImageTests: XCTestCase {
    func read(_ name: String) throws -> RGBImage { try ImageFile.read(Fixture.path("images/" + name)) }

    /// Asserts equality pixel by pixel, reporting the first mismatching coordinates.
    func assertExact(_ image: RGBImage, _ expected: RGBImage, _ name: String, file: StaticString = #filePath,
                     line: UInt = #line) {
        XCTAssertEqual(image.width, expected.width, name, file: file, line: line)
        XCTAssertEqual(image.height, expected.height, name, file: file, line: line)
        guard image.width == expected.width && image.height == expected.height else { return }
        if let i = zip(image.pixels, expected.pixels).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            let p = i / 3
            XCTFail("\(name): first mismatch at x=\(p % image.width) y=\(p / image.width) channel \(i % 3): "
                + "\(image.pixels[i]) vs expected \(expected.pixels[i])", file: file, line: line)
        }
    }

    func testPNGColourTypesAndDepths() throws {
        let opaqueGray = Pattern.image { x, y in let g = Pattern.rgba(x, y).gray; return (g, g, g, 255) }
        let grayAlpha = Pattern.image { x, y in let p = Pattern.rgba(x, y); return (p.gray, p.gray, p.gray, p.a) }
        let rgba = Pattern.image { x, y in let p = Pattern.rgba(x, y); return (p.r, p.g, p.b, p.a) }
        // 16-bit samples are v·257, which read as sRGB-encoded (not linear) give back exactly v.
        for depth in [8, 16] {
            assertExact(try read("png_gray\(depth).png"), opaqueGray, "gray\(depth)")
            assertExact(try read("png_graya\(depth).png"), grayAlpha, "gray+alpha \(depth)")
            assertExact(try read("png_rgb\(depth).png"), Pattern.rgb, "rgb\(depth)")
            assertExact(try read("png_rgba\(depth).png"), rgba, "rgba\(depth)")
        }
        let palette = Pattern.image { x, y in
            let i = (x + y) % 16
            return (i * 17, 255 - i * 17, (i * 40) % 256, 255 - i * 16)
        }
        assertExact(try read("png_palette8.png"), palette, "palette with tRNS")
    }

    func testLosslessFFmpegFormats() throws {
        assertExact(try read("bmp_rgb24.bmp"), Pattern.rgb, "BMP")
        assertExact(try read("tiff_rgb.tif"), Pattern.rgb, "TIFF")
        assertExact(try read("webp_lossless.webp"), Pattern.rgb, "WebP lossless")
    }

    func testLossyFormatsAreCloseToThePattern() throws {
        for name in ["jpeg_baseline.jpg", "jpeg_progressive.jpg", "jpeg_cmyk.jpg", "jpeg_exif6.jpg", "webp_lossy.webp"] {
            let image = try read(name)
            XCTAssertEqual(image.width, Pattern.width, name)
            XCTAssertEqual(image.height, Pattern.height, name)
            guard image.width == Pattern.width && image.height == Pattern.height else { continue }
            // A wrong orientation, channel order or colour conversion gives far less than 30 dB.
            XCTAssertGreaterThan(psnr(image, Pattern.rgb), 30, name)
        }
    }

    func testExifOrientationSixIsApplied() throws {
        let header = try ImageFile.header(Fixture.path("images/jpeg_exif6.jpg"))
        XCTAssertEqual(header.orientation, 6)
        XCTAssertEqual(header.width, 16)   // stored turned 90° counter-clockwise
        XCTAssertEqual(header.displaySize.width, 24)
        XCTAssertEqual(header.displaySize.height, 16)
    }

    func testFormatComesFromTheBytesNotTheName() throws {
        let dir = TemporaryFolder()
        let path = dir.write("really-a-jpeg.png", Fixture.bytes("images/jpeg_baseline.jpg"))
        XCTAssertEqual(try ImageFile.header(path).format, .jpeg)
        XCTAssertGreaterThan(psnr(try ImageFile.read(path), Pattern.rgb), 30)
    }

    func testOrientationsMapPixelsAsExifDefines() {
        // A 3×2 image with distinct pixels; orientation 6 must turn it 90° clockwise into 2×3.
        var image = RGBImage(width: 3, height: 2)
        for i in 0..<6 { image[i % 3, i / 3, 0] = UInt8(i) }  // row 0: 0 1 2, row 1: 3 4 5
        let turned = image.oriented(6)
        XCTAssertEqual([turned.width, turned.height], [2, 3])
        XCTAssertEqual((0..<6).map { turned[$0 % 2, $0 / 2, 0] }, [3, 0, 4, 1, 5, 2])
        XCTAssertEqual((0..<6).map { image.oriented(8)[$0 % 2, $0 / 2, 0] }, [2, 5, 1, 4, 0, 3])
        XCTAssertEqual((0..<6).map { image.oriented(3)[$0 % 3, $0 / 3, 0] }, [5, 4, 3, 2, 1, 0])
        XCTAssertEqual((0..<6).map { image.oriented(2)[$0 % 3, $0 / 3, 0] }, [2, 1, 0, 5, 4, 3])
        XCTAssertEqual((0..<6).map { image.oriented(5)[$0 % 2, $0 / 2, 0] }, [0, 3, 1, 4, 2, 5])
        for o in 1...8 { XCTAssertEqual(image.oriented(o).oriented(inverse(o)), image, "orientation \(o)") }
    }

    /// The orientation that undoes `o` (rotations by 90° are each other's inverse; the rest undo themselves).
    private func inverse(_ o: Int) -> Int { o == 6 ? 8 : o == 8 ? 6 : o }
}
