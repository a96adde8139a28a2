// The picture's edge (#18): --margin (the photo optimised with mirrored pixels around it, every picture the run shows
// cropped back to the photo's size) and --padding (what VGG19's convolutions see beyond the edge).

import Foundation
import ImageFiles
import Network
import StyleLapse
import TestSupport
import Timelapse
import XCTest

final class EdgeCommandTests: XCTestCase {
    override func setUpWithError() throws { _ = try RealWeights.require() }

    func testTheMarginIsOptimisedAndCroppedFromEveryPicture() throws {
        let dir = TemporaryFolder()
        let run = ["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style", Fixture.path("demo/starry_night.jpg"),
                   "--max-size", "64", "--iterations", "3", "--scales", "1", "--quiet"]
        let result = try Command.run(run + ["--margin", "8", "--output", dir.file("m.png"), "--trace", dir.file("t.jsonl"),
                                            "--frames", dir.file("frames"), "--video", dir.file("m.mp4"),
                                            "--pace", "iterations", "--intro", "0", "--outro", "0", "--hold", "0"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let picture = try ImageFile.read(dir.file("m.png"))
        XCTAssertEqual([picture.width, picture.height], [64, 43], "the photo's size")
        let frame = try ImageFile.read(dir.file("frames/frame_000000.png"))
        XCTAssertEqual([frame.width, frame.height], [64, 43])
        XCTAssertEqual(try VideoFile.read(dir.file("m.mp4")).frames.count, 4)
        let first = try JSONSerialization.jsonObject(with: Data(try String(contentsOfFile: dir.file("t.jsonl"), encoding: .utf8)
            .split(separator: "\n")[0].utf8)) as! [String: Any]
        XCTAssertEqual([first["width"] as? Int, first["height"] as? Int], [80, 59], "optimised with 8 pixels around")
        // Iteration 0 is the photo itself: the cropped picture is the photo at its working size, pixel for pixel.
        let photo = try ImageFile.read(Fixture.path("demo/chelsea.png")).resized(maxSide: 64)
        XCTAssertEqual(frame, photo)
        for bad in [["--margin", "200"], ["--margin", "-1"]] {
            let refused = try Command.run(run + bad + ["--output", dir.file("x.png")])
            XCTAssertEqual(refused.status, 64, "\(bad)")
            XCTAssertTrue(refused.stderr.contains("--margin must be 0…128"), refused.stderr)
        }
    }

    /// The mirrored picture: PyTorch's `reflect` padding (the edge not repeated), checked on a 3×2 picture here.
    func testMirroring() throws {
        let dir = TemporaryFolder()
        var small = RGBImage(width: 3, height: 2)
        for y in 0..<2 { for x in 0..<3 { small[x, y, 0] = UInt8(10 * y + x); small[x, y, 1] = 7; small[x, y, 2] = 9 } }
        let path = dir.write("small.png", try PNGFile.encode(small.resized(width: 24, height: 16), name: "small"))
        let pictures = try Pictures(PictureSettings(content: path, styles: [path], maxSize: 64, margin: 2))
        XCTAssertEqual([pictures.content.width, pictures.content.height], [28, 20])
        XCTAssertEqual([pictures.photo.width, pictures.photo.height], [24, 16])
        let (c, p) = (pictures.content, pictures.photo)
        // Reflection: content(x, y) = photo(r(x − 2), r(y − 2)), r(−1) = 1, r(−2) = 2, r(n) = n − 2, r(n + 1) = n − 3.
        func r(_ i: Int, _ n: Int) -> Int { i < 0 ? -i : (i >= n ? 2 * n - 2 - i : i) }
        for y in 0..<c.height { for x in 0..<c.width {
            XCTAssertEqual(c[x, y, 0], p[r(x - 2, 24), r(y - 2, 16), 0], "(\(x), \(y))")
        } }
        XCTAssertEqual(pictures.picture(c.planar), p, "a picture of the optimised pixels is the photo's size again")
    }

    /// --padding reaches the network (the run's losses differ from zero padding's, each choice's own), is refused
    /// when misspelt with the names it takes, and is fixed by a checkpoint.
    func testPaddingIsTheNetworksAndTheCheckpointKeepsIt() throws {
        let dir = TemporaryFolder()
        let run = ["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style", Fixture.path("demo/starry_night.jpg"),
                   "--max-size", "48", "--iterations", "0", "--scales", "1", "--quiet"]
        var totals: [String: Double] = [:]
        for padding in ["zeros", "replicate", "reflect", "replicate-all", "reflect-all"] {
            let result = try Command.run(run + ["--padding", padding, "--output", dir.file("\(padding).png"),
                                                "--trace", dir.file("\(padding).jsonl")])
            XCTAssertEqual(result.status, 0, result.stderr)
            let line = try String(contentsOfFile: dir.file("\(padding).jsonl"), encoding: .utf8).split(separator: "\n")[0]
            totals[padding] = (try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])["total"] as? Double
        }
        XCTAssertEqual(Set(totals.values).count, 5, "each padding its own loss of the photo: \(totals)")
        let bad = try Command.run(run + ["--padding", "mirror", "--output", dir.file("x.png")])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("zeros") && bad.stderr.contains("reflect-all"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("x.png")))
        let checkpointed = try Command.run(run + ["--padding", "reflect", "--output", dir.file("c.png"),
                                                  "--checkpoint", dir.file("ck")])
        XCTAssertEqual(checkpointed.status, 0, checkpointed.stderr)
        XCTAssertEqual(try Checkpoint.load(dir.file("ck")).settings.padding, NetworkPadding(.reflect))
        let resumed = try Command.run(["stylize", "--resume", dir.file("ck"), "--padding", "zeros"])
        XCTAssertEqual(resumed.status, 64)
        XCTAssertTrue(resumed.stderr.contains("--padding is fixed by the checkpoint"), resumed.stderr)
    }

    /// By default the photo is optimised with a margin: 16 pixels, a quarter of its shorter side when that is less;
    /// none with --preset report (Keras' run) or --margin 0.
    func testTheDefaultMargin() throws {
        let dir = TemporaryFolder()
        func optimisedWidth(_ extra: [String]) throws -> Int {
            let result = try Command.run(["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style",
                                          Fixture.path("demo/starry_night.jpg"), "--iterations", "0", "--scales", "1",
                                          "--quiet", "--output", dir.file("o.png"), "--trace", dir.file("t.jsonl")] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
            return try Trace.read(dir.file("t.jsonl"))[0]["width"] as! Int
        }
        XCTAssertEqual(try optimisedWidth(["--max-size", "96"]), 96 + 2 * 16)
        XCTAssertEqual(try optimisedWidth(["--max-size", "40"]), 40 + 2 * 6, "a quarter of 27")
        XCTAssertEqual(try optimisedWidth(["--max-size", "96", "--margin", "0"]), 96)
        XCTAssertEqual(try optimisedWidth(["--max-size", "96", "--preset", "report"]), 96)
    }
}
