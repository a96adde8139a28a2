// The `stylelapse` command as users run it: info, encode, and every bad input of the foundation issue, each a
// one-line error naming the file, a non-zero exit (never a signal), and nothing under the output name.

import Foundation
import ImageFiles
import TestSupport
import Timelapse
import XCTest

final class CommandLineTests: XCTestCase {
    func testInfoDescribesFiles() throws {
        let result = try Command.run(["info", Fixture.path("images/jpeg_exif6.jpg"), Fixture.path("images/png_rgba16.png")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasSuffix("jpeg_exif6.jpg: JPEG 24×16, 3 channels, 8-bit, orientation 6"), lines[0])
        XCTAssertTrue(lines[1].hasSuffix("png_rgba16.png: PNG 24×16, 4 channels, 16-bit, orientation 1"), lines[1])
    }

    /// `info` decodes the whole picture: a truncated file, a bad CRC and a picture over the pixel cap are one-line
    /// errors with exit 1 (they were described as fine when only the header was read); --header-only still
    /// describes them.
    func testInfoRefusesDamagedFiles() throws {
        let dir = TemporaryFolder()
        let good = Fixture.bytes("images/png_rgb8.png")
        let truncated = dir.write("truncated.png", Array(good[0..<(good.count * 2 / 3)]))
        // A 40000×40000 RGB PNG header with a small IDAT: a decompression bomb's first bytes.
        func chunk(_ kind: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(kind.utf8) + data
            return withUnsafeBytes(of: UInt32(data.count).bigEndian, Array.init) + body
                + withUnsafeBytes(of: crc32(body).bigEndian, Array.init)
        }
        let ihdr = withUnsafeBytes(of: UInt32(40000).bigEndian, Array.init) + withUnsafeBytes(of: UInt32(40000).bigEndian, Array.init)
            + [8, 2, 0, 0, 0]
        let bomb = dir.write("bomb.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr)
            + chunk("IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]) + chunk("IEND", []))
        for (path, label, words) in [(truncated, "truncated", "damaged PNG data"),
                                     (Fixture.path("images/bad_crc.png"), "bad CRC", "CRC error"),
                                     (bomb, "bomb", "more than the cap")] {
            let header = try Command.run(["info", "--header-only", path])
            XCTAssertEqual(header.status, 0, label + ": --header-only describes it: " + header.stderr)
            let result = try Command.run(["info", path])
            assertOneLineError(result, naming: path, saying: words, label)
            XCTAssertEqual(result.status, 1, label)
            XCTAssertEqual(result.stdout, "", label + ": nothing described")
        }
    }

    func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// A folder of 12 numbered frames (frame_2 sorts before frame_10) becomes a 12 + held-frames MP4.
    func testEncodeFramesFolder() throws {
        let dir = TemporaryFolder()
        let frames = dir.file("frames")
        try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: true)
        var sources: [RGBImage] = []
        for i in 1...12 {
            let frame = TestFrames.smooth(i, width: 40, height: 30)
            sources.append(frame)
            try PNGFile.write(frame, to: frames + "/frame_\(i).png")
        }
        let output = dir.file("out.mp4")
        let result = try Command.run(["encode", frames, "--output", output, "--fps", "6", "--hold", "0.5"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let video = try VideoFile.read(output)
        XCTAssertEqual(video.frames.count, 15)
        XCTAssertEqual(video.duration, 2.5, accuracy: 1e-6)
        for (i, source) in sources.enumerated() {
            XCTAssertGreaterThanOrEqual(psnr(video.frames[i], source), 35, "frame \(i + 1) in numeric order")
        }
        // The same facts as ffprobe reports them.
        let probe = try ffprobe(output)
        XCTAssertTrue(probe.contains("codec_name=h264"), probe)
        XCTAssertTrue(probe.contains("pix_fmt=yuv420p"), probe)
        XCTAssertTrue(probe.contains("nb_read_frames=15"), probe)
        XCTAssertTrue(probe.contains("duration=2.500000"), probe)
        XCTAssertEqual(TestFrames.topLevelBoxes(output).filter { $0 == "moov" || $0 == "mdat" }, ["moov", "mdat"])
    }

    /// Each bad frame, put after one good frame, must stop `encode` with its own one-line message.
    func testBadInputsAreRefusedAndNothingIsWritten() throws {
        let good = TestFrames.smooth(0, width: 24, height: 16)
        let png = Fixture.bytes("images/png_rgb8.png")
        let jpeg = Fixture.bytes("images/jpeg_baseline.jpg")
        let cases: [(name: String, bytes: [UInt8]?, message: String)] = [
            ("empty.png", [], "empty file (0 bytes)"),
            ("text.png", Array("just some words\n".utf8), "not an image StyleLapse can read"),
            ("truncated.png", Array(png.prefix(png.count / 2)), "damaged PNG data"),
            ("crc.png", Fixture.bytes("images/bad_crc.png"), "CRC"),
            ("truncated-jpeg.png", Array(jpeg.prefix(jpeg.count - 40)), "damaged or truncated JPEG header"),
            ("huge.png", Fixture.bytes("images/bad_huge_header.png"), "100000×100000"),
            ("folder.png", nil, "is a folder"),
        ]
        for c in cases {
            let dir = TemporaryFolder()
            let frames = dir.file("frames")
            try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: true)
            try PNGFile.write(good, to: frames + "/0001.png")
            let bad = frames + "/0002-" + c.name
            if let bytes = c.bytes { dir.write("frames/0002-" + c.name, bytes) }
            else { try FileManager.default.createDirectory(atPath: bad, withIntermediateDirectories: false) }
            let output = dir.file("out.mp4")
            let result = try Command.run(["encode", frames, "--output", output])
            assertOneLineError(result, naming: bad, saying: c.message, c.name)
            XCTAssertEqual(dir.contents, ["frames"], "\(c.name): nothing written beside the frames")
        }
    }

    func testMissingInputsAndUnwritableOutputs() throws {
        let dir = TemporaryFolder()
        let missing = dir.file("nope.png")
        assertOneLineError(try Command.run(["info", missing]), naming: missing, saying: "no such file", "missing")
        assertOneLineError(try Command.run(["info", dir.path]), naming: dir.path, saying: "is a folder", "folder")

        let frames = dir.file("frames")
        try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: true)
        try PNGFile.write(TestFrames.smooth(0, width: 8, height: 8), to: frames + "/1.png")
        let noFolder = dir.file("absent/out.mp4")
        assertOneLineError(try Command.run(["encode", frames, "--output", noFolder]), naming: noFolder,
                           saying: "does not exist", "missing output folder")
        let plain = dir.write("plain-file", [1, 2, 3])
        let underFile = plain + "/out.mp4"
        assertOneLineError(try Command.run(["encode", frames, "--output", underFile]), naming: underFile,
                           saying: "is not a folder", "output under a file")
        XCTAssertEqual(dir.contents, ["frames", "plain-file"])
    }

    func assertOneLineError(_ result: CommandResult, naming path: String, saying words: String, _ label: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(result.signalled, "\(label): crashed", file: file, line: line)
        XCTAssertNotEqual(result.status, 0, "\(label): exit status", file: file, line: line)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "\(label): one line, got \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(path + ": "), "\(label): names the file: \(result.stderr)",
                      file: file, line: line)
        XCTAssertTrue(result.stderr.contains(words), "\(label): says '\(words)': \(result.stderr)",
                      file: file, line: line)
    }

    func ffprobe(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffprobe")
        process.arguments = ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                             "stream=codec_name,pix_fmt,nb_read_frames,duration", "-of", "default=nw=1", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

final class WeightsCommandTests: XCTestCase {
    func testWeightsPrintsTheTable() throws {
        let result = try Command.run(["weights"])
        if result.stderr.contains("no weights file") && ProcessInfo.processInfo.environment["CI"] != "true" {
            throw XCTSkip("no weights: run tools/setup/fetch-weights")
        }
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("sha256:  "), result.stdout)
        XCTAssertTrue(result.stdout.contains("block5_conv4  weight [512, 512, 3, 3]"), result.stdout)
        XCTAssertTrue(result.stdout.contains("parameters: 20024384"), result.stdout)
        XCTAssertEqual(result.stdout.split(separator: "\n").filter { $0.contains(" weight [") }.count, 16)
    }

    func testMissingWeightsSayHowToFetch() throws {
        let result = try Command.run(["weights", "/nonexistent/vgg19.safetensors"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("/nonexistent/vgg19.safetensors: ") && result.stderr.contains("tools/setup/fetch-weights"),
                      result.stderr)
    }
}

/// Every command's help has an example and says each default once.
final class HelpTests: XCTestCase {
    /// A mistyped option is the error reported, even when the rules between options are broken too (a missing
    /// photo, two options that exclude each other): ArgumentParser runs `validate()` before it looks for unknown
    /// options, which is why the commands' rules run in a second parse (`Rules`). With the rules in `validate()`
    /// alone, `--contnet` said "missing --content".
    func testAMistypedOptionIsNamedBeforeAnyRule() throws {
        let cases: [([String], String)] = [
            (["stylize", "--contnet", "a.png", "--style", "b.jpg"], "Unknown option '--contnet'"),
            (["stylize", "--resume", "x", "--replay", "y", "--bogus"], "Unknown option '--bogus'"),
            (["clip", "--frame-limit", "0", "--stlye", "b.jpg"], "Unknown option '--stlye'"),
            (["sweep", "--strenghts", "0.2,0.4"], "Unknown option '--strenghts'"),
        ]
        for (arguments, expected) in cases {
            let result = try Command.run(arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("Error: " + expected), "\(arguments): \(result.stderr)")
        }
        // The rules still hold once every option is known, and the usage line names the subcommand.
        let missing = try Command.run(["stylize", "--content", "a.png"])
        XCTAssertEqual(missing.status, 64)
        XCTAssertTrue(missing.stderr.hasPrefix("Error: missing --style (the painting)"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("Usage: stylelapse stylize"), missing.stderr)
    }

    func testEveryHelpHasAnExampleAndOneDefaultPerOption() throws {
        for command in [["stylize"], ["sweep"], ["info"], ["encode"], ["weights"], ["bench", "engine"], ["bench", "iteration"]] {
            let result = try Command.run(command + ["--help"])
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.contains("Example: stylelapse " + command.joined(separator: " ")), result.stdout)
            // Each option's entry: its first line ("  --name …") and the indented lines that continue it.
            var entries: [String] = []
            for line in result.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("  -") { entries.append(String(line)) }
                else if line.hasPrefix("        "), !entries.isEmpty { entries[entries.count - 1] += " " + line }
            }
            XCTAssertGreaterThan(entries.count, 0, "\(command)")
            for entry in entries {
                XCTAssertLessThanOrEqual(entry.lowercased().components(separatedBy: "default").count - 1, 1,
                                         "\(command): \(entry)")
            }
        }
    }
}
