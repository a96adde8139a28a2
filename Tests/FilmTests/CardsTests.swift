// The opening and closing cards and the film's parts: the composed layout pixel for pixel, fades, the parts'
// lengths, and the text set by FreeType.

import Drawing
import Film
import ImageFiles
import TestSupport
import XCTest

final class CardsTests: XCTestCase {
    let photo = TestFrames.smooth(2, width: 90, height: 60), painting = TestFrames.smooth(7, width: 50, height: 70)

    /// The card composed here: the background, each picture scaled to its column (Lanczos, as `resized` does) and
    /// centred in it at the layout's documented position, each label centred under its column.
    func expectedCard(_ panels: [(RGBImage, String)], width: Int, height: Int, typeface: Typeface) -> RGBImage {
        let layout = CardLayout(width: width, height: height, columns: panels.count)
        var card = RGBImage(width: width, height: height, filledWith: (34, 34, 38))
        let sizes = panels.map { (p, _) -> (Int, Int) in
            let s = min(Double(layout.columnWidth) / Double(p.width), Double(layout.boxHeight) / Double(p.height))
            return (min(layout.columnWidth, Int((Double(p.width) * s).rounded())),
                    min(layout.boxHeight, Int((Double(p.height) * s).rounded())))
        }
        let row = sizes.map(\.1).max()!
        let top = (height - (row + layout.margin + layout.textSize * 3 / 2)) / 2 + layout.textSize / 4
        for (c, (picture, label)) in panels.enumerated() {
            let scaled = picture.resized(width: sizes[c].0, height: sizes[c].1)
            let x0 = layout.margin + c * (layout.columnWidth + layout.margin) + (layout.columnWidth - sizes[c].0) / 2
            let y0 = top + (row - sizes[c].1) / 2
            for y in 0..<scaled.height { for x in 0..<scaled.width { for k in 0..<3 { card[x0 + x, y0 + y, k] = scaled[x, y, k] } } }
            let textX = layout.margin + c * (layout.columnWidth + layout.margin)
                + (layout.columnWidth - typeface.width(label, size: layout.textSize)) / 2
            typeface.draw(label, into: &card, x: textX, baseline: top + row + layout.margin + layout.textSize,
                          size: layout.textSize, color: (228, 228, 232))
        }
        return card
    }

    func testTheFilmOpensAndClosesOnItsCards() throws {
        let typeface = try Typeface.standard()
        let (w, h) = (240, 160)
        let store = try FrameStore(width: w, height: h)
        let frames = (0..<6).map { TestFrames.smooth(3 * $0, width: w, height: h) }
        for f in frames { try store.append(f) }
        let changes = zip(frames, frames.dropFirst()).map { $0.meanAbsoluteDifference($1) }
        let result = TestFrames.smooth(40, width: w, height: h)
        let material = FilmMaterial(pictures: [Panel(photo, label: "chelsea.png"), Panel(painting, label: "starry night.jpg")],
                                    result: Panel(result, label: "result"))
        let c = FilmComposition(fps: 12, pace: .change, duration: 2, intro: 1.5, hold: 1, outro: 2)
        var film: [RGBImage] = []
        let parts = try FilmComposer.compose(store: store, changes: changes, material: material, composition: c,
                                             typeface: typeface) { film.append($0) }
        // 1.5 s opening, 2 s of painting, 1 s held, 0.5 s crossfade and 2 s of closing card, at 12 fps.
        XCTAssertEqual([parts.opening, parts.painting, parts.closing], [18, 24, 12 + 6 + 24])
        XCTAssertEqual(film.count, parts.total)
        let opening = expectedCard([(photo, "chelsea.png"), (painting, "starry night.jpg")], width: w, height: h,
                                   typeface: typeface)
        XCTAssertEqual(film[0], RGBImage(width: w, height: h), "the film fades in from black")
        XCTAssertEqual(film[6], opening, "the opening card, pixel for pixel, once faded in (0.5 s)")
        XCTAssertEqual(film[11], opening, "held")
        XCTAssertNotEqual(film[13], opening, "crossfading into the first frame")
        XCTAssertEqual(film[18], frames[0], "the painting starts on the first frame")
        XCTAssertEqual(film[18 + 23], frames[5], "and ends on the last")
        XCTAssertEqual(film[18 + 24 + 11], result, "the result held")
        let closing = expectedCard([(photo, "chelsea.png"), (painting, "starry night.jpg"), (result, "result")],
                                   width: w, height: h, typeface: typeface)
        XCTAssertEqual(film.last, closing, "the closing card: photo | painting | result")
        // No cards asked for: the painting and the held result only.
        var plain = 0
        try FilmComposer.compose(store: store, changes: changes, material: material,
                                 composition: FilmComposition(fps: 12, duration: 2, intro: 0, hold: 0.5, outro: 0),
                                 typeface: typeface) { _ in plain += 1 }
        XCTAssertEqual(plain, 24 + 6)
    }

    /// FreeType sets lower case as lower case, anti-aliased: "x" is shorter than "X", and edges have grey levels.
    func testTextIsSetInARealTypeface() throws {
        let typeface = try Typeface.standard()
        func ink(_ text: String) -> (rows: Set<Int>, levels: Set<UInt8>) {
            var image = RGBImage(width: 80, height: 40)
            typeface.draw(text, into: &image, x: 4, baseline: 30, size: 24, color: (255, 255, 255))
            var rows = Set<Int>(), levels = Set<UInt8>()
            for y in 0..<40 { for x in 0..<80 where image[x, y, 0] > 0 { rows.insert(y); levels.insert(image[x, y, 0]) } }
            return (rows, levels)
        }
        let (lower, upper) = (ink("x"), ink("X"))
        XCTAssertLessThan(lower.rows.count, upper.rows.count, "x is shorter than X")
        XCTAssertTrue(upper.levels.contains { $0 > 0 && $0 < 255 }, "anti-aliased")
        XCTAssertGreaterThan(typeface.width("starry night", size: 20), typeface.width("starry", size: 20))
        XCTAssertEqual(typeface.fitting("a very long file name.png", size: 20, maxWidth: 60).last, "…")
        XCTAssertThrowsError(try Typeface(path: "/nonexistent/font.ttf")) {
            XCTAssertTrue("\($0)".contains("fonts-dejavu-core"), "\($0)")
        }
    }
}
