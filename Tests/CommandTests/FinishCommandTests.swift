// When a picture is finished, at the command line: a default run (no --iterations) stops before its cap when the
// picture has settled and says why, in the summary and as the trace's last line; `--iterations N` runs N steps and
// says so; the report preset runs its steps (ReportPresetTests checks its exact run). At 24 px the demo pictures
// settle within the 300 steps (at 260, measured); at 32 px they do not (FinishSessionTests checks the cap's words).

import Foundation
import TestSupport
import XCTest

final class FinishCommandTests: XCTestCase {
    let content = Fixture.path("demo/chelsea.png"), style = Fixture.path("demo/starry_night.jpg")

    override func setUpWithError() throws { _ = try RealWeights.require() }

    func run(_ more: [String], in dir: TemporaryFolder) throws -> (stdout: String, trace: [[String: Any]], finish: [String: Any]) {
        let result = try Command.run(["stylize", "--content", content, "--style", style, "--max-size", "24",
                                      "--output", dir.file("o.png"), "--trace", dir.file("t.jsonl")] + more)
        XCTAssertEqual(result.status, 0, result.stderr)
        let events = try Trace.events(dir.file("t.jsonl"))
        let finish = try XCTUnwrap(events.last, "the trace ends with the finish")
        XCTAssertEqual(finish["event"] as? String, "finish")
        return (result.stdout, try Trace.read(dir.file("t.jsonl")), finish)
    }

    func testADefaultRunStopsWhenThePictureIsFinishedAndSaysWhy() throws {
        let dir = TemporaryFolder()
        let (stdout, trace, finish) = try run([], in: dir)
        let last = try XCTUnwrap(trace.last?["iteration"] as? Int)
        XCTAssertLessThan(last, 300, "finished before the cap")
        XCTAssertGreaterThanOrEqual(last, 60, "not before the rule's minimum")
        XCTAssertEqual(last % 20, 0, "at a window's end")
        XCTAssertEqual(finish["iteration"] as? Int, last)
        XCTAssertEqual(finish["stop"] as? String, "finished")
        let why = try XCTUnwrap(finish["why"] as? String)
        XCTAssertTrue(why.hasPrefix("finished: the loss fell ") && why.hasSuffix(" levels over the last 20 steps"), why)
        let lines = stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.first?.hasPrefix("finished in ") ?? false, stdout)
        XCTAssertEqual(lines.dropFirst().first, why, "the summary's second line says why, as the trace does")
    }

    func testGivenIterationsRunExactly() throws {
        let dir = TemporaryFolder()
        let (stdout, trace, finish) = try run(["--iterations", "70"], in: dir)
        XCTAssertEqual(trace.last?["iteration"] as? Int, 70)
        XCTAssertEqual(trace.count, 71)
        XCTAssertEqual(finish["stop"] as? String, "iterations")
        XCTAssertTrue(stdout.contains("\niterations: every step given\n"), stdout)
    }
}
