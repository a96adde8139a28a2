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

    /// `optimised`: the optimised picture's width and height (the photo's 48×32 with its margin around it: by
    /// default a quarter of 32, 8 pixels).
    func resumeMatchesUninterrupted(_ extra: [String], optimised: (Int, Int) = (64, 48)) throws {
        let dir = TemporaryFolder()
        let common = ["stylize", "--content", content, "--style", style, "--max-size", "48", "--quiet",
                      "--hold", "0", "--pace", "iterations", "--intro", "0", "--outro", "0", "--checkpoint-every", "2"] + extra
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
        XCTAssertEqual([a.x.count, b.x.count, a.best.count, b.best.count],
                       Array(repeating: 3 * optimised.0 * optimised.1, count: 4))
        XCTAssertTrue(zip(a.x, b.x).allSatisfy { $0.bitPattern == $1.bitPattern }, "same final image, bit for bit")
        XCTAssertTrue(zip(a.best, b.best).allSatisfy { $0.bitPattern == $1.bitPattern }, "same best image")
        XCTAssertEqual(a.loss.total.bitPattern, b.loss.total.bitPattern, "same loss, bit for bit")
        XCTAssertEqual(a.bestLoss.total.bitPattern, b.bestLoss.total.bitPattern)
        XCTAssertEqual(Fixture.bytesAt(dir.file("whole.png")), Fixture.bytesAt(dir.file("split.png")))
        let (wholeVideo, splitVideo) = (try VideoFile.read(dir.file("whole.mp4")), try VideoFile.read(dir.file("split.mp4")))
        XCTAssertEqual(splitVideo.frames.count, 10, "frames of iterations 0…9")
        XCTAssertTrue(wholeVideo.frames == splitVideo.frames, "the same timelapse")
        XCTAssertEqual(try Trace.read(dir.file("split.jsonl")).map { $0["iteration"] as? Int }, Array(0...9),
                       "the trace holds the whole run")
        let events = try Trace.events(dir.file("split.jsonl"))
        XCTAssertEqual(events.map { $0["event"] as? String }, ["finish"], "one finish, the resumed run's")
        XCTAssertEqual(events.last?["iteration"] as? Int, 9)
    }

    func testAdamResumesBitForBit() throws { try resumeMatchesUninterrupted(["--preset", "report"], optimised: (48, 32)) }

    func testLBFGSResumesBitForBit() throws { try resumeMatchesUninterrupted([]) }

    /// A run of 0 steps checkpoints the photo and no gradient; resumed, it goes on as a run that started with more
    /// steps (L-BFGS's refused it as damaged, Adam's already did this).
    func testACheckpointOfNoStepsResumes() throws {
        let dir = TemporaryFolder()
        for optimizer in ["lbfgs", "adam"] {
            let common = ["stylize", "--content", content, "--style", style, "--max-size", "40", "--scales", "1",
                          "--quiet", "--optimizer", optimizer]
            let none = try Command.run(common + ["--iterations", "0", "--output", dir.file("\(optimizer)0.png"),
                                                 "--checkpoint", dir.file("ck-\(optimizer)")])
            XCTAssertEqual(none.status, 0, none.stderr)
            let resumed = try Command.run(["stylize", "--resume", dir.file("ck-\(optimizer)"), "--iterations", "3", "--quiet"])
            XCTAssertEqual(resumed.status, 0, "\(optimizer): \(resumed.stderr)")
            let whole = try Command.run(common + ["--iterations", "3", "--output", dir.file("\(optimizer)3.png"),
                                                  "--checkpoint", dir.file("ckw-\(optimizer)")])
            XCTAssertEqual(whole.status, 0, whole.stderr)
            guard resumed.status == 0 else { continue }
            let (a, b) = (try Checkpoint.load(dir.file("ck-\(optimizer)")).state, try Checkpoint.load(dir.file("ckw-\(optimizer)")).state)
            XCTAssertEqual(a.iteration, 3)
            XCTAssertEqual(a.loss.total.bitPattern, b.loss.total.bitPattern, "\(optimizer): the same loss, bit for bit")
            XCTAssertTrue(zip(a.x, b.x).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(optimizer): the same picture")
        }
    }

    /// The network's padding and the margin are the checkpoint's: a resumed run that lost them would end elsewhere.
    func testPaddedRunWithAMarginResumesBitForBit() throws {
        try resumeMatchesUninterrupted(["--padding", "reflect-all", "--margin", "4"], optimised: (56, 40))
    }

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

/// A checkpoint whose bytes are well formed but whose values no run can use — edited by hand or by another
/// program — is an error naming it; these reached the engine's preconditions (and an index out of range) before.
final class EditedCheckpointCommandTests: XCTestCase {
    override func setUpWithError() throws { _ = try RealWeights.require() }

    /// A real checkpoint of a 2-step run at 32 px, with a video, in `dir/ck`.
    func checkpoint(_ dir: TemporaryFolder) throws -> String {
        let run = try Command.run(["stylize", "--content", Fixture.path("demo/chelsea.png"),
                                   "--style", Fixture.path("demo/starry_night.jpg"), "--max-size", "32", "--scales", "1",
                                   "--iterations", "2", "--quiet", "--output", dir.file("o.png"),
                                   "--video", dir.file("v.mp4"), "--hold", "0", "--pace", "iterations", "--intro", "0", "--outro", "0", "--checkpoint", dir.file("ck")])
        XCTAssertEqual(run.status, 0, run.stderr)
        return dir.file("ck")
    }

    /// Rewrites the JSON header of `folder/state.bin` with `edit`.
    func editHeader(_ folder: String, _ edit: (inout [String: Any]) -> Void) throws {
        let path = folder + "/state.bin"
        let bytes = Fixture.bytesAt(path)!
        let length = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        var header = try JSONSerialization.jsonObject(with: Data(bytes[12..<(12 + length)])) as! [String: Any]
        edit(&header)
        let json = [UInt8](try JSONSerialization.data(withJSONObject: header))
        let size = (0..<4).map { UInt8((json.count >> (8 * $0)) & 0xFF) }
        try Data(Array(bytes[0..<8]) + size + json + Array(bytes[(12 + length)...])).write(to: URL(fileURLWithPath: path))
    }

    func testValuesNoRunCanUseAreOneLineNamingTheCheckpoint() throws {
        let edits: [(String, (inout [String: Any]) -> Void)] = [
            ("film every 0", { h in
                var s = h["settings"] as! [String: Any], f = s["film"] as! [String: Any]
                f["every"] = 0; s["film"] = f; h["settings"] = s }),
            ("no style layers", { h in
                var s = h["settings"] as! [String: Any], r = s["run"] as! [String: Any], o = r["objective"] as! [String: Any]
                o["styleLayers"] = [Any](); r["objective"] = o; s["run"] = r; h["settings"] = s }),
            ("pass 7 of 1", { h in
                var p = h["pass"] as! [String: Any]
                p["index"] = 7; h["pass"] = p })]
        for (name, edit) in edits {
            let dir = TemporaryFolder()
            let folder = try checkpoint(dir)
            try editHeader(folder, edit)
            let result = try Command.run(["stylize", "--resume", folder, "--iterations", "4", "--quiet"])
            XCTAssertEqual(result.status, 1, name + ": " + result.stderr)
            XCTAssertFalse(result.signalled, name)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, name + ": " + result.stderr)
            XCTAssertTrue(result.stderr.contains(folder + "/state.bin: damaged checkpoint"), name + ": " + result.stderr)
        }
    }

    /// A kept frame of another size is left out of the resumed film (with a notice), not fed to the encoder.
    func testAFrameOfAnotherSizeIsLeftOut() throws {
        let dir = TemporaryFolder()
        let folder = try checkpoint(dir)
        let frames = try FileManager.default.contentsOfDirectory(atPath: folder + "/frames").filter { $0.hasSuffix(".png") }
        XCTAssertFalse(frames.isEmpty, "the checkpoint keeps the film's frames")
        try PNGFile.write(RGBImage(width: 20, height: 20, filledWith: (9, 9, 9)), to: folder + "/frames/" + frames.sorted()[0])
        let result = try Command.run(["stylize", "--resume", folder, "--iterations", "4"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.signalled)
        XCTAssertTrue(result.stderr.contains("lacks some frames"), result.stderr)
        XCTAssertEqual(try VideoFile.read(dir.file("v.mp4")).frames.count, 4, "iterations 1…4 (frame 0 left out)")
    }
}

extension CheckpointCommandTests {
    /// Ctrl-C with --checkpoint says the checkpoint is saved and how to go on.
    func testAStoppedCheckpointedRunSaysHowToResume() throws {
        let dir = TemporaryFolder()
        let process = try Command.start(["stylize", "--content", content, "--style", style, "--max-size", "48",
                                         "--iterations", "100000", "--output", dir.file("b.png"),
                                         "--trace", dir.file("t.jsonl"), "--checkpoint", dir.file("ck")],
                                        stderr: dir.file("err.txt"))
        Trace.waitForLines(dir.file("t.jsonl"), 3)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        let said = try String(contentsOfFile: dir.file("err.txt"), encoding: .utf8)
        XCTAssertTrue(said.contains("checkpoint saved in \(dir.file("ck"))"), said)
        XCTAssertTrue(said.contains("--resume \(dir.file("ck"))"), said)
    }

    /// A resumed run's summary counts the steps it made itself, not the first run's.
    func testAResumedRunCountsItsOwnSteps() throws {
        let dir = TemporaryFolder()
        let common = ["stylize", "--content", content, "--style", style, "--max-size", "32"]
        let first = try Command.run(common + ["--iterations", "4", "--output", dir.file("o.png"),
                                              "--checkpoint", dir.file("ck")])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains(": 4 iterations"), first.stdout)
        let resumed = try Command.run(["stylize", "--resume", dir.file("ck"), "--iterations", "7"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains(": 3 iterations"), resumed.stdout)
        XCTAssertFalse(resumed.stdout.contains(": 7 iterations"), resumed.stdout)
    }
}
