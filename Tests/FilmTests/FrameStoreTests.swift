// The film's frames on disk: lossless, compressed, invisible in the folder, and a full disk is an error.

import Film
import Foundation
import ImageFiles
import TestSupport
import XCTest

final class FrameStoreTests: XCTestCase {
    func testFramesComeBackExactlyFromAnUnlinkedCompressedFile() throws {
        let folder = TemporaryFolder()
        let store = try FrameStore(width: 64, height: 40, folder: folder.path)
        XCTAssertEqual(folder.contents, [], "the file is unlinked as soon as it is made")
        let frames = (0..<25).map { TestFrames.smooth($0, width: 64, height: 40) }
        for f in frames { try store.append(f) }
        try store.flush()
        XCTAssertEqual(store.count, 25)
        for k in [0, 7, 24, 3] { XCTAssertEqual(try store.frame(k), frames[k], "frame \(k)") }
        XCTAssertLessThan(Int(store.bytesOnDisk), 25 * 64 * 40 * 3 / 2, "compressed")
        XCTAssertThrowsError(try store.frame(25))
        XCTAssertThrowsError(try store.append(TestFrames.smooth(0, width: 40, height: 64)))
        XCTAssertEqual(folder.contents, [])
    }

    func testAFullDiskIsAnError() throws {
        let small = try SmallFileSystem(kilobytes: 64)
        let store = try FrameStore(width: 128, height: 128, folder: small.path)
        var thrown: Error?
        do {
            for k in 0..<200 {
                var noise = RGBImage(width: 128, height: 128)   // incompressible: fills 64 KB in a few frames
                var state = UInt64(k + 1) &* 0x9E3779B97F4A7C15
                for i in 0..<noise.pixels.count {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    noise.pixels[i] = UInt8(truncatingIfNeeded: state >> 56)
                }
                try store.append(noise)
            }
            try store.flush()
        } catch { thrown = error }
        XCTAssertNotNil(thrown, "a full disk is reported")
        XCTAssertTrue("\(thrown.map { "\($0)" } ?? "")".contains("cannot keep the film's frames"), "\(String(describing: thrown))")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: small.path), [])
    }
}
