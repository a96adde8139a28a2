// The memory planner (#16): the full tape when it fits, else the checkpointed plan that adds the least work and
// fits; print sizes that the full tape cannot hold fit checkpointed in bands.

import Network
import Objective
import Stylization
import XCTest

final class MemoryPlanTests: XCTestCase {
    func plan(_ w: Int, _ h: Int, within limit: Int, optimizer: OptimizerChoice = .lbfgs) -> MemoryPlan? {
        MemoryPlan.fastest(within: limit, objective: .report, content: (w, h), style: (w, h), optimizer: optimizer,
                           historySize: 10, video: true)
    }

    func work(_ p: MemoryPlan?, _ w: Int, _ h: Int) -> Double {
        p?.recompute?.extraFLOPs(.vgg19, height: h, width: w, deepest: ObjectiveSettings.report.deepestLayer) ?? 0
    }

    func testTheFullTapeWhenItFitsElseTheLeastExtraWorkThatFits() {
        let gb = 1 << 30
        XCTAssertNotNil(plan(1024, 1024, within: 24 * gb), "1024² fits")
        XCTAssertNil(plan(1024, 1024, within: 24 * gb)?.recompute, "1024² fits on the full tape")
        let whole = MemoryPlan(objective: .report, content: (4096, 4096), style: (4096, 4096), optimizer: .adam,
                               historySize: 10, video: true)
        XCTAssertGreaterThan(whole.peak, 24 * gb, "4096² does not fit on the full tape")
        let print = plan(4096, 4096, within: 8 * gb, optimizer: .adam)
        XCTAssertNotNil(print?.recompute?.bandRows, "4096² fits in 8 GB checkpointed in bands")
        XCTAssertLessThanOrEqual(print?.peak ?? .max, 8 * gb)
        XCTAssertNotNil(plan(4096, 2725, within: 20 * gb)?.recompute, "--max-size 4096 with L-BFGS on a 24 GB machine")
        // More memory, no more work.
        let budgets = [3, 4, 6, 8, 12, 16].map { plan(2048, 2048, within: $0 * gb, optimizer: .adam) }
        XCTAssertTrue(budgets.allSatisfy { $0 != nil }, "2048² fits in 3 GB checkpointed")
        let works = budgets.map { work($0, 2048, 2048) }
        XCTAssertEqual(works, works.sorted(by: >), "\(works)")
        XCTAssertLessThan(works.last!, works.first!)
        XCTAssertNil(plan(4096, 4096, within: 200 << 20), "nothing fits in 200 MB")
        // L-BFGS's pairs spill only when nothing fits with them in memory.
        XCTAssertEqual(plan(1024, 1024, within: 24 * gb)?.spillsPairs, false)
        let lbfgs = MemoryPlan(objective: .report, content: (4096, 4096), style: (4096, 4096), optimizer: .lbfgs,
                               historySize: 10, video: true, recompute: print?.recompute)
        let spilled = MemoryPlan(objective: .report, content: (4096, 4096), style: (4096, 4096), optimizer: .lbfgs,
                                 historySize: 10, video: true, recompute: print?.recompute, spillsPairs: true)
        XCTAssertEqual(lbfgs.peak - spilled.peak, 19 * 4 * 3 * 4096 * 4096, "19 of the 20 vectors leave memory")
        let tight = plan(4096, 4096, within: spilled.peak + (lbfgs.peak - spilled.peak) / 2)
        XCTAssertEqual(tight?.spillsPairs, true, "spilled where the pairs in memory do not fit")
    }

    func testCandidatesInTheOrderOfTheWorkTheyAdd() {
        let candidates = MemoryPlan.candidates(objective: .report, height: 3000, width: 2000)
        XCTAssertNil(candidates.first!, "the full tape first")
        let works = candidates.dropFirst().map { $0!.extraFLOPs(.vgg19, height: 3000, width: 2000, deepest: .block5Conv2) }
        XCTAssertEqual(works, works.sorted())
        // Recomputing a block costs its forward once more, over its slabs' rows: block 1 whole at 3000 × 2000 is
        // 2·9·(3·64 + 64·64)·3000·2000 FLOPs.
        XCTAssertEqual(RecomputePlan(keptFrom: 1, bandRows: nil).extraFLOPs(.vgg19, height: 3000, width: 2000,
                                                                              deepest: .block5Conv2),
                       18 * Double(3 * 64 + 64 * 64) * 3000 * 2000)
        XCTAssertEqual(MemoryPlan.forced(bands: 256, objective: .report), RecomputePlan(keptFrom: 4, bandRows: 256))
        XCTAssertNil(MemoryPlan.forced(bands: 0, objective: .report))
    }
}
