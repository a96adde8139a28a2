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

    /// The README a newcomer opens: what StyleLapse does in a sentence, the two commands, "your own photo" and where
    /// the weights live, near the top; under 300 lines; no machine described there (docs/benchmarks.md names them).
    func testTheReadmeOpensWithWhatANewcomerNeeds() throws {
        let readme = try String(contentsOfFile: Fixture.root + "/README.md", encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertLessThan(lines.count, 300)
        let top = lines.prefix(30).joined(separator: "\n")
        XCTAssertTrue(top.contains("StyleLapse paints a photo in the style of a painting"), top)
        XCTAssertTrue(top.contains("bash tools/demo") && top.contains("bash tools/test"), top)
        XCTAssertTrue(top.contains("stylize --content my-photo.jpg --style my-painting.jpg"), "your own photo: \(top)")
        XCTAssertTrue(top.contains("~/.cache/stylelapse/vgg19.safetensors"), "where the weights live: \(top)")
        for machine in ["EPYC", "Zen 4", "Xeon", "AVX2 machine", "this machine"] {
            XCTAssertFalse(readme.contains(machine), "the README describes a machine (\(machine)): docs/benchmarks.md does")
        }
        XCTAssertTrue(readme.contains("docs/strengths.png") && FileManager.default.fileExists(atPath: Fixture.root + "/docs/strengths.png"),
                      "the strengths side by side")
    }

    /// A strength that erases the photo is said in the help, where the option is.
    func testTheHelpWarnsOfAStrengthThatErasesThePhoto() throws {
        let help = try Command.run(["stylize", "--help"])
        XCTAssertTrue(help.stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
            .contains("Above about 0.75 the photo can be lost"), help.stdout)
    }
}
