// The overlay: a strip under the picture, never over it, whose curve grows with the film.

import Drawing
import Film
import ImageFiles
import TestSupport
import XCTest

final class OverlayTests: XCTestCase {
    func testTheStripIsUnderThePictureAndGrows() throws {
        let typeface = try Typeface.standard()
        let (w, h) = (160, 100)
        let store = try FrameStore(width: w, height: h)
        var history = RunHistory()
        let frames = (0..<8).map { TestFrames.smooth($0, width: w, height: h) }
        for (k, f) in frames.enumerated() {
            try store.append(f)
            history.append(.init(iteration: k, loss: 1e6 / Double(1 + k * k), width: k < 4 ? 80 : 160, height: k < 4 ? 50 : 100))
        }
        let changes = zip(frames, frames.dropFirst()).map { $0.meanAbsoluteDifference($1) }
        let overlay = Overlay(width: w, history: history, typeface: typeface)
        XCTAssertEqual(overlay.height, Overlay.height(width: w))
        var with: [RGBImage] = [], without: [RGBImage] = []
        let c = FilmComposition(fps: 10, pace: .iterations, intro: 0, hold: 0, outro: 0)
        try FilmComposer.compose(store: store, changes: changes, material: nil, composition: c, typeface: typeface,
                                 overlay: overlay, iterations: Array(0..<8)) { with.append($0) }
        try FilmComposer.compose(store: store, changes: changes, material: nil, composition: c, typeface: nil) {
            without.append($0)
        }
        XCTAssertEqual(with.count, 8)
        for (a, b) in zip(with, without) {
            XCTAssertEqual([a.width, a.height], [w, h + overlay.height])
            XCTAssertEqual(Array(a.pixels[0..<(w * h * 3)]), b.pixels, "the picture itself is untouched")
        }
        func curvePixels(_ image: RGBImage) -> Int {   // the curve's colour in the strip's right half
            var n = 0
            for y in h..<(h + overlay.height) { for x in (w / 2)..<w where image[x, y, 0] > 200 && image[x, y, 2] < 120 { n += 1 } }
            return n
        }
        XCTAssertLessThan(curvePixels(with[1]), curvePixels(with[7]), "the curve grows with the film")
        XCTAssertNotEqual(overlay.strip(at: 2), overlay.strip(at: 6), "the iteration and the pass change")
    }

    /// At 128 pixels the strip still shows the whole iteration count and the loss (shorter words, never cut numbers).
    func testTheStripIsReadableAt128Pixels() throws {
        var history = RunHistory()
        for i in 0...2000 { history.append(.init(iteration: i, loss: 1.2345e5 / Double(i + 1), width: 128, height: 96)) }
        let overlay = Overlay(width: 128, history: history, typeface: try Typeface.standard())
        let lines = overlay.lines(at: 1500)
        XCTAssertTrue(lines.contains { $0.contains("1500") && $0.contains("2000") && !$0.contains("…") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.contains(String(format: "%.3g", 1.2345e5 / 1501)) && !$0.contains("…") }, "\(lines)")
    }
}
