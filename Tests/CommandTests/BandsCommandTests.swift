// Print size in bounded memory (#16) at the command line: a run whose objective is evaluated checkpointed in bands
// (--bands, or chosen by the planner within --memory-limit) is the full tape's run, and the plan is said before the
// run; `bench iteration` reports its plan.

import Foundation
import ImageFiles
import StyleLapse
import TestSupport
import Timelapse
import XCTest

final class BandsCommandTests: XCTestCase {
    override func setUpWithError() throws { _ = try RealWeights.require() }

    /// A tall photo (40×352: blocks 1–4 recomputed in bands of 16 rows, 22 of them in block 1, 3 in block 4) and the
    /// painting, 2 L-BFGS steps, on one tape and in bands: the same losses at every iteration and the same picture.
    func testARunInBandsIsTheWholePicturesRun() throws {
        let dir = TemporaryFolder()
        let photo = try ImageFile.read(Fixture.path("demo/chelsea.png")).resized(width: 40, height: 352)
        let path = dir.write("tall.png", try PNGFile.encode(photo, name: "tall.png"))
        let run = ["stylize", "--content", path, "--style", Fixture.path("demo/starry_night.jpg"), "--max-size", "352",
                   "--iterations", "2", "--scales", "1", "--margin", "0"]
        let whole = try Command.run(run + ["--bands", "0", "--output", dir.file("whole.png"), "--trace", dir.file("whole.jsonl")])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        XCTAssertTrue(whole.stderr.contains("the objective evaluated on one tape"), whole.stderr)
        let banded = try Command.run(run + ["--bands", "16", "--output", dir.file("bands.png"), "--trace", dir.file("bands.jsonl")])
        XCTAssertEqual(banded.status, 0, banded.stderr)
        XCTAssertTrue(banded.stderr.contains("the objective evaluated checkpointed (blocks 1–4 recomputed in bands of 16 rows)"), banded.stderr)
        let (a, b) = (try Trace.read(dir.file("whole.jsonl")), try Trace.read(dir.file("bands.jsonl")))
        XCTAssertEqual(a.count, 3)
        XCTAssertEqual(b.count, 3)
        for (x, y) in zip(a, b) {
            let (p, q) = (x["total"] as! Double, y["total"] as! Double)
            XCTAssertEqual(q, p, accuracy: 1e-5 * p, "iteration \(x["iteration"]!): the same loss")
        }
        let (p, q) = (try ImageFile.read(dir.file("whole.png")), try ImageFile.read(dir.file("bands.png")))
        XCTAssertEqual([p.width, p.height], [40, 352])
        let largest = zip(p.pixels, q.pixels).map { abs(Int($0) - Int($1)) }.max()!
        XCTAssertLessThanOrEqual(largest, 1, "the same picture, within a level")
    }

    func testBenchIterationReportsItsPlan() throws {
        for (extra, plan) in [(["--bands", "16"], "checkpointed (blocks 1–4 recomputed in bands of 16 rows)"),
                              (["--recompute", "5", "--bands", "32"], "checkpointed (blocks 1–5 recomputed in bands of 32 rows)"),
                              (["--recompute", "2"], "checkpointed (blocks 1–2 recomputed)"),
                              (["--memory-limit", "100G"], "full tape")] {
            let result = try Command.run(["bench", "iteration", "--size", "288", "--repeats", "1", "--json"] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
            XCTAssertEqual(object["plan"] as? String, plan)
            XCTAssertEqual(object["recomputed_blocks"] as? Int, plan == "full tape" ? nil : Int(extra[1] == "16" ? "4" : extra[1]))
            XCTAssertGreaterThan(object["estimated_peak_mb"] as? Double ?? 0, 0)
            XCTAssertGreaterThan(object["peak_rss_mb"] as? Double ?? 0, 0)
        }
        let refused = try Command.run(["bench", "iteration", "--size", "4096", "--memory-limit", "100M"])
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.stderr.contains("does not fit in 100 MB"), refused.stderr)
    }

    /// The film of a picture larger than --video-size is filmed at that size; the PNG keeps the picture's.
    func testTheFilmAtADisplaySize() throws {
        let dir = TemporaryFolder()
        let result = try Command.run(["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style",
                                      Fixture.path("demo/starry_night.jpg"), "--max-size", "96", "--iterations", "2",
                                      "--scales", "1", "--quiet", "--video-size", "48", "--output", dir.file("o.png"),
                                      "--video", dir.file("o.mp4"), "--pace", "iterations", "--intro", "0", "--outro", "0",
                                      "--hold", "0", "--checkpoint", dir.file("ck")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let picture = try ImageFile.read(dir.file("o.png")), film = try VideoFile.read(dir.file("o.mp4"))
        XCTAssertEqual([picture.width, picture.height], [96, 64])
        XCTAssertEqual([film.width, film.height], [48, 32])
        XCTAssertEqual(film.frames.count, 3)
        // A resumed run films at the size the checkpoint keeps (it was lost: the film came back at 96×64).
        let resumed = try Command.run(["stylize", "--resume", dir.file("ck"), "--iterations", "3", "--quiet"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let longer = try VideoFile.read(dir.file("o.mp4"))
        XCTAssertEqual([longer.width, longer.height, longer.frames.count], [48, 32, 4])
        let refused = try Command.run(["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style",
                                       Fixture.path("demo/starry_night.jpg"), "--video-size", "4", "--video", dir.file("x.mp4")])
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.stderr.contains("--video-size must be 16…8192"), refused.stderr)
    }

    /// `--bit-depth 16` writes the best picture as a 16-bit PNG (its values between the 8-bit levels kept), which
    /// reads back as the 8-bit PNG of the same run within a level; a checkpoint keeps the choice.
    func testASixteenBitPicture() throws {
        let dir = TemporaryFolder()
        let run = ["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style", Fixture.path("demo/starry_night.jpg"),
                   "--max-size", "64", "--iterations", "2", "--scales", "1", "--quiet"]
        let deep = try Command.run(run + ["--bit-depth", "16", "--output", dir.file("deep.png"), "--checkpoint", dir.file("ck")])
        XCTAssertEqual(deep.status, 0, deep.stderr)
        let plain = try Command.run(run + ["--output", dir.file("plain.png")])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertEqual(try ImageFile.header(dir.file("deep.png")).bitDepth, 16)
        XCTAssertEqual(try ImageFile.header(dir.file("plain.png")).bitDepth, 8)
        let (a, b) = (try ImageFile.read(dir.file("deep.png")), try ImageFile.read(dir.file("plain.png")))
        XCTAssertEqual([a.width, a.height], [b.width, b.height])
        XCTAssertLessThanOrEqual(zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max()!, 1)
        // Resumed with more steps, the picture is 16-bit again.
        let resumed = try Command.run(["stylize", "--resume", dir.file("ck"), "--iterations", "3", "--quiet"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try ImageFile.header(dir.file("deep.png")).bitDepth, 16)
        for (args, message) in [(["--bit-depth", "12"], "--bit-depth must be 8 or 16"),
                                (["--bit-depth", "16", "--output", dir.file("x.jpg")], "--bit-depth goes with a .png --output")] {
            let refused = try Command.run(run + args)
            XCTAssertEqual(refused.status, 64)
            XCTAssertTrue(refused.stderr.contains(message), refused.stderr)
        }
    }
}
