// The progress line: what its numbers are.

import Commands
import StyleLapse
import XCTest

final class ProgressWeightsTests: XCTestCase {
    /// The total is the weighted sum; the parts are shown unweighted, and the line says so.
    func testTheLineSaysWhichLossesAreWeighted() throws {
        let record = IterationRecord(iteration: 10, loss: LossBreakdown(total: 1.5e5, style: 4.2e6, content: 120, tv: 0,
                                                                         styleLayers: []),
                                     evaluations: 12, seconds: 3)
        let line = Progress.barLine(record, total: 300, rate: 3.3, eta: 90)
        XCTAssertLessThanOrEqual(line.count, 79)
        let parts = try XCTUnwrap(line.range(of: "unweighted"), line)
        XCTAssertLessThan(parts.lowerBound, try XCTUnwrap(line.range(of: "4.2e+06")).lowerBound, line)
        XCTAssertTrue(line.contains("1.5e+05"), line)
    }
}
