// LiveSink: what the page is told of a run — here, the size of the picture it shows.

import Foundation
import Live
import StyleLapse
import TestSupport
import XCTest

final class LiveSinkTests: XCTestCase {
    /// The page reports the picture's size, not the optimised size with the margin around it (a 48×32 photo is
    /// optimised at 64×48 with its default margin of 8).
    func testThePageReportsThePicturesSizeNotTheMargin() throws {
        var run = StylizeSettings.standard
        run.iterations = 2
        let settings = SessionSettings(pictures: PictureSettings(content: Fixture.path("demo/chelsea.png"),
                                                                 styles: [Fixture.path("demo/starry_night.jpg")], maxSize: 48),
                                       run: run, scales: 1, weights: try RealWeights.require())
        let session = try StylizeSession(settings: settings)
        XCTAssertGreaterThan(session.plan.margin, 0)
        let state = LiveState()
        var seen: [[Int]] = []
        session.attach(LiveSink(state: state, objective: settings.run.objective, steerable: false))
        session.attach(EventHandler { if case .iteration = $0 { seen.append([state.current.width, state.current.height]) } })
        let outcome = try session.run()
        XCTAssertEqual([outcome.best.width, outcome.best.height], [48, 32])
        XCTAssertEqual(seen, Array(repeating: [48, 32], count: 3), "every iteration")
        XCTAssertEqual([state.current.width, state.current.height], [48, 32])
    }
}
