// `clip --segment K/N --work DIR` and `clip --join DIR --output OUT` at the command line: segments painted out of
// order join into the clip of their frames, with the clip's times and sound; bad segments and joins are refused in
// one line, losing nothing. (A task killed with SIGKILL and run again: SlurmTests.)

import Foundation
import ImageFiles
import TestSupport
import XCTest

final class ClipSegmentTests: XCTestCase {
    static let style = Fixture.path("demo/starry_night.jpg")

    /// A segment of `clip` at 48 px, few steps.
    static func segment(_ clip: String, _ k: String, _ work: String, style: String = style, _ more: [String] = []) -> [String] {
        ["clip", "--content", clip, "--style", style, "--max-size", "48", "--iterations", "6", "--frame-iterations", "4",
         "--segment", k, "--work", work, "--quiet"] + more
    }

    /// An 8-frame pan (10 frames/s) with 0.8 s of sound.
    static func clipWithSound(_ folder: TemporaryFolder) throws -> String {
        let pan = try TestClips.pan(folder.file("pan.mp4"), frames: 8)
        let clip = folder.file("sound.mp4")
        try TestClips.ffmpeg(["-i", pan, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=0.8",
                              "-t", "0.8", "-c:v", "copy", "-c:a", "aac", clip])
        return clip
    }

    func testSegmentsOutOfOrderJoinIntoTheClipWithItsTimesAndSound() throws {
        _ = try RealWeights.require()
        let folder = TemporaryFolder()
        let clip = try Self.clipWithSound(folder)
        // Out of order: segment 3 paints the keyframes it needs, the others find them (SlurmTests: in parallel, the
        // same frames as in order).
        let (name, order) = ("a", ["3/3", "1/3", "2/3"])
        do {
            let work = folder.file("work-" + name)
            for k in order {
                let result = try Command.run(Self.segment(clip, k, work))
                XCTAssertEqual(result.status, 0, "\(k): \(result.stderr)")
            }
            let (output, lossless) = (folder.file("joined-\(name).mp4"), folder.file("joined-\(name).apng"))
            for path in [output, lossless] {
                let join = try Command.run(["clip", "--join", work, "--output", path, "--quiet"])
                XCTAssertEqual(join.status, 0, join.stderr)
            }
            // The segments' frames (their PNGs), in order, are what was encoded: frames 0, 2 and 5 start segments 1–3.
            let video = try VideoFile.read(lossless)
            XCTAssertEqual(video.frames.count, 8)
            for index in 0..<8 {
                let k = index < 2 ? 1 : index < 5 ? 2 : 3
                let png = try ImageFile.read(work + String(format: "/segment-%03d/frames/frame_%06d.png", k, index))
                XCTAssertEqual(png.pixels, video.frames[index].pixels, "frame \(index): the segment's")
            }
            let (times, inputTimes) = (try ClipCommandTests.frameTimes(output), try ClipCommandTests.frameTimes(clip))
            XCTAssertEqual(times.count, 8)
            for (a, b) in zip(times, inputTimes) { XCTAssertEqual(a, b, accuracy: 0.011) }
            let sound = try TestClips.probe(output, "stream=duration", extra: ["-select_streams", "a:0"])
            let seconds = try XCTUnwrap(Double(sound.split(separator: "=").last!.trimmingCharacters(in: .whitespacesAndNewlines)), sound)
            XCTAssertEqual(seconds, 0.8, accuracy: 0.03, "the clip's whole sound")
        }
    }

    func testBadSegmentsAndJoinsAreRefusedInOneLineLosingNothing() throws {
        _ = try RealWeights.require()
        let folder = TemporaryFolder()
        let clip = try TestClips.pan(folder.file("pan.mp4"), frames: 3)
        let style = folder.file("painting.jpg")
        try FileManager.default.copyItem(atPath: Self.style, toPath: style)
        let work = folder.file("work")
        for bad in ["4/3", "0/3", "a/b", "1/0", "2"] {
            let result = try Command.run(Self.segment(clip, bad, work))
            XCTAssertEqual(result.status, 64, "\(bad): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("Error: --segment must be K/N"), result.stderr)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: work), "nothing made for a refused segment")
        let noWork = try Command.run(Array(Self.segment(clip, "1/3", work).dropLast(3)) + ["--quiet"])
        XCTAssertEqual(noWork.status, 64, noWork.stderr)
        XCTAssertTrue(noWork.stderr.contains("--work"), noWork.stderr)

        // Three one-frame segments (each its keyframe); the second not painted yet.
        for k in ["1/3", "3/3"] {
            let result = try Command.run(Self.segment(clip, k, work, style: style))
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        let output = folder.file("out.mp4")
        func join() throws -> CommandResult { try Command.run(["clip", "--join", work, "--output", output, "--quiet"]) }
        func refused(_ result: CommandResult, _ words: [String]) {
            XCTAssertEqual(result.status, 1, result.stderr)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            for word in words { XCTAssertTrue(result.stderr.contains(word), "\(word): \(result.stderr)") }
            XCTAssertFalse(FileManager.default.fileExists(atPath: output))
            XCTAssertFalse(FileManager.default.fileExists(atPath: output + ".part"))
        }
        refused(try join(), ["segment-002", "segment 2/3 is not painted yet"])
        // Another segment count into the same folder.
        let other = try Command.run(Self.segment(clip, "2/2", work, style: style))
        XCTAssertEqual(other.status, 1, other.stderr)
        XCTAssertTrue(other.stderr.contains("3 segments, not 2"), other.stderr)
        let second = try Command.run(Self.segment(clip, "2/3", work, style: style))
        XCTAssertEqual(second.status, 0, second.stderr)
        // A segment still running (or stopped): fewer frames done than it holds.
        let state = work + "/segment-002/clip.json"
        let saved = try String(contentsOfFile: state, encoding: .utf8)
        try saved.replacingOccurrences(of: "\"framesDone\" : 2", with: "\"framesDone\" : 1")
            .write(toFile: state, atomically: true, encoding: .utf8)
        refused(try join(), ["segment-002", "0 of its 1 frames"])
        try saved.write(toFile: state, atomically: true, encoding: .utf8)
        // The painting changed since the segments were begun.
        try FileManager.default.removeItem(atPath: style)
        try FileManager.default.copyItem(atPath: Fixture.path("demo/chelsea.png"), toPath: style)
        refused(try join(), [style, "has changed"])
        // An output over the clip: a usage error.
        let over = try Command.run(["clip", "--join", work, "--output", clip, "--quiet"])
        XCTAssertEqual(over.status, 64, over.stderr)
        let joinWithPainting = try Command.run(["clip", "--join", work, "--output", output, "--max-size", "64"])
        XCTAssertEqual(joinWithPainting.status, 64, joinWithPainting.stderr)
        XCTAssertTrue(joinWithPainting.stderr.contains("--max-size"), joinWithPainting.stderr)
    }
}
