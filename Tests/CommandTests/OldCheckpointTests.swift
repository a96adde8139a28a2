// Checkpoints written before the balance was kept as chosen (by StyleLapse at 1c4b602, Fixtures/checkpoints/1c4b602:
// the demo pictures at 32 px, 3 steps, `--checkpoint-every 1`) resume at the command line with the balance they
// were made with: to the same picture, byte for byte, as the same state written by today's code resumes to, and
// close to today's run that goes through (its first 3 steps were rounded by 1c4b602's engine, whose
// Winograd points differ; until they changed, the two were byte-identical). A clip checkpoint written
// before pictures and clips shared one header type (by ee8d2ad, Fixtures/checkpoints/ee8d2ad/clip: a 3-frame pan,
// 2 frames painted) resumes: its two frames as they were painted, the third close to a clip painted through.

import Foundation
import ImageFiles
import StyleLapse
import TestSupport
import XCTest

final class OldCheckpointTests: XCTestCase {
    let content = Fixture.path("demo/chelsea.png"), style = Fixture.path("demo/starry_night.jpg")

    override func setUpWithError() throws { _ = try RealWeights.require() }

    /// The fixture `name` in `dir`, its pictures' and weights' absolute paths (the machine it was made on) replaced
    /// by this checkout's and this machine's.
    func place(_ name: String, in dir: TemporaryFolder) throws -> String {
        let folder = dir.file(name)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixture.path("checkpoints/1c4b602/\(name)/trace.jsonl"),
                                        toPath: folder + "/trace.jsonl")
        let bytes = Fixture.bytes("checkpoints/1c4b602/\(name)/state.bin")
        let length = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        func escaped(_ path: String) -> String { path.replacingOccurrences(of: "/", with: #"\/"#) }
        let header = String(decoding: bytes[12..<(12 + length)], as: UTF8.self)
            .replacingOccurrences(of: escaped("/work/main/Fixtures/"), with: escaped(Fixture.root + "/Fixtures/"))
            .replacingOccurrences(of: escaped("/root/.cache/stylelapse/vgg19.safetensors"),
                                  with: escaped(WeightsLocation.defaultPath))
        var out = Array(bytes[0..<8])
        withUnsafeBytes(of: UInt32(header.utf8.count).littleEndian) { out += $0 }
        out += Array(header.utf8) + bytes[(12 + length)...]
        XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/state.bin", contents: Data(out)))
        return folder
    }

    func testCheckpointsWrittenBeforeTheBalanceResumeExactly() throws {
        let dir = TemporaryFolder()
        let cases: [(String, [String], Balance)] = [
            ("default", [], .strength(0.5)), ("strength06", ["--strength", "0.6"], .strength(0.6)),
            ("report", ["--preset", "report"], .weights(content: 1e3, style: 1e-2)),
            ("w2", ["--style-loss", "w2", "--strength", "0.3"], .strength(0.3)),
        ]
        for (name, options, balance) in cases {
            let folder = try place(name, in: dir)
            XCTAssertEqual(try Checkpoint.load(folder).settings.run.objective.balance, balance, name)
            // The same state in today's format: loaded and saved again.
            let rewritten = dir.file("\(name)-rewritten")
            try FileManager.default.createDirectory(atPath: rewritten, withIntermediateDirectories: true)
            try Checkpoint.save(try Checkpoint.load(folder), to: rewritten)
            try FileManager.default.copyItem(atPath: Checkpoint.tracePath(folder), toPath: Checkpoint.tracePath(rewritten))
            // The three runs side by side, one thread each (the same bits as on every core).
            let runs = [["stylize", "--resume", folder, "--iterations", "6", "--output", dir.file("\(name)-resumed.png")],
                        ["stylize", "--resume", rewritten, "--iterations", "6", "--output", dir.file("\(name)-rewritten.png")],
                        ["stylize", "--content", content, "--style", style, "--max-size", "32", "--iterations", "6",
                         "--output", dir.file("\(name)-fresh.png")] + options]
            nonisolated(unsafe) var results = [CommandResult?](repeating: nil, count: runs.count)
            DispatchQueue.concurrentPerform(iterations: runs.count) { k in
                results[k] = try? Command.run(runs[k] + ["--quiet", "--threads", "1"])
            }
            for result in results { XCTAssertEqual(result?.status, 0, "\(name): \(result?.stderr ?? "not started")") }
            XCTAssertEqual(Fixture.bytesAt(dir.file("\(name)-resumed.png")),
                           Fixture.bytesAt(dir.file("\(name)-rewritten.png")), "\(name): resumed as today's checkpoint")
            let (a, b) = (try ImageFile.read(dir.file("\(name)-resumed.png")), try ImageFile.read(dir.file("\(name)-fresh.png")))
            let largest = zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 255
            let mean = Double(zip(a.pixels, b.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.pixels.count)
            print("\(name): largest difference \(largest) levels, mean \(mean)")
            // Measured at the change: largest 0–2 levels, mean 0–0.2 (a misread balance moves it by tens).
            XCTAssertLessThanOrEqual(largest, 3, "\(name): resumed as a run that went through")
            XCTAssertLessThanOrEqual(mean, 0.3, "\(name): resumed as a run that went through")
        }
    }

    func testAClipCheckpointWrittenBeforeTheCommonHeaderResumesExactly() throws {
        let dir = TemporaryFolder()
        let clip = dir.file("pan.mp4"), folder = dir.file("ck")
        try FileManager.default.copyItem(atPath: Fixture.path("checkpoints/ee8d2ad/clip/pan.mp4"), toPath: clip)
        try FileManager.default.copyItem(atPath: Fixture.path("checkpoints/ee8d2ad/clip/ck"), toPath: folder)
        // Made in /tmp/fx with this checkout's pictures at /work/main and the weights in root's cache.
        func escaped(_ path: String) -> String { path.replacingOccurrences(of: "/", with: #"\/"#) }
        let json = String(decoding: Fixture.bytes("checkpoints/ee8d2ad/clip/ck/clip.json"), as: UTF8.self)
            .replacingOccurrences(of: escaped("/tmp/fx/"), with: escaped(dir.path + "/"))
            .replacingOccurrences(of: escaped("/work/main/Fixtures/"), with: escaped(Fixture.root + "/Fixtures/"))
            .replacingOccurrences(of: escaped("/root/.cache/stylelapse/vgg19.safetensors"),
                                  with: escaped(WeightsLocation.defaultPath))
        try Data(json.utf8).write(to: URL(fileURLWithPath: folder + "/clip.json"))
        let resumed = try Command.run(["clip", "--resume", folder, "--quiet"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let painted = try Command.run(["clip", "--content", clip, "--style", style, "--output", dir.file("through.mp4"),
                                       "--max-size", "32", "--iterations", "4", "--frame-iterations", "3", "--quiet"])
        XCTAssertEqual(painted.status, 0, painted.stderr)
        let frames = try VideoFile.read(dir.file("part.mp4")).frames
        XCTAssertEqual(frames.count, 3, "the two checkpointed frames and the one painted now")
        // The checkpoint's two frames as they were painted; the third starts from their exact floats, which
        // ee8d2ad's engine rounded differently (other Winograd points, another first-layer gradient), and three
        // steps at 32 px magnify that: measured at the change, 17 levels at most, 1.8 on average (until the engine
        // changed, the frames were identical). A misread checkpoint (another painting, balance or frame) is tens of
        // levels off on average.
        let through = try VideoFile.read(dir.file("through.mp4")).frames
        XCTAssertEqual(through.count, 3)
        for (k, (a, b)) in zip(frames, through).enumerated() {
            XCTAssertEqual([a.width, a.height], [b.width, b.height])
            let largest = zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 255
            let mean = Double(zip(a.pixels, b.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.pixels.count)
            print("frame \(k): largest difference \(largest) levels, mean \(mean)")
            if k < 2 {
                XCTAssertEqual(largest, 0, "frame \(k): the checkpoint's frame as it was painted")
            } else {
                XCTAssertLessThanOrEqual(mean, 3, "frame \(k): painted on from the checkpoint as a clip painted through")
            }
        }
    }
}
