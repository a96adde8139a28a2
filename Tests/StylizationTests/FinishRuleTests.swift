// The finish rule on made-up runs: finished at the first window's end where the best loss and the picture have both
// settled, never before the minimum; a picture still moving or a loss still falling goes on; a change of balance
// re-arms it.

import Stylization
import XCTest

final class FinishRuleTests: XCTestCase {
    let rule = FinishRule(window: 10, lossFall: 0.01, levels: 1, minimum: 30)

    /// Steps 0… of a run whose loss at step i is `loss(i)` and whose picture (12 samples) is `picture(i)`: the verdict.
    func run(_ watch: inout FinishWatch, from: Int = 0, to: Int = 300, loss: (Int) -> Double,
             picture: (Int) -> UInt8) -> FinishVerdict? {
        for i in from...to {
            if let verdict = watch.observe(iteration: i, loss: loss(i), picture: { [UInt8](repeating: picture(i), count: 12) }) {
                return verdict
            }
        }
        return nil
    }

    func testFinishedWhenTheLossAndThePictureSettleButNotBeforeTheMinimum() {
        var watch = FinishWatch(rule: rule)
        // Settled from step 20 on (the loss flat, the picture still): windows end at 10, 20, 30; the minimum is 30.
        let verdict = run(&watch, loss: { $0 < 20 ? 100 - Double($0) : 80 }, picture: { _ in 7 })
        XCTAssertEqual(verdict?.iteration, 30)
        XCTAssertEqual(verdict?.lossFall, 0)
        XCTAssertEqual(verdict?.levels, 0)
        XCTAssertEqual(verdict?.description, "the loss fell 0.00 % and the picture changed 0 levels over the last 10 steps")
    }

    func testAMovingPictureOrAFallingLossGoesOn() {
        var moving = FinishWatch(rule: rule)
        // The loss flat, the picture 2 levels further every window: never finished.
        XCTAssertNil(run(&moving, loss: { _ in 80 }, picture: { UInt8(min(250, 2 * ($0 / 10))) }))
        var falling = FinishWatch(rule: rule)
        // The picture still, the best loss falling 2 % a window: never finished.
        XCTAssertNil(run(&falling, loss: { 100 * pow(0.98, Double($0 / 10)) }, picture: { _ in 7 }))
        var slowing = FinishWatch(rule: rule)
        // Falling 0.5 % a window (under 1 %), the picture moving 0.5 level a window: finished at the minimum.
        let verdict = run(&slowing, loss: { 100 * pow(0.995, Double($0 / 10)) }, picture: { UInt8($0 / 20) })
        XCTAssertEqual(verdict?.iteration, 30)
        XCTAssertEqual(verdict?.lossFall ?? 0, 0.005 / 0.995, accuracy: 1e-9)
        XCTAssertEqual(verdict?.levels, 0, "20 → 30: the same picture (steps 20…39 are level 1)")
    }

    func testTheBestLossIsWhatMustSettle() {
        var watch = FinishWatch(rule: rule)
        // A loss that jumps up and down around a settled best: the best is flat, so the picture decides.
        let verdict = run(&watch, loss: { $0 % 2 == 0 ? 80 : 95 }, picture: { _ in 7 })
        XCTAssertEqual(verdict?.iteration, 30)
    }

    func testAChangeOfBalanceRearmsTheRule() {
        var watch = FinishWatch(rule: rule)
        // Settled, but the balance changes at step 25: the best loss starts again (higher), the windows start at the
        // first step seen after the change (26), the minimum counts from 25: not before 55, at a window's end (56).
        XCTAssertNil(run(&watch, to: 24, loss: { _ in 80 }, picture: { _ in 7 }))
        watch.rearm(at: 25)
        let verdict = run(&watch, from: 26, loss: { _ in 300 }, picture: { _ in 9 })
        XCTAssertEqual(verdict?.iteration, 56)
        XCTAssertEqual(watch.best, 300)
    }
}
