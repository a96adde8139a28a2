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

    /// The scrubber reads the runs' own frame stores (nothing kept twice) and walks a sweep's cells one after
    /// another: frame k of the page is the first run's k-th, then the second run's.
    func testTheScrubberReadsEachRunsFramesInTurn() throws {
        var run = StylizeSettings.standard
        run.iterations = 2
        run.objective = .report   // the report's absolute weights: 1e-2 and 1e3 make two runs that differ
        let settings = SessionSettings(pictures: PictureSettings(content: Fixture.path("demo/chelsea.png"),
                                                                 styles: [Fixture.path("demo/starry_night.jpg")], maxSize: 32),
                                       run: run, scales: 1, weights: try RealWeights.require())
        let state = LiveState()
        var stores: [RunFrames] = []
        for weight in [1e-2, 1e3] {
            var s = settings
            s.run.objective.balance = s.run.objective.balance(styleWeight: weight)
            let session = try StylizeSession(settings: s)
            session.attach(LiveSink(state: state, objective: s.run.objective, steerable: false))
            try session.run()
            stores.append(try XCTUnwrap(session.frames))
        }
        XCTAssertEqual(stores.map(\.count), [3, 3])
        XCTAssertEqual(state.current.frames, 6)
        func thumbnail(_ frames: RunFrames, _ k: Int) throws -> Data {
            Data(try PNGFile.encode(try frames.picture(k).resized(maxSide: LiveState.thumbnailSide), name: "t", fast: true))
        }
        for k in 0..<6 {
            XCTAssertEqual(state.frame(k), try thumbnail(stores[k / 3], k % 3), "page frame \(k)")
        }
        XCTAssertNotEqual(state.frame(3), state.frame(2))
        XCTAssertNil(state.frame(6))
        XCTAssertNil(state.frame(-1))
    }
}
