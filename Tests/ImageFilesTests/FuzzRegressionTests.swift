// Every input the fuzzer (tools/check/fuzz) ever crashed on, kept in Fixtures/fuzz-regressions/: each must now decode or
// be refused with an error naming the file, never crash.

import Foundation
import ImageFiles
import TestSupport
import XCTest

final class FuzzRegressionTests: XCTestCase {
    func testEveryFoundCrashIsNowAnErrorOrAPicture() throws {
        let folder = Fixture.path("fuzz-regressions")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        XCTAssertFalse(names.isEmpty)
        for name in names {
            let path = folder + "/" + name
            do {
                let image = try ImageFile.read(path, pixelCap: 4_000_000)
                XCTAssertGreaterThan(image.width * image.height, 0, name)
            } catch let error as ImageFileError {
                XCTAssertEqual(error.path, path, name)
            }
        }
    }

    func testHugeDeclaredSidesAreRefusedNotOverflowed() {
        XCTAssertThrowsError(try ImageFile.read(Fixture.path("fuzz-regressions/tiff-huge-sides-overflow.tif"))) {
            XCTAssertTrue("\($0)".contains("more than the cap"), "\($0)")
        }
    }
}
