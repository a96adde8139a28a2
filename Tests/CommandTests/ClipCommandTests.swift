// ClipCommandTests: `stylelapse clip` at the command line on clips made by ffmpeg: every frame painted at the clip's
// times with its sound; awkward but valid clips (a variable frame rate, 10-bit 4:2:2, odd sizes, rotation); a run
// interrupted and resumed gives the uninterrupted run's frames bit for bit; Ctrl-C leaves a playable clip; bad
// clips get one line and lose nothing.

import Foundation
import ImageFiles
import TestSupport
import XCTest

final class ClipCommandTests: XCTestCase {
    static let style = Fixture.path("demo/starry_night.jpg")

    /// A small, fast painting: 48 px, a few steps.
    static func clip(_ content: String, _ output: String, _ more: [String] = []) -> [String] {
        ["clip", "--content", content, "--style", style, "--output", output, "--max-size", "48", "--iterations", "6",
         "--frame-iterations", "4", "--quiet"] + more
    }

    /// The presentation times of the video frames of `path`, in seconds, as ffprobe reads them.
    static func frameTimes(_ path: String) throws -> [Double] {
        try TestClips.probe(path, "frame=pts_time", extra: ["-select_streams", "v:0"])
            .split(separator: "\n").compactMap { line in
                line.split(separator: "|").first { $0.hasPrefix("pts_time=") }.flatMap { Double($0.dropFirst(9)) }
            }
    }

    func testPaintsEveryFrameAtTheClipsTimesWithItsSound() throws {
        _ = try RealWeights.require()
        let folder = TemporaryFolder()
        let input = try TestClips.pan(folder.file("pan.mp4"), frames: 6, sound: true)
        for name in ["painted.mp4", "painted.gif"] {
            let output = folder.file(name)
            // The MP4's run also films its first frame being painted, as stylize --video does.
            let film = name.hasSuffix(".mp4") ? ["--timelapse", folder.file("first.webm"), "--intro", "0.5", "--outro", "0.5"] : []
            let result = try Command.run(Self.clip(input, output, film))
            XCTAssertEqual(result.status, 0, result.stderr)
            if !film.isEmpty {
                let first = try VideoFile.read(folder.file("first.webm"))
                XCTAssertEqual(first.codecName, "vp9")
                XCTAssertGreaterThan(first.frames.count, 30, "cards and the painting's paced frames")
            }
            let video = try VideoFile.read(output)
            XCTAssertEqual(video.frames.count, 6, name)
            XCTAssertEqual(video.width, 48, name)
            XCTAssertEqual(video.height, 30, name)
            let (times, inputTimes) = (try Self.frameTimes(output), try Self.frameTimes(input))
            XCTAssertEqual(times.count, inputTimes.count, name)
            for (a, b) in zip(times, inputTimes) { XCTAssertEqual(a, b, accuracy: 0.011, name) }
            let streams = try TestClips.probe(output, "stream=codec_type,codec_name")
            XCTAssertEqual(streams.contains("codec_type=audio"), name.hasSuffix(".mp4"), "\(name): \(streams)")
            if name.hasSuffix(".mp4") { XCTAssertTrue(streams.contains("codec_name=aac"), streams) }
            // Painted, not copied: far from the clip's own frames.
            let original = try VideoFile.read(input).frames[0].resized(width: 48, height: 30)
            let difference = zip(original.pixels, video.frames[0].pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +)
            XCTAssertGreaterThan(Double(difference) / Double(original.pixels.count), 10, name)
        }
    }

    /// A variable frame rate keeps its times; 10-bit 4:2:2, odd sizes and a quarter turn are painted upright.
    func testAwkwardButValidClips() throws {
        _ = try RealWeights.require()
        let folder = TemporaryFolder()
        let variable = try TestClips.pan(folder.file("vfr.mkv"), frames: 5, select: "not(between(n,2,4))",
                                         extra: ["-fps_mode", "vfr"])
        let tenBit = try TestClips.pan(folder.file("ten.mkv"), frames: 4, pixelFormat: "yuv422p10le", codec: ["-c:v", "ffv1"])
        let odd = try TestClips.pan(folder.file("odd.mkv"), frames: 4, width: 63, height: 37, pixelFormat: "yuv444p",
                                    codec: ["-c:v", "ffv1"])
        let turned = try TestClips.pan(folder.file("turned.mp4"), frames: 4, rotate: 90)
        let cases: [(String, width: Int, height: Int)] = [(variable, 48, 30), (tenBit, 48, 30), (odd, 48, 28), (turned, 30, 48)]
        for (input, width, height) in cases {
            let output = folder.file((input as NSString).lastPathComponent + ".mp4")
            let result = try Command.run(Self.clip(input, output))
            XCTAssertEqual(result.status, 0, "\(input): \(result.stderr)")
            let video = try VideoFile.read(output)
            XCTAssertEqual([video.frames[0].width, video.frames[0].height], [width + width % 2, height + height % 2], input)
            let (times, inputTimes) = (try Self.frameTimes(output), try Self.frameTimes(input))
            XCTAssertEqual(times.count, inputTimes.count, input)
            for (a, b) in zip(times, inputTimes) { XCTAssertEqual(a, b, accuracy: 0.011, input) }
        }
        // The variable clip really is variable: a gap of 0.4 s between its second and third frames.
        let times = try Self.frameTimes(variable)
        XCTAssertEqual(times[2] - times[1], 0.4, accuracy: 0.011)
    }

    /// Painted in two runs (the first stopped after 2 frames, the second resuming its checkpoint) or in one: the
    /// same frames, bit for bit, and the same clip.
    func testResumeGivesTheUninterruptedFramesBitForBit() throws {
        _ = try RealWeights.require()
        let folder = TemporaryFolder()
        let input = try TestClips.pan(folder.file("pan.mp4"), frames: 5)
        let whole = try Command.run(Self.clip(input, folder.file("whole.mp4"), ["--checkpoint", folder.file("a")]))
        XCTAssertEqual(whole.status, 0, whole.stderr)
        let first = try Command.run(Self.clip(input, folder.file("parts.mp4"), ["--checkpoint", folder.file("b"), "--frame-limit", "2"]))
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try VideoFile.read(folder.file("parts.mp4")).frames.count, 2)
        let rest = try Command.run(["clip", "--resume", folder.file("b"), "--quiet"])
        XCTAssertEqual(rest.status, 0, rest.stderr)
        for i in 0..<5 {
            let name = String(format: "frames/frame_%06d.png", i)
            let (a, b) = (Fixture.bytesAt(folder.file("a/" + name)), Fixture.bytesAt(folder.file("b/" + name)))
            XCTAssertNotNil(a, name)
            XCTAssertEqual(a, b, name)
        }
        XCTAssertEqual(Fixture.bytesAt(folder.file("a/pixels_000004.f32")), Fixture.bytesAt(folder.file("b/pixels_000004.f32")))
        XCTAssertEqual(try VideoFile.read(folder.file("whole.mp4")).frames, try VideoFile.read(folder.file("parts.mp4")).frames)
    }

    /// Ctrl-C finishes the frame being painted and writes a playable clip of the frames so far; status 130.
    func testInterruptWritesAPlayableClipOfTheFramesSoFar() throws {
        _ = try RealWeights.require()
        let folder = TemporaryFolder()
        let input = try TestClips.pan(folder.file("pan.mp4"), frames: 30)
        let output = folder.file("painted.webm")
        let process = try Command.start(Self.clip(input, output, ["--checkpoint", folder.file("ck"), "--frame-iterations", "20",
                                                                  "--tolerance", "0"]).filter { $0 != "--quiet" },
                                        stderr: folder.file("stderr"))
        let deadline = Date().addingTimeInterval(300)
        while !FileManager.default.fileExists(atPath: folder.file("ck/pixels_000001.f32")) && Date() < deadline && process.isRunning {
            usleep(50_000)
        }
        process.interrupt()
        process.waitUntilExit()
        let stderr = String(decoding: Fixture.bytesAt(folder.file("stderr")) ?? [], as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 130, stderr)
        XCTAssertTrue(stderr.contains("stopping after this frame"), stderr)
        XCTAssertTrue(stderr.contains("stylelapse clip --resume"), stderr)
        let frames = try VideoFile.read(output).frames.count
        XCTAssertGreaterThanOrEqual(frames, 2)
        XCTAssertLessThan(frames, 30)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output + ".part"))
    }

    /// Not a video, no video stream, a still picture, no frames, cut short, missing, a folder: one line naming the
    /// file and the problem, status 1, nothing written (no clip, no partial clip, nothing in the checkpoint folder).
    func testBadClipsGetOneLineAndLoseNothing() throws {
        _ = try RealWeights.require()
        let folder = TemporaryFolder()
        let text = folder.write("notes.mp4", Array("not a video\n".utf8))
        let sound = folder.file("sound.m4a")
        try TestClips.ffmpeg(["-f", "lavfi", "-i", "sine=duration=0.5", "-c:a", "aac", sound])
        // A video stream with no frames: AVI keeps the stream (MP4 drops the track, WebM's muxer writes no valid file).
        let empty = folder.file("empty.avi")
        try TestClips.ffmpeg(["-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-frames:v", "0", "-c:v", "mpeg4", empty])
        let whole = try TestClips.pan(folder.file("whole.mp4"), frames: 30, extra: ["-movflags", "+faststart"])
        let bytes = Fixture.bytesAt(whole)!
        let cut = folder.write("cut.mp4", Array(bytes.prefix(bytes.count * 6 / 10)))
        let cases: [(String, String)] = [
            (text, "is not a video FFmpeg can read"), (sound, "has no video stream"),
            (Fixture.path("demo/chelsea.png"), "is a still picture, not a video"), (empty, "no frames"),
            (cut, "cut short"), (folder.file("missing.mp4"), "no such file"), (folder.path, "is a folder"),
        ]
        for (input, problem) in cases {
            let output = folder.file("out.mp4")
            let result = try Command.run(Self.clip(input, output, ["--checkpoint", folder.file("ck")]))
            XCTAssertEqual(result.status, 1, "\(input): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(input) && result.stderr.contains(problem), "\(problem): \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: output), input)
            XCTAssertFalse(FileManager.default.fileExists(atPath: output + ".part"), input)
            // The checkpoint folder may have been made when the outputs were checked, but holds nothing.
            XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: folder.file("ck"))) ?? [], [], input)
        }
    }

    /// `clip --serve 0`: the page's figures follow the clip frame by frame (with the token only), its picture is
    /// the frame being painted, its scrubber holds the frames painted so far; the masks are shown beside the photo.
    func testServeShowsTheFrameBeingPaintedAndTheClipSoFar() throws {
        _ = try RealWeights.require()
        let folder = TemporaryFolder()
        let input = try TestClips.pan(folder.file("pan.mp4"), frames: 4)
        var mask = RGBImage(width: 64, height: 40)   // the clip's shape: the photo's weight on its left half only
        for y in 0..<40 { for x in 0..<32 { for c in 0..<3 { mask[x, y, c] = 255 } } }
        try PNGFile.write(mask, to: folder.file("mask.png"))
        let process = try Command.start(["clip", "--content", input, "--style", Self.style, "--output", folder.file("o.mp4"),
                                         "--max-size", "48", "--iterations", "20", "--frame-iterations", "15",
                                         "--content-mask", folder.file("mask.png"),
                                         "--tolerance", "0", "--serve", "0", "--serve-linger", "2"], stderr: folder.file("err"))
        var port = 0, token = ""
        let deadline = Date().addingTimeInterval(60)
        while port == 0 && Date() < deadline {
            let err = String(decoding: Fixture.bytesAt(folder.file("err")) ?? [], as: UTF8.self)
            if let line = err.split(separator: "\n").first(where: { $0.hasPrefix("live: http://127.0.0.1:") }) {
                let parts = line.dropFirst("live: ".count).split(separator: "?token=")
                port = Int(parts[0].split(separator: ":").last!.split(separator: "/").first!)!
                token = String(parts[1])
            }
            usleep(50_000)
        }
        XCTAssertGreaterThan(port, 0)
        func state(_ given: String) throws -> RawResponse { try RawHTTP.request(port: port, "GET", "/api/state?token=" + given) }
        XCTAssertEqual(try state("wrong").status, 401)
        let masks = try RawHTTP.request(port: port, "GET", "/api/masks?token=" + token)
        XCTAssertEqual(masks.status, 200, "the masks beside the first frame")
        XCTAssertEqual(Array(masks.body.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        var seen: [String: Any] = [:]
        while process.isRunning, Date() < deadline.addingTimeInterval(120) {
            if let r = try? state(token), r.status == 200,
               let f = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any], (f["clip_frame"] as? Int ?? 0) >= 3 {
                seen = f
                let picture = try RawHTTP.request(port: port, "GET", "/api/image?token=" + token)
                XCTAssertEqual(picture.status, 200)
                XCTAssertEqual(Array(picture.body.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
                break
            }
            usleep(50_000)
        }
        XCTAssertEqual(seen["clip_frames"] as? Int, 4, "\(seen)")
        XCTAssertGreaterThanOrEqual(seen["frames"] as? Int ?? 0, 2, "the scrubber holds the frames painted: \(seen)")
        XCTAssertNil(seen["stop"], "a later frame is painting: the first frame's end is not the clip's: \(seen)")
        var end: [String: Any] = [:]
        while process.isRunning, Date() < deadline.addingTimeInterval(120), end["status"] as? String != "finished" {
            if let r = try? state(token), let f = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any] { end = f }
            usleep(50_000)
        }
        XCTAssertEqual(end["stop"] as? String, "frames: all 4 frames painted", "the clip's own end: \(end)")
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(try VideoFile.read(folder.file("o.mp4")).frames.count, 4)
    }

    /// A later frame stops when its loss settles (`--tolerance`): with a loose tolerance, long before
    /// `--frame-iterations`; with 0, never. The progress lines say each frame's steps.
    func testLaterFramesStopEarlyWhenTheLossSettles() throws {
        _ = try RealWeights.require()
        let folder = TemporaryFolder()
        let input = try TestClips.pan(folder.file("pan.mp4"), frames: 4)
        func steps(_ tolerance: String) throws -> [Int] {
            let result = try Command.run(["clip", "--content", input, "--style", Self.style, "--output", folder.file("o.mp4"),
                                          "--max-size", "48", "--iterations", "10", "--frame-iterations", "40",
                                          "--tolerance", tolerance])
            XCTAssertEqual(result.status, 0, result.stderr)
            // "[####--------] frame 2/4 12 steps 0.3 s …"
            return result.stderr.split(separator: "\n").compactMap { line -> Int? in
                let words = line.split(separator: " ")
                guard let i = words.firstIndex(of: "steps"), i > 0, words[i - 2].contains("/") else { return nil }
                return Int(words[i - 1])
            }
        }
        let (loose, never) = (try steps("0.5"), try steps("0"))
        XCTAssertEqual(loose.count, 4, "\(loose)")
        XCTAssertEqual(never.dropFirst(), [40, 40, 40])
        for n in loose.dropFirst() { XCTAssertLessThan(n, 40, "\(loose)") }
        XCTAssertGreaterThanOrEqual(loose.dropFirst().min() ?? 0, 10, "at least 10 steps before the loss is compared")
    }
}
