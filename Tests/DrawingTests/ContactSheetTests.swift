// The contact sheet's layout, label wrapping and number format.

import Drawing
import ImageFiles
import XCTest

final class ContactSheetTests: XCTestCase {
    func testCompactNumbers() {
        XCTAssertEqual(ContactSheet.compact(1.71e8), "1.71E8")
        XCTAssertEqual(ContactSheet.compact(1e-3), "0.001")
        XCTAssertEqual(ContactSheet.compact(-2.5e-12), "-2.5E-12")
        XCTAssertEqual(ContactSheet.compact(1630), "1.63E3")
        XCTAssertEqual(ContactSheet.compact(2), "2")
        XCTAssertEqual(ContactSheet.compact(.nan), "NAN")
    }

    func testLabelsWrapAtSpacesAndKeepNoBreakPairs() throws {
        let typeface = try Typeface.standard()
        let width = typeface.width("sw\u{A0}0.001 l", size: 11)   // "sw 0.001" and a little, not "lr 2"
        let sheet = ContactSheet(columns: 1, rows: 1, cellWidth: width, cellHeight: 10, longestLabel: ["A"], title: "",
                                 typeface: typeface)
        let wrapped = sheet.wrap(["sw\u{A0}0.001 lr\u{A0}2", "loss\u{A0}1.23E45678901234567"])
        XCTAssertEqual(Array(wrapped.prefix(2)), ["sw\u{A0}0.001", "lr\u{A0}2"])
        XCTAssertEqual(wrapped.count, 3, "a word too long for the cell is cut")
        XCTAssertTrue(wrapped[2].hasPrefix("loss\u{A0}1.2"))
        XCTAssertLessThanOrEqual(typeface.width(wrapped[2], size: 11), width)
    }

    func testPicturesLandInTheirCellsAndEmptyCellsAreGrey() {
        let red = RGBImage(width: 4, height: 3, pixels: [UInt8](repeating: 0, count: 36).enumerated().map { $0.offset % 3 == 0 ? 200 : 0 })
        let sheet = ContactSheet(columns: 2, rows: 2, cellWidth: 4, cellHeight: 3, longestLabel: ["X"], title: "T",
                                 typeface: try! Typeface.standard())
        let image = sheet.render([.init(picture: red, label: ["A"]), .init(picture: nil, label: []),
                                  .init(picture: red, label: []), .init(picture: red, label: [])])
        XCTAssertEqual([image.width, image.height], [sheet.width, sheet.height])
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(image.pixels[(3 * (y * image.width + x))..<(3 * (y * image.width + x) + 3)]) }
        for (k, filled) in [true, false, true, true].enumerated() {
            let o = sheet.origin(column: k % 2, row: k / 2)
            XCTAssertEqual(pixel(o.x + 3, o.y + 2), filled ? [200, 0, 0] : [220, 220, 220], "cell \(k)")
            XCTAssertEqual(pixel(o.x - 1, o.y), [255, 255, 255], "white between cells")
        }
    }

    /// A word too long for a cell is shortened with "…", never cut silently (a sweep's loss at 64 px lost its
    /// exponent: "2.16E" for 2.16E+07).
    func testAWordTooLongForTheCellSaysItIsShortened() throws {
        let typeface = try Typeface.standard()
        let width = typeface.width("2.16E", size: 11)
        let lines = ContactSheet.wrap(["loss 2.16E+07 at 300"], maxWidth: width, typeface: typeface, size: 11)
        let words = Set("loss 2.16E+07 at 300".split(separator: " ").map(String.init))
        for line in lines {
            for word in line.split(separator: " ").map(String.init) where !words.contains(word) {
                XCTAssertTrue(word.hasSuffix("…"), "\(word) lost characters without saying so: \(lines)")
            }
            XCTAssertLessThanOrEqual(typeface.width(line, size: 11), width, line)
        }
    }
}
