// Coarse-to-fine: --scales N optimises first at smaller sizes, then at full size; the timelapse keeps one
// resolution and the trace numbers the iterations of every pass in order.

import Foundation
import ImageFiles
import TestSupport
import Timelapse
import XCTest

final class CoarseToFineTests: XCTestCase {
    override func setUpWithError() throws { _ = try RealWeights.require() }

    func testTwoScalesRecordEveryPassAtTheFinalResolution() throws {
        let dir = TemporaryFolder()
        let result = try Command.run(["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style",
                                      Fixture.path("demo/starry_night.jpg"), "--max-size", "64", "--iterations", "10",
                                      "--scales", "2", "--hold", "0", "--output", dir.file("o.png"),
                                      "--video", dir.file("v.mp4"), "--trace", dir.file("t.jsonl")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let trace = try String(contentsOfFile: dir.file("t.jsonl"), encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        // 5 steps at half size (iterations 0…5), then 10 at full size (6…16).
        XCTAssertEqual(trace.map { $0["iteration"] as! Int }, Array(0...16))
        let seconds = trace.map { $0["seconds"] as! Double }
        XCTAssertEqual(seconds, seconds.sorted(), "time runs on across the passes")
        let video = try VideoFile.read(dir.file("v.mp4"))
        XCTAssertEqual(video.frames.count, 17)
        XCTAssertEqual([video.width, video.height], [64, 44], "one resolution: the final one (43 rounded up to even)")
        XCTAssertEqual(try ImageFile.read(dir.file("o.png")).width, 64)
        XCTAssertTrue(result.stdout.contains("16 iterations") || result.stdout.contains("at iteration 16"), result.stdout)
    }

    func testScalesRefuseCheckpoints() throws {
        let dir = TemporaryFolder()
        let result = try Command.run(["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style",
                                      Fixture.path("demo/starry_night.jpg"), "--scales", "2",
                                      "--checkpoint", dir.file("ck"), "--output", dir.file("o.png")])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--scales does not combine"), result.stderr)
    }
}
