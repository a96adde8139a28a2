// The passes of a coarse-to-fine run: sizes halve per level (or shrink by another ratio) (never below 16 a side), the coarser passes take the
// coarse steps, the final pass the full size and the full iterations.

import Stylization
import XCTest

final class ScalePassTests: XCTestCase {
    func testThreeLevels() {
        let passes = CoarseToFine.passes(width: 512, height: 341, scales: 3, iterations: 300, coarseIterations: 100)
        XCTAssertEqual(passes, [ScalePass(width: 128, height: 85, divisor: 4, iterations: 100),
                                ScalePass(width: 256, height: 171, divisor: 2, iterations: 100),
                                ScalePass(width: 512, height: 341, divisor: 1, iterations: 300)])
    }

    /// crowsonkb's ladder: each level √2 larger than the one before, from 128 px to 512 in five levels.
    func testSquareRootOfTwoLadder() {
        let passes = CoarseToFine.passes(width: 512, height: 340, scales: 5, ratio: 2.squareRoot(), iterations: 300,
                                         coarseIterations: 50)
        XCTAssertEqual(passes.map(\.width), [128, 181, 256, 362, 512])
        XCTAssertEqual(passes.map(\.height), [85, 120, 170, 240, 340])   // 340/4, /2^1.5 = 120.2, /2, /√2 = 240.4
        XCTAssertEqual(passes.map(\.iterations), [50, 50, 50, 50, 300])
        XCTAssertEqual(passes.last!.divisor, 1)
    }

    func testOneLevelIsThePlainRun() {
        XCTAssertEqual(CoarseToFine.passes(width: 45, height: 30, scales: 1, iterations: 7, coarseIterations: 3),
                       [ScalePass(width: 45, height: 30, divisor: 1, iterations: 7)])
    }

    func testSidesStayAtLeast16() {
        let passes = CoarseToFine.passes(width: 64, height: 20, scales: 3, iterations: 4, coarseIterations: 2)
        XCTAssertEqual(passes.map { [$0.width, $0.height] }, [[16, 16], [32, 16], [64, 20]])
    }
}

final class PassStartTests: XCTestCase {
    let (w, h) = (40, 24)
    lazy var initial: [Float] = (0..<(3 * w * h)).map { Float(($0 * 37) % 256) }
    lazy var passes = CoarseToFine.passes(width: w, height: h, scales: 2, iterations: 1, coarseIterations: 1)

    func testTheFirstPassStartsFromTheInitialImageAtItsSize() {
        let start = CoarseToFine.start(of: passes[0], initial: initial, width: w, height: h, previous: nil)
        XCTAssertEqual(start, CoarseToFine.resize(initial, from: (w, h), to: (20, 16)).map { min(max($0, 0), 255) })
    }

    func testAnUnchangedCoarsePassGivesTheInitialImageBack() {
        let coarse = CoarseToFine.resize(initial, from: (w, h), to: (20, 16))
        let start = CoarseToFine.start(of: passes[1], initial: initial, width: w, height: h, previous: (coarse, passes[0]))
        XCTAssertEqual(start, initial, "the photo's detail is kept, not blurred by a trip through the small size")
    }

    func testTheCoarseChangeIsAddedEnlarged() {
        // A coarse pass that brightened everything by 10 brightens the full-size start by 10 (clipped at 255).
        let coarse = CoarseToFine.resize(initial, from: (w, h), to: (20, 16)).map { $0 + 10 }
        let start = CoarseToFine.start(of: passes[1], initial: initial, width: w, height: h, previous: (coarse, passes[0]))
        for (s, i) in zip(start, initial) { XCTAssertEqual(s, min(i + 10, 255), accuracy: 1e-3) }
    }
}

final class AutomaticScalesTests: XCTestCase {
    func testPlainBelow768ThenLevelsDownToAbout256() {
        func levels(_ w: Int, _ h: Int, _ o: OptimizerChoice = .lbfgs) -> Int {
            CoarseToFine.automaticScales(width: w, height: h, optimizer: o)
        }
        XCTAssertEqual([levels(256, 170), levels(512, 341), levels(341, 512), levels(767, 500)], [1, 1, 1, 1])
        XCTAssertEqual([levels(768, 511), levels(511, 768), levels(1024, 681), levels(1535, 1000)], [3, 3, 3, 3])
        XCTAssertEqual([levels(2048, 1365), levels(8000, 6000)], [4, 5])
        XCTAssertEqual(levels(1024, 681, .adam), 1, "Adam runs (the report preset's) stay plain")
    }
}
