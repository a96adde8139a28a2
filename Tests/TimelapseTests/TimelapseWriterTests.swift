// The MP4 timelapse: decoded back with libavformat, checked for codec, size, frame count, duration, quality,
// box order (faststart), atomic naming, and failure on a full disk.

import Foundation
import ImageFiles
import TestSupport
import Timelapse
import XCTest

final class TimelapseWriterTests: XCTestCase {
    func write(_ path: String, frames: Int, width: Int, height: Int, settings: FilmEncoding) throws -> [RGBImage] {
        let writer = try TimelapseWriter(path: path, width: width, height: height, settings: settings)
        var sources: [RGBImage] = []
        for i in 0..<frames {
            let frame = TestFrames.smooth(i, width: width, height: height)
            sources.append(frame)
            try writer.append(frame)
        }
        try writer.finish()
        return sources
    }

    func testH264FramesDurationAndQuality() throws {
        let dir = TemporaryFolder()
        let path = dir.file("lapse.mp4")
        var settings = FilmEncoding(fps: 10, crf: 18, speed: .fast, holdSeconds: 1)
        settings.queueCapacity = 2
        let sources = try write(path, frames: 25, width: 64, height: 48, settings: settings)
        XCTAssertEqual(dir.contents, ["lapse.mp4"], "no .part file remains")

        let video = try VideoFile.read(path)
        XCTAssertEqual(video.codecName, "h264")
        XCTAssertEqual(video.pixelFormat, "yuv420p")
        XCTAssertEqual([video.width, video.height], [64, 48])
        XCTAssertEqual(video.frames.count, 25 + 10, "25 frames and 1 s held at 10 fps")
        XCTAssertEqual(video.duration, 3.5, accuracy: 1e-6, "every frame lasts 1/fps, the last one included")
        for (i, frame) in video.frames.enumerated() {
            let source = sources[min(i, sources.count - 1)]
            XCTAssertGreaterThanOrEqual(psnr(frame, source), 35, "frame \(i)")
        }
        XCTAssertEqual(TestFrames.topLevelBoxes(path).filter { $0 == "moov" || $0 == "mdat" }, ["moov", "mdat"],
                       "+faststart puts moov before mdat")
    }

    func testOddSizesArePaddedToEven() throws {
        let dir = TemporaryFolder()
        let path = dir.file("odd.mp4")
        let sources = try write(path, frames: 5, width: 63, height: 47, settings: FilmEncoding(fps: 5))
        let video = try VideoFile.read(path)
        XCTAssertEqual([video.width, video.height], [64, 48])
        XCTAssertEqual(video.frames.count, 5)
        for (frame, source) in zip(video.frames, sources) {
            XCTAssertGreaterThanOrEqual(psnr(cropped(frame, width: 63, height: 47), source), 35)
        }
    }

    func testMPEG4FallbackEncoder() throws {
        let dir = TemporaryFolder()
        let path = dir.file("fallback.mp4")
        var settings = FilmEncoding(fps: 8, crf: 8)
        settings.preferH264 = false
        _ = try write(path, frames: 6, width: 32, height: 32, settings: settings)
        let video = try VideoFile.read(path)
        XCTAssertEqual(video.codecName, "mpeg4")
        XCTAssertEqual(video.frames.count, 6)
        XCTAssertEqual(video.duration, 0.75, accuracy: 1e-6)
    }

    func testCancelLeavesNothing() throws {
        let dir = TemporaryFolder()
        let writer = try TimelapseWriter(path: dir.file("gone.mp4"), width: 16, height: 16)
        try writer.append(TestFrames.smooth(0, width: 16, height: 16))
        writer.cancel()
        XCTAssertEqual(dir.contents, [])
    }

    /// A file system with 64 KiB: the encoder's writes fail part-way; the error names the file, and neither the
    /// final name nor the .part file is left.
    func testFullDiskIsAClearErrorAndLeavesNoFile() throws {
        let small = try SmallFileSystem(kilobytes: 64)
        let mountPoint = small.path
        let path = mountPoint + "/full.mp4"
        var settings = FilmEncoding(fps: 30, crf: 0, speed: .ultrafast)   // lossless: large packets
        settings.queueCapacity = 2
        XCTAssertThrowsError(try write(path, frames: 60, width: 256, height: 256, settings: settings)) { error in
            XCTAssertTrue("\(error)".hasPrefix(path + ": "), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mountPoint), [])
    }

    /// A frame of another size is an error naming the video (it was a precondition in the encoder: a crash).
    func testAFrameOfAnotherSizeIsAnError() throws {
        let dir = TemporaryFolder()
        let writer = try TimelapseWriter(path: dir.file("v.mp4"), width: 32, height: 24)
        try writer.append(RGBImage(width: 32, height: 24, filledWith: (10, 20, 30)))
        XCTAssertThrowsError(try writer.append(RGBImage(width: 24, height: 32, filledWith: (10, 20, 30)))) {
            XCTAssertTrue("\($0)".contains("a 24×32 frame in a 32×24 video"), "\($0)")
        }
        writer.cancel()
        XCTAssertEqual(dir.contents, [])
    }
}
