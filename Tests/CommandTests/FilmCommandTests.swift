// The finished film from the command line: its parts and length, its tags, several files from one run, and the
// frame store that never outlives the run (a normal end, Ctrl-C, a full disk).

import Foundation
import StyleLapse
import ImageFiles
import TestSupport
import Timelapse
import XCTest

final class FilmCommandTests: XCTestCase {
    let content = Fixture.path("demo/chelsea.png"), style = Fixture.path("demo/starry_night.jpg")

    override func setUpWithError() throws { _ = try RealWeights.require() }

    func testTheDefaultFilmOpensPacesAndCloses() throws {
        let dir = TemporaryFolder(), spool = TemporaryFolder()
        let result = try Command.run(["stylize", "--content", content, "--style", style, "--max-size", "64",
                                      "--iterations", "12", "--output", dir.file("o.png"), "--video", dir.file("a.mp4"),
                                      "--video", dir.file("b.mp4"), "--fps", "10", "--duration", "3", "--intro", "1",
                                      "--outro", "1", "--hold", "0.5"], environment: ["TMPDIR": spool.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        // 1 s opening, 3 s of painting, 0.5 s held, a 0.3 s crossfade and 1 s closing card, at 10 fps.
        XCTAssertTrue(result.stdout.contains("(5.8 s: 1.0 opening, 3.0 painting, 1.8 closing)"), result.stdout)
        let a = try VideoFile.read(dir.file("a.mp4")), b = try VideoFile.read(dir.file("b.mp4"))
        XCTAssertEqual(a.frames.count, 10 + 30 + 5 + 3 + 10)
        XCTAssertEqual(a.duration, 5.8, accuracy: 0.05)
        XCTAssertEqual(b.frames.count, a.frames.count, "the second file is the same film")
        XCTAssertEqual(a.metadata["title"], "chelsea.png in the style of starry_night.jpg")
        let comment = a.metadata["comment"] ?? ""
        XCTAssertTrue(comment.hasPrefix("StyleLapse ") && comment.contains("--duration 3") && comment.contains("\"iterations\":12"),
                      comment)
        // Every file by its name, none by the folders it was in (the film travels; the user's folders stay home).
        XCTAssertTrue(comment.contains("--content chelsea.png") && comment.contains("\"content\":\"chelsea.png\""), comment)
        XCTAssertFalse(comment.contains(Fixture.root) || comment.contains(dir.path) || comment.contains("\\/Fixtures\\/"),
                       comment)
        XCTAssertLessThan(mean(a.frames[0]), 1, "it opens from black")
        XCTAssertGreaterThan(mean(a.frames[6]), 20, "on the card")
        XCTAssertEqual(spool.contents, [], "no frame store left")
    }

    func testCtrlCLeavesNoFrameStoreAndAPlayableFilm() throws {
        let dir = TemporaryFolder(), spool = TemporaryFolder()
        let process = try Command.start(["stylize", "--content", content, "--style", style, "--max-size", "96",
                                         "--iterations", "100000", "--output", dir.file("b.png"),
                                         "--video", dir.file("v.mp4"), "--trace", dir.file("t.jsonl"), "--fps", "10",
                                         "--duration", "2", "--intro", "0.5", "--outro", "0.5", "--hold", "0"],
                                        environment: ["TMPDIR": spool.path])
        Trace.waitForLines(dir.file("t.jsonl"), 4)
        XCTAssertEqual(spool.contents, [], "the store is unlinked while the run goes")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertEqual(try VideoFile.read(dir.file("v.mp4")).frames.count, 5 + 20 + 2 + 5)
        XCTAssertEqual(spool.contents, [])
    }

    func testAFullDiskUnderTheFrameStoreKeepsTheBestImage() throws {
        let dir = TemporaryFolder(), small = try SmallFileSystem(kilobytes: 48)
        let result = try Command.run(["stylize", "--content", content, "--style", style, "--max-size", "128",
                                      "--iterations", "40", "--output", dir.file("o.png"), "--video", dir.file("v.mp4"),
                                      "--quiet"], environment: ["TMPDIR": small.path])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertFalse(result.signalled)
        XCTAssertTrue(result.stderr.contains("cannot keep the film's frames") && result.stderr.contains("the best image so far"),
                      result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertEqual(dir.contents, ["o.png"], "the best image, no video, no .part")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: small.path), [])
    }

    func mean(_ image: RGBImage) -> Double { Double(image.pixels.reduce(0) { $0 + Int($1) }) / Double(image.pixels.count) }
}

/// One run, every film format: each decoded back (animated WebP, which FFmpeg cannot decode, by its chunks).
final class FilmFormatTests: XCTestCase {
    override func setUpWithError() throws { _ = try RealWeights.require() }

    func testEveryFormatFromOneRun() throws {
        let dir = TemporaryFolder()
        let names = ["f.mp4", "f.webm", "f.gif", "f.webp", "f.apng"]
        let result = try Command.run(["stylize", "--content", Fixture.path("demo/chelsea.png"),
                                      "--style", Fixture.path("demo/starry_night.jpg"), "--max-size", "48",
                                      "--iterations", "6", "--output", dir.file("o.png"), "--fps", "20", "--duration", "2",
                                      "--intro", "0.5", "--outro", "0.5", "--hold", "0.25", "--quiet"]
                                     + names.flatMap { ["--video", dir.file($0)] })
        XCTAssertEqual(result.status, 0, result.stderr)
        // 0.5 s opening, 2 s painting, 0.25 s held, a 0.15 s crossfade, 0.5 s closing card at 20 fps: 68 frames.
        let frames = 10 + 40 + 5 + 3 + 10
        for (name, codec, count) in [("f.mp4", "h264", frames), ("f.webm", "vp9", frames), ("f.apng", "apng", frames),
                                     ("f.gif", "gif", frames / 2)] {   // a GIF keeps at most 15 frames a second
            let video = try VideoFile.read(dir.file(name))
            XCTAssertEqual(video.codecName, codec, name)
            XCTAssertEqual(video.frames.count, count, name)
            XCTAssertEqual([video.frames[0].width, video.frames[0].height], [48, 32], name)
            if name != "f.apng" { XCTAssertEqual(video.duration, 3.4, accuracy: 0.06, name) }
            let last = video.frames.last!, mid = video.frames[count / 2]
            XCTAssertGreaterThan(last.meanAbsoluteDifference(mid), 5, "\(name): the closing card differs from the painting")
        }
        let gif = Fixture.bytesAt(dir.file("f.gif"))!
        XCTAssertEqual(Array(gif[0..<6]), Array("GIF89a".utf8))
        XCTAssertNotNil(gif.firstRange(of: Array("NETSCAPE2.0".utf8)), "the GIF loops")
        // Animated WebP: RIFF/WEBP, a VP8X header with the animation flag, one ANMF chunk per frame.
        let webp = Fixture.bytesAt(dir.file("f.webp"))!
        XCTAssertEqual([Array(webp[0..<4]), Array(webp[8..<12]), Array(webp[12..<16])],
                       [Array("RIFF".utf8), Array("WEBP".utf8), Array("VP8X".utf8)])
        XCTAssertNotEqual(webp[20] & 0x02, 0, "the animation flag")
        var chunks: [String] = [], i = 12
        while i + 8 <= webp.count {
            let size = Int(webp[i + 4]) | Int(webp[i + 5]) << 8 | Int(webp[i + 6]) << 16 | Int(webp[i + 7]) << 24
            chunks.append(String(decoding: webp[i..<(i + 4)], as: UTF8.self))
            i += 8 + size + (size & 1)
        }
        XCTAssertTrue(chunks.contains("ANIM"))
        XCTAssertGreaterThan(chunks.filter { $0 == "ANMF" }.count, frames / 2, "frames (identical ones may merge)")
    }
}

extension FilmCommandTests {
    /// A film's tags name the weights by file name and hash, never by a path on the machine that made it.
    func testTheFilmNamesTheWeightsByNameAndHashNotByPath() throws {
        let dir = TemporaryFolder()
        let weights = try RealWeights.require()
        let result = try Command.run(["stylize", "--content", content, "--style", style, "--max-size", "32",
                                      "--iterations", "1", "--quiet", "--output", dir.file("o.png"),
                                      "--video", dir.file("a.mp4"), "--intro", "0", "--outro", "0"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let comment = try VideoFile.read(dir.file("a.mp4")).metadata["comment"] ?? ""
        let folder = (weights as NSString).deletingLastPathComponent
        XCTAssertFalse(comment.contains(folder), "the weights' folder travels with the film: \(comment)")
        XCTAssertTrue(comment.contains("vgg19.safetensors"), comment)
        XCTAssertTrue(comment.contains("a5ca49fed7216cf3"), "the weights' data hash: \(comment)")
    }
}
