// The engine's layout stays inside the engine: no module outside Engine reaches into a BlockedTensor's storage
// (the compiler enforces it: `base`, strides and `pointer` are internal), and the one @unchecked Sendable pointer
// wrapper lives in Parallel.swift. Checked on the sources, so a change that widens either fails here.

import Foundation
import TestSupport
import XCTest

final class EncapsulationTests: XCTestCase {
    func sources() throws -> [(path: String, text: String)] {
        let root = Fixture.root + "/Sources"
        let files = FileManager.default.enumerator(atPath: root)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        XCTAssertGreaterThan(files.count, 40, "the sources were found")
        return try files.map { ($0, try String(contentsOfFile: root + "/" + $0, encoding: .utf8)) }
    }

    func testUncheckedSendableOnlyInParallel() throws {
        let users = try sources().filter { $0.text.contains("UncheckedSendable") }.map(\.path)
        XCTAssertEqual(users, ["Engine/Parallel.swift"])
    }

    func testBlockedTensorStorageIsNotPublic() throws {
        let text = try XCTUnwrap(try sources().first { $0.path == "Engine/BlockedTensor.swift" }?.text)
        for member in ["let base", "let rowStride", "let blockStride", "let capacity", "func pointer("] {
            let line = try XCTUnwrap(text.split(separator: "\n").first { $0.contains(member) }, member)
            XCTAssertFalse(line.contains("public"), "\(member) is public: \(line)")
        }
    }
}
