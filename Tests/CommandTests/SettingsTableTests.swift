// One source of truth: the same options give the same settings whether `stylize` or `sweep` reads them (a sweep of
// one value is one stylize run), the report preset included; and each range is the library's, named by option.

import ArgumentParser
import Commands
import StyleLapse
import TestSupport
import XCTest

final class SettingsTableTests: XCTestCase {
    let pictures = ["--content", Fixture.path("demo/chelsea.png"), "--style", Fixture.path("demo/starry_night.jpg")]

    /// (what both commands are given, what only `stylize` is given, what only `sweep` is given). A sweep runs one
    /// pass (`--scales 1`) and its cells are 256 pixels unless `--max-size` says otherwise.
    let table: [(both: [String], stylize: [String], sweep: [String])] = [
        ([], ["--scales", "1", "--max-size", "256"], ["--strength", "0.5"]),
        (["--style-weight", "1e-2"], ["--scales", "1", "--max-size", "256"], []),
        (["--style-weight", "1e-3", "--max-size", "128"], ["--scales", "1"], []),
        (["--preset", "report", "--max-size", "64"], ["--scales", "1"], ["--style-weight", "1e-2"]),
        (["--preset", "report", "--style-weight", "1e-3", "--iterations", "40"], ["--scales", "1", "--max-size", "256"], []),
        (["--strength", "0.7", "--max-size", "96", "--pooling", "average", "--padding", "reflect"], ["--scales", "1"], []),
        (["--style-loss", "w2", "--max-size", "96"], ["--scales", "1"], ["--strength", "0.5"]),
        (["--style-layer-weights", "256,64,16,4,1", "--style-loss", "w2", "--strength", "0.3", "--max-size", "96"], ["--scales", "1"], []),
        (["--learning-rate", "3", "--max-size", "96"], ["--scales", "1", "--optimizer", "adam"], []),
        (["--content-weight", "5", "--tv-weight", "1e-4", "--init", "noise", "--seed", "3", "--max-size", "96"],
         ["--scales", "1"], ["--style-weight", "1e-2"]),
        (["--style", Fixture.path("demo/chelsea.png"), "--style-blend", "0.7,0.3", "--style-scale", "0.5",
          "--preserve-color", "luminance", "--max-size", "96", "--style-weight", "0.1"], ["--scales", "1"], []),
        (["--style-weight", "1e-2", "--every", "3", "--video", "x.mp4", "--max-size", "96"], ["--scales", "1"], []),
        (["--style", Fixture.path("demo/chelsea.png"), "--style-mask", "a.png", "--style-mask", "b.png",
          "--style-region", "c.png", "--style-region", "d.png", "--content-mask", "e.png", "--mask-propagation", "inside",
          "--max-size", "96", "--style-weight", "0.1"], ["--scales", "1"], []),
    ]

    func testStylizeAndSweepGiveEqualSettingsForEqualOptions() throws {
        for (both, stylizeOnly, sweepOnly) in table {
            let stylize = try StylizeCommand.parse(pictures + both + stylizeOnly)
            let sweep = try SweepCommand.parse(pictures + both + sweepOnly + ["--output", "sheet.png"])
            let cells = try sweep.cellSettings()
            XCTAssertEqual(cells.count, 1)
            XCTAssertEqual(try stylize.sessionOptions().settings(), cells[0], "\(both)")
        }
    }

    /// The report preset is the report's run through either command: no margin, each painting at its own size,
    /// VGG's zero padding, Adam's 7500 steps.
    func testTheReportPresetIsOneValue() throws {
        let stylize = try StylizeCommand.parse(pictures + ["--preset", "report"]).sessionOptions().settings()
        let sweep = try SweepCommand.parse(pictures + ["--preset", "report", "--style-weight", "1e-2", "--max-size", "512",
                                                       "--output", "s.png"]).cellSettings()[0]
        for s in [stylize, sweep] {
            XCTAssertEqual(s.pictures.margin, 0)
            XCTAssertNil(s.pictures.styleScale)
            XCTAssertEqual(s.networkPadding, .zeros)
            XCTAssertEqual(s.run, StylizeSettings.report)
        }
        XCTAssertEqual(sweep.scales, 1)
        XCTAssertNil(stylize.scales)
    }

    /// A value out of range is the library's refusal, named by the command's option; the two commands say the same.
    func testRangesAreTheLibrarysNamedByOption() throws {
        let cases: [(flags: [String], message: String)] = [
            (["--style-weight=-1"], "--style-weight must be 0 or more"),
            (["--strength", "1.5"], "--strength must be 0…1"),
            (["--style-scale", "17", "--style-weight", "1"], "--style-scale must be above 0 and at most 16"),
            (["--max-size", "8", "--style-weight", "1"], "--max-size must be at least 16 (VGG19 pools 4 times)"),
            (["--learning-rate", "0"], "--learning-rate must be positive"),
            (["--style-blend", "1,2,3", "--style-weight", "1"], "--style-blend has 3 weights for 1 paintings"),
            (["--style-layer-weights", "1,1", "--style-weight", "1"], "--style-layer-weights takes one weight per style layer (5:"),
            (["--style-layer-weights", "0,0,0,0,0", "--style-weight", "1"], "--style-layer-weights takes weights of 0 or more, not all 0"),
        ]
        for (flags, message) in cases {
            let stylizeFlags = flags.contains("--learning-rate") ? flags + ["--optimizer", "adam"] : flags
            for (command, args) in [("stylize", ["stylize"] + pictures + stylizeFlags),
                                    ("sweep", ["sweep"] + pictures + flags + ["--output", "s.png"])] {
                let result = try Command.run(args)
                XCTAssertEqual(result.status, 64, "\(command) \(flags): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains(message), "\(command) \(flags): \(result.stderr)")
            }
        }
        // The command line and the library once disagreed (8 against 16): 12 is a style scale both take.
        XCTAssertNoThrow(try StylizeCommand.parse(pictures + ["--style-scale", "12"]))
        XCTAssertNoThrow(try SweepCommand.parse(pictures + ["--style-scale", "12", "--style-weight", "1", "--output", "s.png"]))
    }
}
