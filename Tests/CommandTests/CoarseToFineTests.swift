// Coarse-to-fine: --scales N optimises first at smaller sizes, then at full size; the timelapse keeps one
// resolution and the trace numbers the iterations of every pass in order.

import Foundation
import ImageFiles
import Stylize
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
        // By default a sixth of the steps at half size: 1 (iterations 0…1), then 10 at full size (2…12).
        XCTAssertEqual(trace.map { $0["iteration"] as! Int }, Array(0...12))
        XCTAssertEqual(trace.map { $0["width"] as! Int }, Array(repeating: 32, count: 2) + Array(repeating: 64, count: 11))
        XCTAssertEqual(trace.map { $0["height"] as! Int }, Array(repeating: 22, count: 2) + Array(repeating: 43, count: 11))
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
            return try String(contentsOfFile: dir.file("t.jsonl"), encoding: .utf8).split(separator: "\n").map {
                (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["width"] as! Int
            }
        }
        XCTAssertEqual(try widths([]), [192, 384, 768], "L-BFGS at 768 px: passes at a quarter and half size first")
        XCTAssertEqual(try widths(["--scales", "1"]), [768], "--scales 1 turns it off")
    }

    /// A two-pass run stopped after iteration `stop` (run-wide) and resumed ends as the run that went through.
    func resumeMatchesUninterrupted(stoppingAfter stop: Int) throws {
        let dir = TemporaryFolder()
        let common = ["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style",
                      Fixture.path("demo/starry_night.jpg"), "--max-size", "64", "--quiet", "--hold", "0",
                      "--scales", "2", "--coarse-iterations", "4", "--iterations", "6", "--checkpoint-every", "2"]
        let whole = try Command.run(common + ["--output", dir.file("whole.png"), "--video", dir.file("whole.mp4"),
                                              "--checkpoint", dir.file("ckw")])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        let part = try Command.run(common + ["--output", dir.file("split.png"), "--video", dir.file("split.mp4"),
                                             "--trace", dir.file("split.jsonl"), "--checkpoint", dir.file("cks")],
                                   environment: ["STYLELAPSE_TEST_STOP_AFTER": "\(stop)"])
        XCTAssertEqual(part.status, 130, part.stderr)
        let stopped = try Checkpoint.load(dir.file("cks"))
        XCTAssertEqual(stopped.pass.firstIteration + stopped.state.iteration, stop)
        XCTAssertEqual(stopped.pass.index, stop <= 4 ? 0 : 1, "stopped in the pass it was in")
        let resumed = try Command.run(["stylize", "--resume", dir.file("cks"), "--quiet"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)

        let a = try Checkpoint.load(dir.file("ckw")), b = try Checkpoint.load(dir.file("cks"))
        XCTAssertEqual([a.pass.index, a.pass.firstIteration], [1, 5], "the final pass starts at iteration 5")
        XCTAssertEqual([a.pass.index, a.pass.firstIteration, a.pass.evaluationsBefore, a.state.evaluations],
                       [b.pass.index, b.pass.firstIteration, b.pass.evaluationsBefore, b.state.evaluations])
        XCTAssertEqual([a.state.iteration, b.state.iteration], [6, 6])
        XCTAssertEqual(a.state.x.count, 3 * 64 * 43)
        XCTAssertTrue(zip(a.state.x, b.state.x).allSatisfy { $0.bitPattern == $1.bitPattern }, "same image, bit for bit")
        XCTAssertEqual(a.state.bestLoss.total.bitPattern, b.state.bestLoss.total.bitPattern)
        XCTAssertEqual(Fixture.bytesAt(dir.file("whole.png")), Fixture.bytesAt(dir.file("split.png")))
        XCTAssertEqual(try VideoFile.read(dir.file("split.mp4")).frames.count, 12, "5 coarse + 7 full-size frames")
        let trace = try String(contentsOfFile: dir.file("split.jsonl"), encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        XCTAssertEqual(trace.map { $0["iteration"] as! Int }, Array(0...11), "the trace holds both passes")
    }

    func testResumeInTheCoarsePass() throws { try resumeMatchesUninterrupted(stoppingAfter: 2) }

    func testResumeInTheFinalPass() throws { try resumeMatchesUninterrupted(stoppingAfter: 8) }

    func testResumeRefusesNewScales() throws {
        let result = try Command.run(["stylize", "--resume", TemporaryFolder().file("ck"), "--scales", "3"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("cannot change them"), result.stderr)
    }
}
