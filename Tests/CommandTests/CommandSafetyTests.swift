// A CLI that survives what a user types: no crash on a tiny --memory-limit, never writing over an input, outputs that
// clash or have a format StyleLapse does not write refused before the work, frames of another run not mixed in,
// options that would do nothing refused. Each case failed (or passed silently) before.

import Foundation
import ImageFiles
import TestSupport
import XCTest

final class CommandSafetyTests: XCTestCase {
    let style = Fixture.path("demo/starry_night.jpg")

    func assertRefused(_ result: CommandResult, status: Int32 = 64, saying words: String, _ label: String,
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(result.signalled, "\(label): crashed", file: file, line: line)
        XCTAssertEqual(result.status, status, "\(label): \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(words), "\(label): says '\(words)': \(result.stderr)", file: file, line: line)
        if status == 64 && !result.stderr.contains("Usage:") {
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "\(label): one line", file: file, line: line)
        }
    }

    /// Was a crash (a zero-sided shape while looking for a size that fits): now one line, status 1. The last limit
    /// lies just under the smallest plan for the photo, 388 MB (432 MB before the network packed only the layers the
    /// objective reaches, when this was 390M), where no smaller size fits either.
    func testATinyMemoryLimitIsAnErrorNotACrash() throws {
        _ = try RealWeights.require()
        let dir = TemporaryFolder()
        for limit in ["1M", "100M", "350M"] {
            let result = try Command.run(["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style", style,
                                          "--memory-limit", limit, "--output", dir.file("o.png")])
            assertRefused(result, status: 1, saying: "allowed by --memory-limit", limit)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "one line")
        }
        XCTAssertEqual(dir.contents, [])
    }

    func testNeverWritesOverAnInput() throws {
        let dir = TemporaryFolder()
        let photo = dir.write("mycat.png", Fixture.bytes("demo/chelsea.png"))
        try FileManager.default.createSymbolicLink(atPath: dir.file("link.png"), withDestinationPath: photo)
        try FileManager.default.linkItem(atPath: photo, toPath: dir.file("hard.png"))
        let painting = dir.write("painting.png", Fixture.bytes("demo/starry_night.jpg"))
        let base = ["stylize", "--style", style, "--iterations", "1", "--max-size", "32"]
        for (extra, words) in [(["--content", photo, "--output", photo], "--output would write over --content"),
                               (["--content", dir.file("link.png"), "--output", photo], "would write over --content"),
                               (["--content", photo, "--output", dir.file("hard.png")], "would write over --content"),
                               (["--content", photo, "--output", dir.file("o.png"), "--init", dir.file("i.png"),
                                 "--trace", dir.file("i.png")], "--trace would write over --init"),
                               (["--content", photo, "--output", dir.file("o.png"), "--trace", dir.file("o.png")],
                                "--trace and --output name the same file"),
                               (["--content", photo, "--style", painting, "--output", painting], "would write over --style")] {
            assertRefused(try Command.run(base + extra), saying: words, "\(extra)")
        }
        XCTAssertEqual(Fixture.bytesAt(photo), Fixture.bytes("demo/chelsea.png"), "the photo is intact")
        XCTAssertEqual(Fixture.bytesAt(painting), Fixture.bytes("demo/starry_night.jpg"), "the painting is intact")
        XCTAssertEqual(dir.contents, ["hard.png", "link.png", "mycat.png", "painting.png"], "nothing written")

        let frames = dir.file("frames")
        try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: false)
        _ = dir.write("frames/frame_000000.png", Fixture.bytes("images/png_rgb8.png"))
        assertRefused(try Command.run(["encode", frames, "-o", dir.file("frames/frame_000000.png")]), saying: ".mp4",
                      "encode over a frame")
        XCTAssertEqual(Fixture.bytesAt(dir.file("frames/frame_000000.png")), Fixture.bytes("images/png_rgb8.png"))
        // A photo named like a frame inside the frames folder.
        _ = dir.write("frames/frame_000001.png", Fixture.bytes("demo/chelsea.png"))
        assertRefused(try Command.run(base + ["--content", dir.file("frames/frame_000001.png"), "--output", dir.file("o.png"),
                                              "--frames", frames, "--overwrite-frames"]),
                      saying: "--frames would write over --content", "frames over the photo")
    }

    func testOutputsWhoseFormatStyleLapseDoesNotWrite() throws {
        let dir = TemporaryFolder()
        let base = ["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style", style, "--iterations", "1"]
        for (extra, words) in [(["--output", dir.file("o.gif")], "--output writes .png, .jpg, .jpeg, .webp; .gif is not"),
                               (["--output", dir.file("o.png"), "--video", dir.file("v.avi")],
                                "--video writes .mp4, .webm, .gif, .webp, .apng; .avi is not"),
                               (["--output", dir.file("o.png"), "--video", dir.file("v.mkv")], "--video writes .mp4"),
                               (["--output", dir.file("o.png"), "--plot", dir.file("p.png")], "--plot writes .svg"),
                               (["--output", dir.file("o")], "give the name an extension")] {
            assertRefused(try Command.run(base + extra), saying: words, "\(extra)")
        }
        assertRefused(try Command.run(["sweep", "--content", Fixture.path("demo/chelsea.png"), "--style", style,
                                       "--style-weight", "1", "--output", dir.file("s.tif")]), saying: ".tif is not", "sweep")
        assertRefused(try Command.run(["encode", Fixture.path("images"), "-o", dir.file("t.avi")]), saying: ".avi is not",
                      "encode")
        XCTAssertEqual(dir.contents, [])
    }

    func testFramesOfAnotherRunAreNotMixedIn() throws {
        _ = try RealWeights.require()
        let dir = TemporaryFolder()
        let frames = dir.file("frames")
        let run = ["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style", style, "--max-size", "32",
                   "--quiet", "--output", dir.file("o.png"), "--frames", frames]
        XCTAssertEqual(try Command.run(run + ["--iterations", "4"]).status, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: frames).count, 5)
        assertRefused(try Command.run(run + ["--iterations", "2"]), saying: "holds 5 frames of another run", "stale")
        // A run that cannot start (found by tools/check/fuzz-cli, seed 21: a painting too thin at --max-size 24) loses nothing,
        // --overwrite-frames or not: the old frames go only once the run starts.
        let thin = dir.write("thin.png", try PNGFile.encode(RGBImage(width: 64, height: 8, filledWith: (90, 60, 30)), name: "thin.png"))
        let refused = try Command.run(["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style", thin,
                                       "--max-size", "32", "--quiet", "--output", dir.file("o.png"), "--frames", frames,
                                       "--iterations", "2", "--overwrite-frames"])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: frames).count, 5, "the old frames are kept")
        let again = try Command.run(run + ["--iterations", "2", "--overwrite-frames"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: frames).sorted(),
                       ["frame_000000.png", "frame_000001.png", "frame_000002.png"], "only this run's frames")
    }

    func testOptionsThatWouldDoNothingAreRefused() throws {
        let dir = TemporaryFolder()
        let base = ["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style", style, "--output", dir.file("o.png")]
        for (extra, words) in [(["--learning-rate", "3"], "--learning-rate is Adam's"), (["--beta1", "0.9"], "--beta1 is Adam's"),
                               (["--seed", "4"], "--seed only seeds --init noise"),
                               (["--checkpoint-every", "5"], "without --checkpoint"),
                               (["--fps", "24"], "--fps sets how the film plays"),
                               (["--hold", "1"], "--hold sets how the film plays"),
                               (["--every", "3"], "--every chooses the film's frames"),
                               (["--smooth", "0.5"], "--smooth calms the film"),
                               (["--scales", "1", "--coarse-iterations", "3"], "--scales 1 has none"),
                               (["--overwrite-frames"], "goes with --frames")] {
            assertRefused(try Command.run(base + extra), saying: words, "\(extra)")
        }
        // The same options where they do something are accepted by the parser (checked up to the weights).
        XCTAssertEqual(try Command.run(base + ["--preset", "report", "--learning-rate", "3", "--iterations", "0",
                                               "--quiet"]).status, 0)
        for (extra, words) in [(["--content", Fixture.path("demo/chelsea.png")], "--content is fixed by the checkpoint"),
                               (["--style-weight", "1"], "--style-weight is fixed by the checkpoint")] {
            assertRefused(try Command.run(["stylize", "--resume", dir.file("ck")] + extra), saying: words, "\(extra)")
        }
        assertRefused(try Command.run(["sweep", "--content", Fixture.path("demo/chelsea.png"), "--style", style,
                                       "--style-weight", "1", "--seed", "3", "--output", dir.file("s.png")]),
                      saying: "--seed only seeds", "sweep --seed")
        assertRefused(try Command.run(["sweep", "--content", Fixture.path("demo/chelsea.png"), "--style", style,
                                       "--style-weight", "1", "--fps", "3", "--output", dir.file("s.png")]),
                      saying: "does nothing without --video", "sweep --fps")
    }
}

/// `--output` names its format: `.jpg`/`.jpeg` writes JPEG (through libavcodec), `.png` PNG.
final class PictureOutputTests: XCTestCase {
    func testJPEGAndWebPOutput() throws {
        _ = try RealWeights.require()
        let dir = TemporaryFolder()
        let run = ["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style", Fixture.path("demo/starry_night.jpg"),
                   "--max-size", "64", "--iterations", "2", "--quiet"]
        for (name, extra) in [("o.png", []), ("o.jpg", []), ("low.jpeg", ["--jpeg-quality", "10"])] {
            let result = try Command.run(run + ["--output", dir.file(name)] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        let png = try ImageFile.read(dir.file("o.png"))
        XCTAssertEqual(try ImageFile.header(dir.file("o.jpg")).format, .jpeg)
        XCTAssertEqual(try ImageFile.header(dir.file("low.jpeg")).format, .jpeg)
        let (jpeg, low) = (try ImageFile.read(dir.file("o.jpg")), try ImageFile.read(dir.file("low.jpeg")))
        XCTAssertEqual([jpeg.width, jpeg.height], [png.width, png.height])
        XCTAssertGreaterThan(psnr(jpeg, png), 35, "quality 95 is close to the PNG")
        XCTAssertGreaterThan(psnr(jpeg, png), psnr(low, png) + 5, "quality 10 is coarser")
        XCTAssertLessThan(Fixture.bytesAt(dir.file("low.jpeg"))!.count, Fixture.bytesAt(dir.file("o.jpg"))!.count)
        // WebP is lossless: the PNG's pixels exactly, in a RIFF/WEBP file.
        XCTAssertEqual(try Command.run(run + ["--output", dir.file("o.webp")]).status, 0)
        let webp = Fixture.bytesAt(dir.file("o.webp"))!
        XCTAssertEqual([Array(webp[0..<4]), Array(webp[8..<12])], [Array("RIFF".utf8), Array("WEBP".utf8)])
        XCTAssertEqual(try ImageFile.read(dir.file("o.webp")).pixels, png.pixels, "lossless WebP keeps every pixel")
        let refused = try Command.run(run + ["--output", dir.file("p.png"), "--jpeg-quality", "50"])
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.stderr.contains("--jpeg-quality goes with a .jpg --output"), refused.stderr)
    }
}

/// Messages that say what is wrong, and default names that do not collide.
final class MessageTests: XCTestCase {
    func testAFolderGivenAsAPictureIsCalledAFolder() throws {
        let dir = TemporaryFolder()
        let result = try Command.run(["stylize", "--content", dir.path, "--style", Fixture.path("demo/starry_night.jpg"),
                                      "--output", dir.file("o.png")])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains(dir.path + ": is a folder, not an image file"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
    }

    /// The parser's errors come before the commands' rules: an unknown option was hidden behind "--content and
    /// --style are required".
    func testAnUnknownOptionIsReportedFirst() throws {
        for command in [["stylize"], ["stylize", "--content", Fixture.path("demo/chelsea.png")], ["sweep"], ["encode"],
                        ["sweep", "--merge", "cells"], ["bench", "engine"]] {
            let result = try Command.run(command + ["--colour", "red"])
            XCTAssertEqual(result.status, 64, "\(command): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").first, "Error: Unknown option '--colour'", "\(command)")
        }
    }

    /// Each missing option is named, and only the missing ones.
    func testMissingOptionsAreNamedOneByOne() throws {
        let photo = Fixture.path("demo/chelsea.png"), painting = Fixture.path("demo/starry_night.jpg")
        for (arguments, line) in [
            (["stylize"], "missing --content (the photo) and --style (the painting); or --resume DIR to continue a run"),
            (["stylize", "--content", photo], "missing --style (the painting); or --resume DIR to continue a run"),
            (["stylize", "--style", painting], "missing --content (the photo); or --resume DIR to continue a run"),
            (["sweep", "--strength", "0.5"],
             "missing --content (the photo), --style (the painting) and --output (the contact sheet)"),
            (["sweep", "--content", photo, "--style", painting, "--strength", "0.5"], "missing --output (the contact sheet)"),
            (["sweep", "--style", painting, "--strength", "0.5", "--shard", "1/2"],
             "missing --content (the photo) and --cells (the folder --shard writes its cells to)"),
            (["encode"], "missing FRAME_DIR (the folder of frames) and --output (the film to write)"),
            (["encode", Fixture.path("images")], "missing --output (the film to write)")] {
            let result = try Command.run(arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").first.map(String.init), "Error: " + line, "\(arguments)")
        }
    }

    /// `encode`'s x264 speed has a name of its own (`--preset` is stylize's report) and is checked before any frame
    /// is read; it used to fail inside libx264 after the frames were decoded.
    func testEncodeSpeedIsCheckedUpFront() throws {
        let dir = TemporaryFolder()
        let frames = dir.file("frames")
        try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: false)
        for i in 0..<3 { try PNGFile.write(TestFrames.smooth(i, width: 20, height: 14), to: frames + "/frame_\(i).png") }
        let warp = try Command.run(["encode", frames, "-o", dir.file("v.mp4"), "--speed", "warp"])
        XCTAssertEqual(warp.status, 64, warp.stderr)
        XCTAssertTrue(warp.stderr.hasPrefix("Error: The value 'warp' is invalid for '--speed <speed>'"), warp.stderr)
        XCTAssertTrue(warp.stderr.contains("veryslow"), warp.stderr)
        let preset = try Command.run(["encode", frames, "-o", dir.file("v.mp4"), "--preset", "fast"])
        XCTAssertEqual(preset.status, 64, preset.stderr)
        XCTAssertTrue(preset.stderr.contains("encoder speed is --speed"), preset.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("v.mp4")))
        let fast = try Command.run(["encode", frames, "-o", dir.file("v.mp4"), "--speed", "ultrafast"])
        XCTAssertEqual(fast.status, 0, fast.stderr)
        XCTAssertEqual(Array(Fixture.bytesAt(dir.file("v.mp4"))![4..<8]), Array("ftyp".utf8))
    }

    func testTheDefaultOutputNamesBothPictures() throws {
        _ = try RealWeights.require()
        let dir = TemporaryFolder()
        let photo = dir.write("cat.png", Fixture.bytes("demo/chelsea.png"))
        for style in ["demo/starry_night.jpg", "images/jpeg_baseline.jpg"] {
            let process = Process()
            process.executableURL = Command.productsFolder.appendingPathComponent("stylelapse")
            process.arguments = ["stylize", "--content", photo, "--style", Fixture.path(style), "--max-size", "32",
                                 "--iterations", "0", "--quiet"]
            process.currentDirectoryURL = URL(fileURLWithPath: dir.path)
            try process.run()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
        }
        XCTAssertEqual(dir.contents, ["cat-jpeg_baseline.png", "cat-starry_night.png", "cat.png"])
    }
}

/// `encode` takes numbered frames only: hidden files are skipped, a frame without a number or two frames with the
/// same number are one-line errors naming them (they were taken without a word).
final class EncodeFramesTests: XCTestCase {
    func testEncodeIsStrictAboutItsFrames() throws {
        let dir = TemporaryFolder()
        let frames = dir.file("frames")
        try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: false)
        for i in [0, 3, 6] { try PNGFile.write(TestFrames.smooth(i, width: 20, height: 14), to: frames + "/frame_\(i).png") }
        try PNGFile.write(TestFrames.smooth(9, width: 30, height: 30), to: frames + "/.frame_9.png")
        let ok = try Command.run(["encode", frames, "-o", dir.file("v.mp4")])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.contains("3 frames"), "the hidden file is not a frame: \(ok.stdout)")

        try PNGFile.write(TestFrames.smooth(1, width: 20, height: 14), to: frames + "/cover.png")
        let unnumbered = try Command.run(["encode", frames, "-o", dir.file("w.mp4")])
        XCTAssertEqual(unnumbered.status, 1)
        XCTAssertTrue(unnumbered.stderr.contains("cover.png: has no frame number in its name"), unnumbered.stderr)
        try FileManager.default.removeItem(atPath: frames + "/cover.png")

        try PNGFile.write(TestFrames.smooth(1, width: 20, height: 14), to: frames + "/frame_03.png")
        let duplicate = try Command.run(["encode", frames, "-o", dir.file("w.mp4")])
        XCTAssertEqual(duplicate.status, 1)
        XCTAssertTrue(duplicate.stderr.contains("are both frame 3"), duplicate.stderr)
        XCTAssertEqual(duplicate.stderr.split(separator: "\n").count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("w.mp4")))
    }
}

/// The progress line in a terminal (a pseudo-terminal from util-linux's `script`): every redraw fits 80 columns and
/// erases the rest of the line (it was over 100 columns and left stale text when it got shorter).
final class ProgressLineTests: XCTestCase {
    func testTheProgressLineFitsATerminal() throws {
        _ = try RealWeights.require()
        let dir = TemporaryFolder()
        let binary = Command.productsFolder.appendingPathComponent("stylelapse").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-q", "-e", "-c", "'\(binary)' stylize --content '\(Fixture.path("demo/chelsea.png"))' --style '"
                                + Fixture.path("demo/starry_night.jpg") + "' --max-size 32 --iterations 3 --output '"
                                + dir.file("o.png") + "'", "/dev/null"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        // (The terminal turns "\n" into "\r\n", which Swift reads as one character: undo that first.)
        let redraws = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\r").map { String($0.prefix { $0 != "\n" }) }
            .filter { $0.hasPrefix("[") && $0.contains("/3 loss") }
        XCTAssertEqual(redraws.count, 4, "iterations 0…3: \(text)")
        for line in redraws {
            XCTAssertTrue(line.hasSuffix("\u{1B}[K"), "erases to the end of the line: \(line)")
            XCTAssertLessThanOrEqual(line.dropLast(3).count, 80, line)
        }
    }
}

/// A negative number is read as a number and refused with its range (it was taken for an option: "Missing value").
final class NegativeNumberTests: XCTestCase {
    func testNegativeNumbersAreRefusedWithTheirRange() throws {
        let dir = TemporaryFolder()
        let base = ["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style", Fixture.path("demo/starry_night.jpg"),
                    "--output", dir.file("o.png")]
        for (extra, words) in [(["--iterations", "-1"], "--iterations must be 0 or more"),
                               (["--max-size", "-16"], "--max-size must be at least 16"),
                               (["--threads", "-2"], "--threads must be at least 1"),
                               (["--style-weight", "-1e-3"], "--style-weight must be 0 or more"),
                               (["--video", dir.file("v.mp4"), "--fps", "-30"], "--fps must be 1…240")] {
            let result = try Command.run(base + extra)
            XCTAssertEqual(result.status, 64, "\(extra): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(words), "\(extra): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("Missing value"), "\(extra): \(result.stderr)")
        }
    }
}
