// Checkpoints and resume: a run stopped and resumed ends with the same image and loss, bit for bit, as one that
// ran through, and its timelapse holds every frame of the whole run.

import Foundation
import ImageFiles
import StyleLapse
import TestSupport
import Timelapse
import XCTest

final class CheckpointCommandTests: XCTestCase {
    let content = Fixture.path("demo/chelsea.png"), style = Fixture.path("demo/starry_night.jpg")

    override func setUpWithError() throws { _ = try RealWeights.require() }

    func resumeMatchesUninterrupted(_ extra: [String]) throws {
        let dir = TemporaryFolder()
        let common = ["stylize", "--content", content, "--style", style, "--max-size", "48", "--quiet",
                      "--hold", "0", "--checkpoint-every", "2"] + extra
        let whole = try Command.run(common + ["--iterations", "9", "--output", dir.file("whole.png"),
                                              "--video", dir.file("whole.mp4"), "--checkpoint", dir.file("ckw")])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        let part = try Command.run(common + ["--iterations", "4", "--output", dir.file("split.png"),
                                             "--video", dir.file("split.mp4"), "--trace", dir.file("split.jsonl"),
                                             "--checkpoint", dir.file("cks")])
        XCTAssertEqual(part.status, 0, part.stderr)
        let resumed = try Command.run(["stylize", "--resume", dir.file("cks"), "--iterations", "9", "--quiet"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)

        let a = try Checkpoint.load(dir.file("ckw")).state, b = try Checkpoint.load(dir.file("cks")).state
        XCTAssertEqual(a.iteration, 9)
        XCTAssertEqual(b.iteration, 9)
        XCTAssertEqual([a.x.count, b.x.count, a.best.count, b.best.count], Array(repeating: 3 * 48 * 32, count: 4))
        XCTAssertTrue(zip(a.x, b.x).allSatisfy { $0.bitPattern == $1.bitPattern }, "same final image, bit for bit")
        XCTAssertTrue(zip(a.best, b.best).allSatisfy { $0.bitPattern == $1.bitPattern }, "same best image")
        XCTAssertEqual(a.loss.total.bitPattern, b.loss.total.bitPattern, "same loss, bit for bit")
        XCTAssertEqual(a.bestLoss.total.bitPattern, b.bestLoss.total.bitPattern)
        XCTAssertEqual(Fixture.bytesAt(dir.file("whole.png")), Fixture.bytesAt(dir.file("split.png")))
        let (wholeVideo, splitVideo) = (try VideoFile.read(dir.file("whole.mp4")), try VideoFile.read(dir.file("split.mp4")))
        XCTAssertEqual(splitVideo.frames.count, 10, "frames of iterations 0…9")
        XCTAssertTrue(wholeVideo.frames == splitVideo.frames, "the same timelapse")
        let trace = try String(contentsOfFile: dir.file("split.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(trace.count, 10, "the trace holds the whole run")
    }

    func testAdamResumesBitForBit() throws { try resumeMatchesUninterrupted(["--preset", "report"]) }

    func testLBFGSResumesBitForBit() throws { try resumeMatchesUninterrupted([]) }

    /// The timelapse's moving average is part of the checkpoint: the resumed video's frames go on from it.
    func testSmoothedTimelapseResumes() throws { try resumeMatchesUninterrupted(["--smooth", "0.3"]) }

    func testResumeRefusesAChangedContentFile() throws {
        let dir = TemporaryFolder()
        let photo = dir.write("photo.png", Fixture.bytes("demo/chelsea.png"))
        let first = try Command.run(["stylize", "--content", photo, "--style", style, "--max-size", "32", "--quiet",
                                     "--iterations", "1", "--output", dir.file("o.png"), "--checkpoint", dir.file("ck")])
        XCTAssertEqual(first.status, 0, first.stderr)
        try PNGFile.write(RGBImage(width: 40, height: 30, filledWith: (1, 2, 3)), to: photo)
        let again = try Command.run(["stylize", "--resume", dir.file("ck"), "--iterations", "3"])
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("has changed since the checkpoint"), again.stderr)
    }
}

/// A damaged checkpoint is one line naming it, never a crash.
final class DamagedCheckpointCommandTests: XCTestCase {
    func testResumeFromADamagedCheckpoint() throws {
        let dir = TemporaryFolder()
        for (name, bytes) in [("truncated", Array("SLCK".utf8) + [2, 0, 0, 0, 200, 0, 0, 0] + Array("{\"settings\"".utf8)),
                              ("garbage", [UInt8](repeating: 0xFF, count: 300)),
                              ("old", Array("SLCK".utf8) + [1, 0, 0, 0, 2, 0, 0, 0] + Array("{}".utf8))] {
            try FileManager.default.createDirectory(atPath: dir.file(name), withIntermediateDirectories: false)
            _ = dir.write(name + "/state.bin", bytes)
            let result = try Command.run(["stylize", "--resume", dir.file(name), "--quiet"])
            XCTAssertEqual(result.status, 1, name + ": " + result.stderr)
            XCTAssertFalse(result.signalled, name)
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(dir.file(name) + "/state.bin"), result.stderr)
        }
    }
}
