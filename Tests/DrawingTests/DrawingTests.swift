// Drawing: pictures fitted into boxes, placed, mixed; text measured, shortened and drawn in a real typeface.

import Drawing
import ImageFiles
import XCTest

final class DrawingTests: XCTestCase {
    func testFittedKeepsTheAspectWithinTheBox() {
        let wide = RGBImage(width: 200, height: 100, filledWith: (10, 20, 30))
        let fitted = wide.fitted(width: 50, height: 50)
        XCTAssertEqual([fitted.width, fitted.height], [50, 25])
    }

    func testPlaceAndFillWriteOnlyTheirRectangle() {
        var canvas = RGBImage(width: 8, height: 6, filledWith: (0, 0, 0))
        canvas.fill(x: 2, y: 1, width: 3, height: 2, color: (255, 0, 0))
        canvas.place(RGBImage(width: 2, height: 2, filledWith: (0, 0, 255)), x: 6, y: 4)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(canvas.pixels[3 * (y * 8 + x)..<3 * (y * 8 + x) + 3]) }
        XCTAssertEqual(pixel(2, 1), [255, 0, 0])
        XCTAssertEqual(pixel(4, 2), [255, 0, 0])
        XCTAssertEqual(pixel(5, 2), [0, 0, 0])
        XCTAssertEqual(pixel(1, 1), [0, 0, 0])
        XCTAssertEqual(pixel(7, 5), [0, 0, 255])
        XCTAssertEqual(pixel(5, 5), [0, 0, 0])
    }

    func testMixIsLinearBetweenItsEnds() {
        let a = RGBImage(width: 2, height: 1, filledWith: (0, 100, 200)), b = RGBImage(width: 2, height: 1, filledWith: (200, 100, 0))
        XCTAssertEqual(RGBImage.mix(a, b, 0), a)
        XCTAssertEqual(RGBImage.mix(a, b, 1), b)
        XCTAssertEqual(Array(RGBImage.mix(a, b, 0.5).pixels.prefix(3)), [100, 100, 100])
        XCTAssertEqual(a.meanAbsoluteDifference(b), (200 + 0 + 200) / 3, accuracy: 1e-9)
    }

    func testTextIsShortenedWithAnEllipsisOnlyWhenItDoesNotFit() throws {
        let typeface = try Typeface.standard()
        let text = "iteration 2000 / 2000"
        let width = typeface.width(text, size: 12)
        XCTAssertGreaterThan(width, 40)
        XCTAssertEqual(typeface.fitting(text, size: 12, maxWidth: width), text)
        let short = typeface.fitting(text, size: 12, maxWidth: width / 2)
        XCTAssertTrue(short.hasSuffix("…"), short)
        XCTAssertLessThanOrEqual(typeface.width(short, size: 12), width / 2)
        XCTAssertGreaterThan(typeface.width(text, size: 24), typeface.width(text, size: 12), "larger at a larger size")
    }

    func testDrawnTextInksThePicture() throws {
        let typeface = try Typeface.standard()
        var image = RGBImage(width: 80, height: 20, filledWith: (0, 0, 0))
        typeface.draw("StyleLapse", into: &image, x: 2, baseline: 15, size: 12, color: (255, 255, 255))
        let inked = stride(from: 0, to: image.pixels.count, by: 3).filter { image.pixels[$0] > 128 }.count
        XCTAssertGreaterThan(inked, 40)
        XCTAssertLessThan(inked, 80 * 20 / 2)
    }
}
