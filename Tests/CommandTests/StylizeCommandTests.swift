// `stylelapse stylize` end to end with the real weights at a small size: the loss falls, the best image, video,
// frames and trace are written; Ctrl-C keeps what was done; injected non-finite gradients are recovered from.

import Foundation
import ImageFiles
import TestSupport
import Timelapse
import XCTest

final class StylizeCommandTests: XCTestCase {
    let content = Fixture.path("demo/chelsea.png"), style = Fixture.path("demo/starry_night.jpg")

    override func setUpWithError() throws { _ = try RealWeights.require() }

    func testSmallRunWritesEverything() throws {
        let dir = TemporaryFolder()
        let args = ["stylize", "--content", content, "--style", style, "--max-size", "64", "--iterations", "20",
                    "--output", dir.file("best.png"), "--video", dir.file("lapse.mp4"), "--trace", dir.file("t.jsonl"),
                    "--frames", dir.file("frames"), "--fps", "10", "--hold", "1", "--threads", "2", "--pace", "iterations", "--intro", "0", "--outro", "0"]
        let result = try Command.run(args)
        XCTAssertEqual(result.status, 0, result.stderr)
        let trace = try Trace.read(dir.file("t.jsonl"))
        XCTAssertEqual(trace.map { $0["iteration"] as! Int }, Array(0...20), "one line per iteration")
        for key in ["total", "style", "content", "tv", "style_layers", "evaluations", "seconds"] {
            XCTAssertNotNil(trace[5][key], "trace key \(key)")
        }
        XCTAssertEqual((trace[3]["style_layers"] as! [Double]).count, 5)
        let first = trace.first!["total"] as! Double, last = trace.last!["total"] as! Double
        // The default's relative losses start from the style part alone (the photo is its own content): a third.
        XCTAssertLessThan(last, first / 3, "the loss falls")
        let best = try ImageFile.read(dir.file("best.png"))
        XCTAssertEqual([best.width, best.height], [64, 43])
        let video = try VideoFile.read(dir.file("lapse.mp4"))
        XCTAssertEqual(video.frames.count, 21 + 10, "21 iterations and 1 s held at 10 fps")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.file("frames")).count, 21)
        XCTAssertFalse(dir.contents.contains { $0.hasSuffix(".part") })
        XCTAssertTrue(result.stdout.contains("best loss"), result.stdout)
    }

    func testEveryKeepsTheLastIteration() throws {
        let dir = TemporaryFolder()
        let result = try Command.run(["stylize", "--content", content, "--style", style, "--max-size", "48",
                                      "--iterations", "7", "--every", "3", "--output", dir.file("b.png"),
                                      "--video", dir.file("v.mp4"), "--hold", "0", "--pace", "iterations", "--intro", "0", "--outro", "0", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try VideoFile.read(dir.file("v.mp4")).frames.count, 4, "iterations 0, 3, 6 and the last, 7")
    }

    // Recovery from non-finite values (a poisoned gradient): SessionTests/SessionEventTests.

    func testCtrlCWritesTheBestImageAndAPlayableVideo() throws {
        let dir = TemporaryFolder()
        let process = try Command.start(["stylize", "--content", content, "--style", style, "--max-size", "96",
                                         "--iterations", "100000", "--output", dir.file("b.png"),
                                         "--video", dir.file("v.mp4"), "--trace", dir.file("t.jsonl"), "--hold", "0", "--pace", "iterations", "--intro", "0", "--outro", "0"])
        // Wait until a few iterations are in the trace (it is written as t.jsonl.part while running).
        Trace.waitForLines(dir.file("t.jsonl"), 4)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 130)
        let iterations = try Trace.read(dir.file("t.jsonl")).count
        XCTAssertGreaterThanOrEqual(iterations, 4)
        XCTAssertEqual(try VideoFile.read(dir.file("v.mp4")).frames.count, iterations, "every iteration is a frame")
        XCTAssertNoThrow(try ImageFile.read(dir.file("b.png")))
        XCTAssertFalse(dir.contents.contains { $0.hasSuffix(".part") }, "\(dir.contents)")
    }

    func testSecondCtrlCQuitsAtOnceLeavingOnlyPartFiles() throws {
        let dir = TemporaryFolder()
        // At 384 px the first L-BFGS step (a line search that doubles its step several times) takes seconds, so
        // both signals arrive while it runs: the second must not wait for the step to end.
        let process = try Command.start(["stylize", "--content", content, "--style", style, "--max-size", "384",
                                         "--iterations", "100000", "--output", dir.file("b.png"),
                                         "--video", dir.file("v.mp4"), "--trace", dir.file("t.jsonl")])
        // Iteration 0 is in the trace (written as t.jsonl.part): the first step has begun.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline,
              ((try? String(contentsOfFile: dir.file("t.jsonl.part"), encoding: .utf8)) ?? "").isEmpty { usleep(20_000) }
        XCTAssertLessThan(Date(), deadline, "the run started")
        kill(process.processIdentifier, SIGINT)
        usleep(20_000)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("v.mp4")), "no video under its final name")
        XCTAssertTrue(dir.contents.allSatisfy { $0.hasSuffix(".part") }, "\(dir.contents)")
    }

    func testMissingWeightsSayHowToFetch() throws {
        let dir = TemporaryFolder()
        let result = try Command.run(["stylize", "--content", content, "--style", style, "--weights", "/nonexistent/w",
                                      "--output", dir.file("b.png")])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("/nonexistent/w: ") && result.stderr.contains("tools/setup/fetch-weights"),
                      result.stderr)
        XCTAssertEqual(dir.contents, [])
    }
}
