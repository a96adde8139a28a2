// The memory planner (#16): the whole picture on one tape when it fits, else the largest bands that do; print sizes
// that the whole tape cannot hold fit in bands.

import Network
import Objective
import Stylize
import XCTest

final class MemoryPlanTests: XCTestCase {
    func plan(_ w: Int, _ h: Int, within limit: Int, optimizer: OptimizerChoice = .lbfgs) -> MemoryPlan? {
        MemoryPlan.fastest(within: limit, objective: .report, content: (w, h), style: (w, h), optimizer: optimizer,
                           historySize: 10, video: true)
    }

    func testTheWholePictureWhenItFitsElseTheLargestBands() {
        let gb = 1 << 30
        XCTAssertNil(plan(1024, 1024, within: 24 * gb)?.bandRows, "1024² fits whole")
        let whole = MemoryPlan(objective: .report, content: (4096, 4096), style: (4096, 4096), optimizer: .adam,
                               historySize: 10, video: true)
        XCTAssertGreaterThan(whole.peak, 24 * gb, "4096² does not fit whole")
        let print = plan(4096, 4096, within: 8 * gb, optimizer: .adam)
        XCTAssertNotNil(print?.bandRows, "4096² fits in 8 GB in bands")
        XCTAssertLessThanOrEqual(print?.peak ?? .max, 8 * gb)
        XCTAssertNotNil(plan(4096, 2725, within: 20 * gb)?.bandRows, "--max-size 4096 with L-BFGS on a 24 GB machine")
        // More memory, larger bands (fewer halo rows recomputed).
        let rows = [6, 8, 12, 16].compactMap { plan(4096, 4096, within: $0 * gb, optimizer: .adam)?.bandRows }
        XCTAssertEqual(rows, rows.sorted(), "\(rows)")
        XCTAssertNil(plan(4096, 4096, within: 200 << 20), "nothing fits in 200 MB")
    }
}
