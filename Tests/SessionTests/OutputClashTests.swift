// A session checks its outputs before any work: a sink that would write over an input (by file identity, so a
// link counts) or over another sink's output is refused, and the input is left as it was.

import Foundation
import StyleLapse
import TestSupport
import XCTest

final class OutputClashTests: XCTestCase {
    func testASinkOverThePhotoIsRefusedAndThePhotoUnchanged() throws {
        let dir = TemporaryFolder()
        let photo = dir.write("photo.png", Fixture.bytes("demo/chelsea.png"))
        var settings = try Demo.settings(iterations: 1)
        settings.pictures.content = photo
        let session = try StylizeSession(settings: settings)
        session.attach(TraceSink(path: photo))
        XCTAssertThrowsError(try session.run()) { error in
            let clash = error as? OutputClash
            XCTAssertNotNil(clash, "\(error)")
            XCTAssertEqual("\(error)", "\(photo): the trace would write over the photo \(photo)")
        }
        XCTAssertEqual(Fixture.bytesAt(photo), Fixture.bytes("demo/chelsea.png"), "the photo is as it was")
        XCTAssertEqual(dir.contents, ["photo.png"], "nothing written beside it")
    }

    func testALinkToThePaintingIsTheSameFile() throws {
        let dir = TemporaryFolder()
        let session = try StylizeSession(settings: try Demo.settings(iterations: 1))
        try FileManager.default.createSymbolicLink(atPath: dir.file("link.svg"), withDestinationPath: Demo.style)
        session.attach(LossPlotSink(path: dir.file("link.svg"), styleWeight: 1, contentWeight: 1))
        XCTAssertThrowsError(try session.run()) { XCTAssertTrue("\($0)".contains("would write over the painting"), "\($0)") }
    }

    func testTwoSinksOnOneFileAreRefused() throws {
        let dir = TemporaryFolder()
        let session = try StylizeSession(settings: try Demo.settings(iterations: 1))
        session.attach(TraceSink(path: dir.file("t.png")))
        session.picture = PictureOutput(path: dir.file("t.png"))
        XCTAssertThrowsError(try session.run()) { XCTAssertTrue("\($0)".contains("name the same file"), "\($0)") }
        XCTAssertEqual(dir.contents, [])
    }

    /// With nothing in the way, the picture output is written.
    func testThePictureIsWrittenWhereAsked() throws {
        let dir = TemporaryFolder()
        let session = try StylizeSession(settings: try Demo.settings(iterations: 1))
        session.picture = PictureOutput(path: dir.file("best.png"))
        let outcome = try session.run()
        XCTAssertEqual(try ImageFile.read(dir.file("best.png")), outcome.best)
    }
}
