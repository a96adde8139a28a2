// Bad input to the readers: each is a thrown error naming the file and the problem, never a crash.

import ImageFiles
import TestSupport
import XCTest

final class BadInputTests: XCTestCase {
    /// Asserts that reading `path` throws an ImageFileError for `path` whose text contains `words`.
    func assertRefused(_ path: String, _ words: String, cap: Int = ImageFile.defaultPixelCap,
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ImageFile.read(path, pixelCap: cap), file: file, line: line) { error in
            guard let e = error as? ImageFileError else { return XCTFail("not an ImageFileError: \(error)") }
            XCTAssertEqual(e.path, path, file: file, line: line)
            XCTAssertTrue(e.description.contains(words), "'\(e.description)' lacks '\(words)'", file: file, line: line)
            XCTAssertFalse(e.description.contains("\n"), "one line", file: file, line: line)
        }
    }

    func testMissingFolderEmptyAndTextFiles() {
        let dir = TemporaryFolder()
        assertRefused(dir.file("absent.png"), "no such file")
        assertRefused(dir.path, "is a folder")
        assertRefused(dir.write("empty.png", []), "empty file")
        assertRefused(dir.write("text.png", Array("hello, this is not a picture\n".utf8)), "not an image")
    }

    func testDamagedPNGs() {
        let dir = TemporaryFolder()
        let good = Fixture.bytes("images/png_rgb8.png")
        assertRefused(dir.write("cut.png", Array(good.prefix(good.count / 2))), "PNG")
        assertRefused(dir.write("header-only.png", Array(good.prefix(20))), "truncated")
        assertRefused(Fixture.path("images/bad_crc.png"), "CRC")
    }

    func testPixelCapRefusesBeforeDecoding() {
        assertRefused(Fixture.path("images/bad_huge_header.png"), "100000×100000 pixels")
        assertRefused(Fixture.path("images/png_rgb8.png"), "more than the cap of 100", cap: 100)
        assertRefused(Fixture.path("images/jpeg_baseline.jpg"), "more than the cap of 100", cap: 100)
    }

    func testTruncatedFilesOfEveryFFmpegFormat() {
        let dir = TemporaryFolder()
        for name in ["jpeg_baseline.jpg", "jpeg_progressive.jpg", "webp_lossy.webp", "webp_lossless.webp",
                     "bmp_rgb24.bmp", "tiff_rgb.tif"] {
            let good = Fixture.bytes("images/" + name)
            let path = dir.write("cut-" + name, Array(good.prefix(good.count * 2 / 3)))
            XCTAssertThrowsError(try ImageFile.read(path), name) { error in
                XCTAssertTrue(String(describing: error).hasPrefix(path + ": "), "\(error)")
            }
        }
        let jpeg = Fixture.bytes("images/jpeg_baseline.jpg")
        assertRefused(dir.write("cut.jpg", Array(jpeg.prefix(jpeg.count - 40))), "truncated")
    }

    func testUnwritableOutputIsRefusedUpFront() {
        let dir = TemporaryFolder()
        XCTAssertThrowsError(try AtomicFile.checkWritable(dir.file("missing/out.png"))) {
            XCTAssertTrue("\($0)".contains("does not exist"), "\($0)")
        }
        let plain = dir.write("plain", [1])
        XCTAssertThrowsError(try AtomicFile.checkWritable(plain + "/out.png")) {
            XCTAssertTrue("\($0)".contains("not a folder"), "\($0)")
        }
        XCTAssertNoThrow(try AtomicFile.checkWritable(dir.file("fine.png")))
        XCTAssertEqual(dir.contents, ["plain"], "the probe leaves nothing behind")
    }
}
