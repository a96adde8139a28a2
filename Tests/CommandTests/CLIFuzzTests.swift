// A short seeded batch of tools/check/fuzz-cli: random invocations of every command over clashing and odd paths, each
// checked for a clean exit status, untouched inputs, no .part left, files that are what their names say and one-line
// errors. (The long runs are quoted in the closing notes; `tools/check/fuzz-cli --count 3000 --seed 11` reproduces one.)

import Foundation
import TestSupport
import XCTest

final class CLIFuzzTests: XCTestCase {
    func testASeededBatchOfRandomInvocations() throws {
        _ = try RealWeights.require()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixture.root + "/tools/check/fuzz-cli", "--count", "80", "--seed", "7",
                             "--binary", Command.productsFolder.appendingPathComponent("stylelapse").path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("80 passed, 0 failed"), text)
    }
}
