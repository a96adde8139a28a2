// The finish rule in a session: a run whose picture is never finished by its rule ends at the cap and says so, with
// the rule's last look; a run without a rule says it ran every step given.

import StyleLapse
import TestSupport
import XCTest

final class FinishSessionTests: XCTestCase {
    func testACapReachedBeforeTheFinishSaysWhatTheRuleLastSaw() throws {
        let strict = FinishRule(window: 4, lossFall: 1e-12, levels: 1e-12, minimum: 0)
        let capped = try StylizeSession(settings: try Demo.settings(iterations: 12, finish: strict)).run()
        XCTAssertNil(capped.finished)
        XCTAssertEqual(capped.iterations, 12)
        let look = try XCTUnwrap(capped.unfinished)
        XCTAssertEqual(look.iteration, 12, "the last window's end")
        XCTAssertEqual(capped.stopKind, "cap")
        XCTAssertTrue(capped.stopReason.hasPrefix("cap: the most steps ran before the picture was finished (the loss fell "),
                      capped.stopReason)
        let plain = try StylizeSession(settings: try Demo.settings(iterations: 12)).run()
        XCTAssertNil(plain.unfinished)
        XCTAssertEqual(plain.stopReason, "iterations: every step given")
    }
}
