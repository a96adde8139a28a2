// The checkpointed objective (RecomputingTape, StyleObjective+Checkpointed) against the whole image on one tape:
// the same Grams, losses and gradient within float32 summation order (#16: total loss within 1e-5 relative,
// gradient within 1e-4 of its largest magnitude). Plans from every block recomputed to only the first, whole or in
// bands forced small (2, 4, 6 rows of each block's map, odd heights and widths, a last band of one or a few rows),
// zero padding and the padding copied from the picture, average pooling; then VGG19 itself.

import Engine
import Network
import Objective
import TestSupport
import XCTest

final class RecomputedObjectiveTests: XCTestCase {
    func picture(_ h: Int, _ w: Int, seed: UInt64) -> BlockedTensor {
        var rng = SeededRandom(seed: seed)
        return BlockedTensor(Shape(channels: 3, height: h, width: w), chw: rng.floats(3 * h * w, in: 0...255))
    }

    func testBandsCoverTheMapWithTheirHalos() {
        for (height, band, halo, alignment) in [(333, 16, 4, 2), (300, 48, 2, 2), (1000, 200, 4, 2), (97, 2, 2, 2),
                                                (333, 16, 116, 16)] {
            guard let layout = BandLayout(height: height, bandRows: band, halo: halo, alignment: alignment) else {
                return XCTFail("\(height)")
            }
            XCTAssertEqual(layout.bands.map(\.owned.count).reduce(0, +), height)
            XCTAssertEqual(layout.bands.first!.owned.lowerBound, 0)
            XCTAssertEqual(layout.bands.last!.owned.upperBound, height)
            for (i, b) in layout.bands.enumerated() {
                if i > 0 { XCTAssertEqual(b.owned.lowerBound, layout.bands[i - 1].owned.upperBound) }
                XCTAssertEqual(b.slabStart % alignment, 0, "slabs start on the pooling grid")
                XCTAssertEqual(b.owned.lowerBound % alignment, 0, "bands too")
                XCTAssertTrue(b.slabStart >= 0 && b.slabStart + layout.slabRows <= height)
                XCTAssertLessThanOrEqual(b.slabStart, max(0, b.owned.lowerBound - halo), "the halo above")
                XCTAssertGreaterThanOrEqual(b.slabStart + layout.slabRows, min(height, b.owned.upperBound + halo), "below")
            }
        }
        XCTAssertNil(BandLayout(height: 20, bandRows: 16, halo: 2), "one slab would hold it all")
    }

    func testBlocksAsFarAsADepth() {
        let blocks = VGGArchitecture.vgg19.blocks(depth: 14)   // up to block5_conv2
        XCTAssertEqual(blocks.map(\.layers), [0..<2, 2..<4, 4..<8, 8..<12, 12..<14])
        XCTAssertEqual(blocks.map(\.pools), [true, true, true, true, false])
        XCTAssertEqual(VGGArchitecture.vgg19.blocks(depth: 9).map(\.layers), [0..<2, 2..<4, 4..<8, 8..<9])
    }

    /// Compares a checkpointed objective with the whole-image one on `network`.
    func compare(_ network: VGGNetwork, _ settings: ObjectiveSettings, content: (Int, Int), style: (Int, Int),
                 plan: RecomputePlan, label: String) {
        let c = picture(content.0, content.1, seed: 1), s = picture(style.0, style.1, seed: 2)
        let x = picture(content.0, content.1, seed: 3)
        let whole = StyleObjective(network: network, settings: settings, content: c, style: s)
        let checkpointed = StyleObjective(network: network, settings: settings, content: c, style: s, recompute: plan)
        for i in settings.styleLayers.indices {
            assertClose(checkpointed.styleTarget(i), whole.styleTarget(i).map(Double.init), rel: 1e-5,
                        abs: 1e-6 * Double(whole.styleTarget(i).map(abs).max()!), "\(label): the painting's Gram \(i)")
        }
        let (g1, g2) = (BlockedTensor(x.shape), BlockedTensor(x.shape))
        let a = whole.evaluate(x, gradient: g1), b = checkpointed.evaluate(x, gradient: g2)
        XCTAssertEqual(b.total, a.total, accuracy: 1e-5 * abs(a.total), "\(label): total")
        assertClose(b.styleLayers, a.styleLayers, rel: 1e-5, abs: 0, "\(label): style layers")
        XCTAssertEqual(b.content, a.content, accuracy: 1e-5 * abs(a.content), "\(label): content")
        let (ga, gb) = (g1.chw(), g2.chw())
        let largest = ga.map { Double(abs($0)) }.max()!
        let error = zip(ga, gb).map { Double(abs($0 - $1)) }.max()!
        XCTAssertLessThanOrEqual(error, 1e-4 * largest, "\(label): gradient")
        print(String(format: "%@: %@, total rel. error %.1e, gradient max error %.1e of its largest", label,
                     plan.description, abs(b.total / a.total - 1), error / largest))
        // A second evaluation gives the same (the shared slab storage holds another block's values by then).
        let g3 = BlockedTensor(x.shape)
        XCTAssertEqual(checkpointed.evaluate(x, gradient: g3).total, b.total)
        XCTAssertEqual(g3.chw(), gb)
    }

    func testMiniNetworkCheckpointedEqualsTheWholeImage() throws {
        let (_, zeros) = try MiniVGG.load()
        for (plan, size) in [(RecomputePlan(keptFrom: 5, bandRows: nil), (37, 21)),
                             (RecomputePlan(keptFrom: 5, bandRows: 2), (75, 21)),
                             (RecomputePlan(keptFrom: 4, bandRows: 4), (83, 18)),
                             (RecomputePlan(keptFrom: 2, bandRows: 6), (97, 33)),
                             (RecomputePlan(keptFrom: 1, bandRows: 2), (66, 35)),
                             (RecomputePlan(keptFrom: 0, bandRows: nil), (50, 19))] {
            compare(zeros, .report, content: size, style: (40, 17), plan: plan, label: "mini \(size)")
        }
        compare(zeros, .strength(0.5), content: (77, 21), style: (60, 23), plan: RecomputePlan(keptFrom: 5, bandRows: 4),
                label: "mini relative losses (--strength)")
        for name in ["reflect", "replicate-all"] {
            let (_, padded) = try MiniVGG.load(padding: NetworkPadding(name: name)!)
            compare(padded, .report, content: (71, 21), style: (50, 17), plan: RecomputePlan(keptFrom: 5, bandRows: 2),
                    label: "mini \(name)")
        }
        let (_, average) = try MiniVGG.load(pooling: .average)
        compare(average, .report, content: (69, 20), style: (50, 17), plan: RecomputePlan(keptFrom: 3, bandRows: 4),
                label: "mini average pooling")
    }

    func testVGG19CheckpointedEqualsTheWholeImage() throws {
        let network = try VGGNetwork.load(try RealWeights.require())
        compare(network, .report, content: (101, 20), style: (90, 19), plan: RecomputePlan(keptFrom: 4, bandRows: 8),
                label: "VGG19")
    }
}
