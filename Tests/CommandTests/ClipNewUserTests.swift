// What a new user hit with `clip` (#39 item 4), each a test written before its fix: an output over the clip, or the
// film and the painted clip under one name, is a usage error (status 64) as stylize's clashes are; the film's options
// without --timelapse name --timelapse (clip has no --video); the help groups the options that only shape the
// timelapse and speaks of no PNG; a preview's (or a stopped clip's) sound ends with its last frame; the time left
// after the first frame counts a later frame's fewer steps.

import Commands
import Foundation
import StyleLapse
import TestSupport
import XCTest

final class ClipNewUserTests: XCTestCase {
    func testAnOutputOverTheClipOrTheFilmIsAUsageErrorNamingTheOptions() throws {
        _ = try RealWeights.require()
        let folder = TemporaryFolder()
        let input = try TestClips.pan(folder.file("pan.mp4"), frames: 3)
        let before = Fixture.bytesAt(input)
        let film = folder.file("both.mp4")
        let cases: [([String], [String])] = [
            (ClipCommandTests.clip(input, input), ["--output", "--content", input]),
            (ClipCommandTests.clip(input, film, ["--timelapse", film]), ["--timelapse", "--output", film]),
        ]
        for (arguments, words) in cases {
            let result = try Command.run(arguments)
            XCTAssertEqual(result.status, 64, result.stderr)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            for word in words { XCTAssertTrue(result.stderr.contains(word), "\(word): \(result.stderr)") }
        }
        XCTAssertEqual(Fixture.bytesAt(input), before, "the clip is untouched")
        XCTAssertFalse(FileManager.default.fileExists(atPath: film))
    }

    func testTheFilmsOptionsWithoutATimelapseNameTheTimelapse() throws {
        let folder = TemporaryFolder()
        for option in [["--fps", "10"], ["--pace", "iterations"], ["--video-size", "64"]] {
            let result = try Command.run(ClipCommandTests.clip(folder.file("pan.mp4"), folder.file("out.mp4"), option))
            XCTAssertEqual(result.status, 64, result.stderr)
            XCTAssertTrue(result.stderr.contains("without --timelapse"), result.stderr)
            XCTAssertFalse(result.stderr.contains("--video "), result.stderr)
        }
    }

    func testTheHelpGroupsWhatOnlyShapesTheTimelapse() throws {
        let help = try Command.run(["clip", "--help"]).stdout
        XCTAssertFalse(help.contains("PNG"), "clip writes no PNG")
        let title = try XCTUnwrap(help.range(of: "THE --TIMELAPSE FILM"), help)
        let (before, after) = (help[..<title.lowerBound], help[title.upperBound...])
        for option in ["--fps", "--every", "--hold", "--pace", "--duration", "--intro", "--outro", "--overlay", "--video-size"] {
            XCTAssertTrue(after.contains("  \(option)"), "\(option) under the timelapse's title")
            XCTAssertFalse(before.contains("  \(option) "), "\(option) not among the clip's own options")
        }
    }

    /// A preview of 2 frames of a clip with 0.6 s of sound carries 0.2 s of it, not all.
    func testAPreviewCarriesTheSoundOfItsFramesOnly() throws {
        _ = try RealWeights.require()
        let folder = TemporaryFolder()
        // 0.6 s of pictures and of sound (TestClips.pan's sound stops with its last frame's packet).
        let input = folder.file("sound.mp4")
        try TestClips.ffmpeg(["-f", "lavfi", "-i", "testsrc=size=64x40:rate=10", "-f", "lavfi",
                              "-i", "sine=frequency=440:sample_rate=44100:duration=0.6", "-t", "0.6", "-c:v", "libx264",
                              "-pix_fmt", "yuv420p", "-c:a", "aac", input])
        let output = folder.file("preview.mp4")
        let result = try Command.run(ClipCommandTests.clip(input, output, ["--frame-limit", "2"]))
        XCTAssertEqual(result.status, 0, result.stderr)
        func duration(_ stream: String) throws -> Double {
            let text = try TestClips.probe(output, "stream=duration", extra: ["-select_streams", stream])
            return try XCTUnwrap(text.split(separator: "=").last.flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }, text)
        }
        let (video, audio) = (try duration("v:0"), try duration("a:0"))
        XCTAssertEqual(video, 0.2, accuracy: 0.011)
        // AAC packets of 1024 samples at 44.1 kHz: 23 ms each, the last one may reach past the last frame.
        XCTAssertLessThanOrEqual(audio, video + 0.024, "the sound ends with the last frame")
        XCTAssertGreaterThanOrEqual(audio, video - 0.024, "the frames keep their sound")
    }

    /// After the first frame (100 steps, 12 s), 7 later frames of at most 33 steps each: about 7 × 12 × 33/100 s,
    /// not 7 × 12 s; after later frames, their own mean.
    func testTheTimeLeftAfterTheFirstFrameCountsALaterFramesFewerSteps() {
        let first = Progress.clipSecondsLeft(framesLeft: 7, first: (steps: 100, seconds: 12), later: (frames: 0, seconds: 0),
                                             laterSteps: 33)
        XCTAssertEqual(first, 7 * 12 * 0.33, accuracy: 0.01)
        let later = Progress.clipSecondsLeft(framesLeft: 5, first: (steps: 100, seconds: 12), later: (frames: 2, seconds: 7),
                                             laterSteps: 33)
        XCTAssertEqual(later, 5 * 3.5, accuracy: 1e-9)
    }
}
