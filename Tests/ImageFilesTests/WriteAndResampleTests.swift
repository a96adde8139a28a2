// Writing PNGs (8- and 16-bit, atomically) and Lanczos resampling.

import ImageFiles
import TestSupport
import XCTest

final class WriteAndResampleTests: XCTestCase {
    func testEightBitPNGRoundTripIsExact() throws {
        let dir = TemporaryFolder()
        try PNGFile.write(Pattern.rgb, to: dir.file("out.png"))
        XCTAssertEqual(try ImageFile.read(dir.file("out.png")), Pattern.rgb)
        XCTAssertEqual(dir.contents, ["out.png"], "no .part file may remain")
    }

    func testSixteenBitPNGRoundTripIsWithinOneLevel() throws {
        let dir = TemporaryFolder()
        let source = Pattern.rgb
        try PNGFile.write16(width: source.width, height: source.height,
                            srgb: source.pixels.map { Float($0) / 255 }, to: dir.file("deep.png"))
        let header = try ImageFile.header(dir.file("deep.png"))
        XCTAssertEqual(header.bitDepth, 16)
        let back = try ImageFile.read(dir.file("deep.png"))
        let worst = zip(back.pixels, source.pixels).map { abs(Int($0) - Int($1)) }.max()!
        XCTAssertLessThanOrEqual(worst, 1)
    }

    func testDownscaleKeepsFlatColourAndFitsTheLongerSide() {
        let flat = RGBImage(width: 301, height: 200, filledWith: (200, 100, 50))
        let small = flat.resized(maxSide: 64)
        XCTAssertEqual([small.width, small.height], [64, 43])
        XCTAssertTrue(small.pixels.enumerated().allSatisfy { Int($0.element) == [200, 100, 50][$0.offset % 3] })
        XCTAssertEqual(flat.resized(maxSide: 512), flat, "an image that fits is left at its own size")
    }

    func testDownscaleAveragesAreas() {
        // Alternating black and white columns average to mid-gray when halved: no aliasing into stripes. (The
        // outermost columns see a window cut by the edge, so only the interior is checked.)
        var stripes = RGBImage(width: 64, height: 8)
        for y in 0..<8 { for x in stride(from: 0, to: 64, by: 2) { for c in 0..<3 { stripes[x, y, c] = 255 } } }
        let half = stripes.resized(width: 32, height: 4)
        for y in 0..<4 { for x in 3..<29 { XCTAssertEqual(Double(half[x, y, 0]), 127.5, accuracy: 1, "x=\(x)") } }
    }

    func testUpscaleInterpolatesSmoothly() {
        let source = Pattern.rgb
        let big = source.resized(width: 48, height: 32)
        XCTAssertEqual([big.width, big.height], [48, 32])
        // Back down, a smooth gradient survives the round trip closely.
        XCTAssertGreaterThan(psnr(big.resized(width: 24, height: 16), source), 35)
    }
}
