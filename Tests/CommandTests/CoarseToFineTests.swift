// Coarse-to-fine: --scales N optimises first at smaller sizes, then at full size; the timelapse keeps one
// resolution and the trace numbers the iterations of every pass in order.

import Foundation
import ImageFiles
import StyleLapse
import TestSupport
import Timelapse
import XCTest

final class CoarseToFineTests: XCTestCase {
    override func setUpWithError() throws { _ = try RealWeights.require() }

    func testTwoScalesRecordEveryPassAtTheFinalResolution() throws {
        let dir = TemporaryFolder()
        let result = try Command.run(["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style",
                                      Fixture.path("demo/starry_night.jpg"), "--max-size", "64", "--iterations", "10",
                                      "--scales", "2", "--hold", "0", "--pace", "iterations", "--intro", "0", "--outro", "0", "--output", dir.file("o.png"),
                                      "--video", dir.file("v.mp4"), "--trace", dir.file("t.jsonl")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let trace = try Trace.read(dir.file("t.jsonl"))
        // By default a sixth of the steps at half size: 1 (iterations 0…1), then 10 at full size (2…12).
        XCTAssertEqual(trace.map { $0["iteration"] as! Int }, Array(0...12))
        // The optimised sizes: the photo's 64×43 with the default margin (10 pixels, a quarter of 43) on every side.
        XCTAssertEqual(trace.map { $0["width"] as! Int }, Array(repeating: 42, count: 2) + Array(repeating: 84, count: 11))
        XCTAssertEqual(trace.map { $0["height"] as! Int }, Array(repeating: 32, count: 2) + Array(repeating: 63, count: 11))
        let seconds = trace.map { $0["seconds"] as! Double }
        XCTAssertEqual(seconds, seconds.sorted(), "time runs on across the passes")
        let video = try VideoFile.read(dir.file("v.mp4"))
        XCTAssertEqual(video.frames.count, 13)
        XCTAssertEqual([video.width, video.height], [64, 44], "one resolution: the final one (43 rounded up to even)")
        XCTAssertEqual(try ImageFile.read(dir.file("o.png")).width, 64)
        XCTAssertTrue(result.stdout.contains("12 iterations") || result.stdout.contains("at iteration 12"), result.stdout)
    }

    /// (Which sizes and optimisers get it: AutomaticScalesTests; here the command takes that default.)
    func testAutomaticFrom768Pixels() throws {
        let dir = TemporaryFolder()
        func widths(_ extra: [String]) throws -> [Int] {
            let result = try Command.run(["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style",
                                          Fixture.path("demo/starry_night.jpg"), "--max-size", "768", "--upscale",
                                          "--style-scale", "0.25", "--iterations", "0", "--quiet",
                                          "--output", dir.file("o.png"), "--trace", dir.file("t.jsonl")] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
            return try Trace.read(dir.file("t.jsonl")).map { $0["width"] as! Int }
        }
        // The optimised width: the photo's 768 and the default margin of 16 on each side.
        // (`--scales 1` turning it off: testTwoScalesRecordEveryPassAtTheFinalResolution's --scales, and the settings.)
        XCTAssertEqual(try widths([]), [200, 400, 800], "L-BFGS at 768 px: passes at a quarter and half size first")
    }

    // Stopped and resumed in a coarse pass and in the final one, for every --init and both optimisers:
    // SessionTests/ResumeTests (the library run directly, stopped after iteration N).

    func testResumeRefusesNewScales() throws {
        let result = try Command.run(["stylize", "--resume", TemporaryFolder().file("ck"), "--scales", "3"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("cannot change them"), result.stderr)
    }
}
