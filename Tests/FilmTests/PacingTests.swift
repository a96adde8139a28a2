// Pacing by change: equal film time shows equal change; checked on the positions and on composed frames.

import Drawing
import Film
import ImageFiles
import TestSupport
import XCTest

final class PacingTests: XCTestCase {
    /// The cumulative change at each film frame grows linearly with time (checked by summing the changes here).
    func testCumulativeChangeGrowsLinearly() {
        let changes: [Double] = [40, 20, 10, 5, 0, 0, 2.5, 1, 1, 0.5, 0.25, 0.1, 8, 0.1]   // a jump at 12 (a pass change)
        let total = changes.reduce(0, +)
        let frames = 97
        let positions = Pacing.byChange(changes, frames: frames)
        XCTAssertEqual(positions.count, frames)
        XCTAssertEqual(positions.first, FramePosition(index: 0, t: 0))
        XCTAssertEqual(positions.last, FramePosition(index: changes.count, t: 0))
        for (f, p) in positions.enumerated() {
            let reached = changes[..<p.index].reduce(0, +) + (p.t > 0 ? p.t * changes[p.index] : 0)
            XCTAssertEqual(reached, total * Double(f) / Double(frames - 1), accuracy: 1e-9, "frame \(f)")
        }
    }

    func testNoChangeSpreadsTheFramesEvenly() {
        XCTAssertEqual(Pacing.byChange([0, 0], frames: 5).map { Double($0.index) + $0.t }, [0, 0.5, 1, 1.5, 2])
        XCTAssertEqual(Pacing.byChange([], frames: 3), Array(repeating: FramePosition(index: 0, t: 0), count: 3))
        XCTAssertEqual(Pacing.byIteration(count: 3).map(\.index), [0, 1, 2])
    }

    /// A run-like film — most change in the first few iterations, a jump later — composed by change: at 25, 50 and
    /// 75 % of the time, 25, 50 and 75 % of the change (±10 points); neighbouring frames' 95th percentile at most
    /// twice the median. One frame per iteration fails both, which is why pacing exists.
    func testAComposedFilmIsEvenlyPaced() throws {
        let (w, h) = (48, 32)
        let photo = TestFrames.smooth(0, width: w, height: h), painting = TestFrames.smooth(9, width: w, height: h)
        let store = try FrameStore(width: w, height: h)
        var changes: [Double] = [], previous: RGBImage?
        for k in 0..<120 {
            var amount = 1 - exp(-Double(k) / 6)
            if k >= 80 { amount = min(1, amount + 0.1) }   // a coarse-to-fine like step
            let frame = RGBImage.mix(photo, painting, amount * 0.9)
            if let previous { changes.append(previous.meanAbsoluteDifference(frame)) }
            previous = frame
            try store.append(frame)
        }
        func stats(_ pace: Pace) throws -> (at: [Double], ratio: Double) {
            var frames: [RGBImage] = []
            let parts = try FilmComposer.compose(store: store, changes: changes, material: nil,
                                                 composition: FilmComposition(fps: 30, pace: pace, duration: 6, intro: 0,
                                                                              hold: 0, outro: 0),
                                                 typeface: nil) { frames.append($0) }
            XCTAssertEqual(parts.painting, frames.count)
            let d = zip(frames, frames.dropFirst()).map { $0.meanAbsoluteDifference($1) }
            let total = d.reduce(0, +)
            var cumulative: [Double] = []
            for x in d { cumulative.append((cumulative.last ?? 0) + x) }
            let at = [0.25, 0.5, 0.75].map { 100 * cumulative[Int($0 * Double(d.count)) - 1] / total }
            let sorted = d.sorted()
            return (at, sorted[Int(0.95 * Double(sorted.count - 1))] / sorted[sorted.count / 2])
        }
        let paced = try stats(.change)
        for (got, want) in zip(paced.at, [25.0, 50, 75]) { XCTAssertEqual(got, want, accuracy: 10, "paced \(paced.at)") }
        XCTAssertLessThanOrEqual(paced.ratio, 2, "95th percentile over median")
        let raw = try stats(.iterations)
        XCTAssertGreaterThan(raw.at[0], 60, "one frame per iteration shows most change in the first quarter: \(raw.at)")
        XCTAssertGreaterThan(raw.ratio, 2)
    }
}
