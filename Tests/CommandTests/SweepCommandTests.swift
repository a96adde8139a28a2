// `stylelapse sweep`: one labelled cell per combination, each cell the same picture a `stylize` run with its settings
// makes, labels that are the settings and the best loss set by FreeType, pixel for pixel, and a side-by-side video.

import Foundation
import StyleLapse
import ImageFiles
import Stylization
import TestSupport
import Timelapse
import XCTest

final class SweepCommandTests: XCTestCase {
    let content = Fixture.path("demo/chelsea.png"), style = Fixture.path("demo/starry_night.jpg")

    override func setUpWithError() throws { _ = try RealWeights.require() }

    /// The sheet's text: 11 pixels for cells under 200 wide, one line every `line` pixels (ContactSheet's rule).
    let textSize = 11
    var line: Int {
        let m = try! Typeface.standard().metrics(size: textSize)
        return max(m.lineHeight, m.ascender + m.descender)
    }

    /// Whether the line of text whose top-left corner is (x, y) begins with `text`: the sheet's pixels there are
    /// the text set by FreeType on white (DejaVu Sans, the sheet's ink), pixel for pixel.
    func shows(_ sheet: RGBImage, _ text: String, x: Int, y: Int) -> Bool {
        let typeface = try! Typeface.standard()
        let m = typeface.metrics(size: textSize)
        let (w, h) = (typeface.width(text, size: textSize) - 1, line)
        var patch = RGBImage(width: w, height: h, filledWith: (255, 255, 255))
        typeface.draw(text, into: &patch, x: 0, baseline: m.ascender, size: textSize, color: ContactSheet.ink)
        guard x + w <= sheet.width, y + h <= sheet.height else { return false }
        return (0..<h).allSatisfy { r in
            let a = 3 * ((y + r) * sheet.width + x)
            return Array(sheet.pixels[a..<(a + 3 * w)]) == Array(patch.pixels[(3 * r * w)..<(3 * (r + 1) * w)])
        }
    }

    /// Where `cell` sits in `sheet` at column x (scanning down for its rows), or nil.
    func find(_ cell: RGBImage, in sheet: RGBImage, x: Int) -> Int? {
        (0...(sheet.height - cell.height)).first { y in
            (0..<cell.height).allSatisfy { r in
                let a = 3 * ((y + r) * sheet.width + x), b = 3 * r * cell.width
                return sheet.pixels[a..<(a + 3 * cell.width)] == cell.pixels[b..<(b + 3 * cell.width)]
            }
        }
    }

    func testSheetHasOneLabelledCellPerCombination() throws {
        let dir = TemporaryFolder()
        let result = try Command.run(["sweep", "--content", content, "--style", style, "--style-weight", "1e-3,1e-1",
                                      "--learning-rate", "2,5", "--iterations", "3", "--max-size", "96", "--hold", "0",
                                      "--pace", "iterations", "--intro", "0", "--outro", "0",
                                      "--output", dir.file("sheet.png"), "--video", dir.file("sheet.mp4"),
                                      "--cells", dir.file("cells")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let sheet = try ImageFile.read(dir.file("sheet.png"))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.file("cells")).sorted().filter { $0.hasSuffix(".png") }
        XCTAssertEqual(names, ["cell-01-sw0.001-lr2.png", "cell-02-sw0.1-lr2.png", "cell-03-sw0.001-lr5.png",
                               "cell-04-sw0.1-lr5.png"])
        let summary = result.stdout.split(separator: "\n")
        var pictures: [RGBImage] = []
        for (k, name) in names.enumerated() {
            let cell = try ImageFile.read(dir.file("cells/" + name))
            XCTAssertEqual([cell.width, cell.height], [96, 64])
            pictures.append(cell)
            // Columns are the style weights, rows the learning rates; 8 pixels around every cell.
            let x = 8 + (k % 2) * (96 + 8)
            guard let y = find(cell, in: sheet, x: x) else { XCTFail("\(name) is not in its column of the sheet"); continue }
            let settings = ["sw 0.001", "sw 0.1"][k % 2] + " " + ["lr 2", "lr 5"][k / 2]
            XCTAssertTrue(shows(sheet, settings.replacingOccurrences(of: "w ", with: "w\u{A0}")
                .replacingOccurrences(of: "r ", with: "r\u{A0}"), x: x, y: y + 64 + 2), settings)
            // The label's loss is the summary's best loss, in the sheet's compact form.
            let summaryLine = try XCTUnwrap(summary.first { $0.hasPrefix(settings + ":") }, result.stdout)
            let best = Double(summaryLine.components(separatedBy: "best loss ")[1].split(separator: " ")[0])!
            XCTAssertTrue(shows(sheet, "loss\u{A0}\(ContactSheet.compact(best)) it\u{A0}3", x: x, y: y + 64 + 2 + line),
                          "the loss of \(settings)")
            XCTAssertTrue(shows(sheet, "S\u{A0}", x: x, y: y + 64 + 2 + 2 * line))
            XCTAssertFalse(shows(sheet, "loss\u{A0}9", x: x, y: y + 64 + 2 + line), "a wrong label does not pass")
        }
        XCTAssertNotEqual(pictures[0], pictures[1], "the style weight shows")
        XCTAssertNotEqual(pictures[0], pictures[2], "the learning rate shows")
        XCTAssertTrue(shows(sheet, "chelsea.png + starry_night.jpg", x: 8, y: 8), "the title, lower case kept")

        let video = try VideoFile.read(dir.file("sheet.mp4"))
        XCTAssertEqual(video.frames.count, 4, "iterations 0…3, no hold")
        XCTAssertEqual(video.width, sheet.width + sheet.width % 2)
        XCTAssertEqual(video.height, sheet.height + sheet.height % 2)
    }

    func testACellIsTheStylizeRunWithItsSettings() throws {
        let dir = TemporaryFolder()
        let sweep = try Command.run(["sweep", "--content", content, "--style", style, "--strength", "0.3,0.8",
                                     "--iterations", "4", "--max-size", "48", "--quiet", "--output", dir.file("s.png"),
                                     "--cells", dir.file("cells")])
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        let single = try Command.run(["stylize", "--content", content, "--style", style, "--strength", "0.8",
                                      "--iterations", "4", "--max-size", "48", "--quiet", "--output", dir.file("o.png")])
        XCTAssertEqual(single.status, 0, single.stderr)
        XCTAssertEqual(try ImageFile.read(dir.file("cells/cell-02-str0.8.png")), try ImageFile.read(dir.file("o.png")))
    }

    func testCtrlCWritesTheSheetOfTheCellsRunSoFar() throws {
        let dir = TemporaryFolder()
        let process = try Command.start(["sweep", "--content", content, "--style", style, "--style-weight", "1e-3,1e-2,1e-1",
                                         "--max-size", "64", "--iterations", "100", "--output", dir.file("s.png"),
                                         "--cells", dir.file("cells")], stderr: dir.file("err.txt"))
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: dir.file("err.txt"), encoding: .utf8), text.contains("cell 2/3") { break }
            usleep(50_000)
        }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 130)
        // The first cell finished, the second stopped early (its best so far), the third never ran.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.file("cells")).sorted(),
                       ["cell-01-sw0.001.png", "cell-01.json", "cell-02-sw0.01.png", "cell-02.json"])
        let sheet = try ImageFile.read(dir.file("s.png"))
        let first = try ImageFile.read(dir.file("cells/cell-01-sw0.001.png"))
        let y = try XCTUnwrap(find(first, in: sheet, x: 8), "the first cell is on the sheet")
        let x3 = 8 + 2 * (64 + 8), grey = 3 * ((y + 20) * sheet.width + x3 + 30)
        XCTAssertEqual(Array(sheet.pixels[grey..<(grey + 3)]), [220, 220, 220], "an empty cell is grey")
        XCTAssertTrue(shows(sheet, "sw\u{A0}0.1", x: x3, y: y + 43 + 2))
        XCTAssertTrue(shows(sheet, "not run", x: x3, y: y + 43 + 2 + line))
        XCTAssertFalse(dir.contents.contains { $0.hasSuffix(".part") }, "\(dir.contents)")
    }

    /// Two shards (the command lines GNU parallel or a Slurm array would run) and a merge make the sheet one machine
    /// makes, byte for byte in its pixels; a merge of one shard's cells marks the others "not run".
    func testShardsMergeIntoTheSameSheet() throws {
        let dir = TemporaryFolder()
        let common = ["sweep", "--content", content, "--style", style, "--style-weight", "1e-3,1e-1",
                      "--content-weight", "1e2,1e3", "--iterations", "2", "--max-size", "48", "--quiet"]
        let whole = try Command.run(common + ["--output", dir.file("whole.png"), "--cells", dir.file("all")])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        for k in 1...2 {
            let shard = try Command.run(common + ["--shard", "\(k)/2", "--cells", dir.file("cells")])
            XCTAssertEqual(shard.status, 0, shard.stderr)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.file("cells")).filter { $0.hasSuffix(".json") }
                        .sorted(), ["cell-01.json", "cell-02.json", "cell-03.json", "cell-04.json"])
        let merged = try Command.run(["sweep", "--merge", dir.file("cells"), "--output", dir.file("merged.png")])
        XCTAssertEqual(merged.status, 0, merged.stderr)
        XCTAssertEqual(try ImageFile.read(dir.file("merged.png")), try ImageFile.read(dir.file("whole.png")))

        let one = try Command.run(common + ["--shard", "2/3", "--cells", dir.file("one")])
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.file("one")).filter { $0.hasSuffix(".json") },
                       ["cell-02.json"], "shard 2 of 3 runs cell 2 only")
        let partial = try Command.run(["sweep", "--merge", dir.file("one"), "--output", dir.file("partial.png")])
        XCTAssertEqual(partial.status, 0, partial.stderr)
        let sheet = try ImageFile.read(dir.file("partial.png"))
        let second = try ImageFile.read(dir.file("one/" + (try FileManager.default.contentsOfDirectory(atPath: dir.file("one"))
            .first { $0.hasSuffix(".png") })!))
        let y = try XCTUnwrap(find(second, in: sheet, x: 8 + 48 + 8), "cell 2 in its column")
        XCTAssertTrue((0..<4).contains { shows(sheet, "not run", x: 8, y: y + 32 + 2 + line * $0) }, "cell 1 never ran")
    }

    /// The side-by-side film is composed as stylize's: an opening card, each cell paced by change, the last grid held,
    /// a crossfade into the contact sheet.
    func testTheSweepFilmIsComposed() throws {
        let dir = TemporaryFolder()
        let result = try Command.run(["sweep", "--content", content, "--style", style, "--strength", "0.3,0.7",
                                      "--iterations", "4", "--max-size", "48", "--output", dir.file("sheet.png"),
                                      "--video", dir.file("film.mp4"), "--fps", "10", "--duration", "2", "--intro", "1",
                                      "--outro", "1", "--hold", "0.5", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let video = try VideoFile.read(dir.file("film.mp4"))
        // 1 s opening, 2 s of cells, 0.5 s of the last grid, a 0.3 s crossfade and 1 s of the sheet, at 10 fps.
        XCTAssertEqual(video.frames.count, 10 + 20 + 5 + 3 + 10)
        let sheet = try ImageFile.read(dir.file("sheet.png"))
        let last = try XCTUnwrap(video.frames.last)
        XCTAssertLessThan(cropped(last, width: sheet.width, height: sheet.height).meanAbsoluteDifference(sheet), 4,
                          "it closes on the contact sheet")
        XCTAssertLessThan(video.frames[0].pixels.map(Int.init).reduce(0, +), video.frames[0].pixels.count, "from black")
    }

    func testBadShardsAndMergesAreRefused() throws {
        let dir = TemporaryFolder()
        let base = ["sweep", "--content", content, "--style", style, "--style-weight", "1,2"]
        for (extra, words) in [(["--shard", "3/2", "--cells", dir.path], "--shard"), (["--shard", "1/2"], "--cells"),
                               (["--shard", "1/2", "--cells", dir.path, "--video", dir.file("v.mp4")], "--video"),
                               ([], "missing --output (the contact sheet)")] {
            let result = try Command.run(base + extra)
            XCTAssertEqual(result.status, 64, "\(extra): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(words), "\(extra): \(result.stderr)")
        }
        let empty = try Command.run(["sweep", "--merge", dir.path, "--output", dir.file("s.png")])
        XCTAssertEqual(empty.status, 1)
        XCTAssertTrue(empty.stderr.contains("holds no sweep cells"), empty.stderr)
        _ = dir.write("cell-01.json", Array("{\"format\": 3}".utf8))
        let bad = try Command.run(["sweep", "--merge", dir.path, "--output", dir.file("s.png")])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("cell-01.json: is not a sweep cell record"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("s.png")))
    }

    func testBadSweepsAreRefusedWithOneLine() throws {
        let dir = TemporaryFolder()
        let base = ["sweep", "--content", content, "--style", style, "--output", dir.file("s.png")]
        for (extra, words) in [([], "at least one list"), (["--strength", "0.5", "--style-weight", "1"], "not both"),
                               (["--learning-rate", "2", "--optimizer", "lbfgs"], "Adam's"),
                               (["--style-weight", "1,x"], "comma-separated numbers"),
                               (["--style-weight", "1,2,3,4,5,6,7,8,9", "--learning-rate", "1,2,3,4,5,6,7,8"], "at most 64")] {
            let result = try Command.run(base + extra)
            XCTAssertEqual(result.status, 64, "\(extra): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(words), "\(extra): \(result.stderr)")
        }
        let missing = try Command.run(["sweep", "--content", dir.file("none.jpg"), "--style", style,
                                       "--style-weight", "1", "--output", dir.file("s.png")])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("none.jpg"), missing.stderr)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("s.png")))
    }

    /// `sweep --preset report` runs the report's run in every cell, as `stylize --preset report` does: no margin, the
    /// painting at its own size. Iteration 0's loss of a cell is the stylize run's.
    func testTheReportPresetIsTheReportsRunInEveryCell() throws {
        let dir = TemporaryFolder()
        let sweep = try Command.run(["sweep", "--preset", "report", "--content", content, "--style", style,
                                     "--style-weight", "1e-2", "--iterations", "0", "--max-size", "64", "--quiet",
                                     "--cells", dir.file("cells"), "--output", dir.file("sheet.png")])
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        let single = try Command.run(["stylize", "--preset", "report", "--content", content, "--style", style,
                                      "--iterations", "0", "--max-size", "64", "--quiet", "--output", dir.file("one.png"),
                                      "--trace", dir.file("t.jsonl")])
        XCTAssertEqual(single.status, 0, single.stderr)
        let cellFile = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: dir.file("cells"))
            .first { $0.hasSuffix(".json") })
        let cell = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("cells/" + cellFile))))
            as! [String: Any]
        let cellTotal = try XCTUnwrap((cell["bestLoss"] as? [String: Any])?["total"] as? Double)
        let stylizeTotal = try XCTUnwrap(try Trace.read(dir.file("t.jsonl")).first?["total"] as? Double)
        XCTAssertEqual(cellTotal, stylizeTotal, accuracy: 1e-9 * stylizeTotal, "the cell is stylize's report run")
    }
}
