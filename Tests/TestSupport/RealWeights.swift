// RealWeights: the one rule for tests that need the real VGG19 weights: in CI a missing file fails loudly (CI fetches
// the weights first), elsewhere the test is skipped with how to fetch them.

import Foundation
import Network
import XCTest

public enum RealWeights {
    /// The weights file's path; fails (in CI) or skips (elsewhere) when it is missing.
    public static func require(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let path = WeightsLocation.defaultPath
        if FileManager.default.fileExists(atPath: path) { return path }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail(WeightsLocation.missingMessage(path) + " (CI must run tools/setup/fetch-weights first)", file: file, line: line)
        }
        throw XCTSkip(WeightsLocation.missingMessage(path))
    }
}
