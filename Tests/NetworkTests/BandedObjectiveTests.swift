// The objective evaluated in bands (BandLayout, StyleObjective+Bands) against the whole image on one tape: the same
// Grams, losses and gradient within float32 summation order (#16: total loss within 1e-5 relative, gradient within
// 1e-4 of its largest magnitude), with bands forced small (16, 32 and 48 rows, odd heights and widths, a last band of
// a few rows), zero padding and the padding copied from the picture; the geometry of the bands on its own. Band
// edges are multiples of 16 rows by construction, so every pooling window of a slab is one of the picture's.

import Engine
import Network
import Objective
import TestSupport
import XCTest

final class BandedObjectiveTests: XCTestCase {
    func picture(_ h: Int, _ w: Int, seed: UInt64) -> BlockedTensor {
        var rng = SeededRandom(seed: seed)
        return BlockedTensor(Shape(channels: 3, height: h, width: w), chw: rng.floats(3 * h * w, in: 0...255))
    }

    func testBandsCoverThePictureWithTheirHalos() {
        for (height, band, halo) in [(333, 16, 116), (300, 48, 100), (1000, 200, 128), (97, 16, 20)] {
            guard let layout = BandLayout(height: height, bandRows: band, halo: halo) else { return XCTFail("\(height)") }
            XCTAssertEqual(layout.bands.map(\.owned.count).reduce(0, +), height)
            XCTAssertEqual(layout.bands.first!.owned.lowerBound, 0)
            XCTAssertEqual(layout.bands.last!.owned.upperBound, height)
            for (i, b) in layout.bands.enumerated() {
                if i > 0 { XCTAssertEqual(b.owned.lowerBound, layout.bands[i - 1].owned.upperBound) }
                XCTAssertEqual(b.slabStart % 16, 0, "slabs start on the pooling grid")
                XCTAssertTrue(b.slabStart >= 0 && b.slabStart + layout.slabRows <= height)
                XCTAssertLessThanOrEqual(b.slabStart, max(0, b.owned.lowerBound - halo), "the halo above")
                XCTAssertGreaterThanOrEqual(b.slabStart + layout.slabRows, min(height, b.owned.upperBound + halo), "below")
            }
        }
        XCTAssertNil(BandLayout(height: 200, bandRows: 16, halo: 100), "one slab would hold it all")
        XCTAssertEqual(VGGArchitecture.vgg19.reach(upTo: .block5Conv2), 116)
    }

    /// Compares a banded objective with the whole-image one on `network`.
    func compare(_ network: VGGNetwork, _ settings: ObjectiveSettings, content: (Int, Int), style: (Int, Int),
                 bandRows: Int, label: String) {
        let c = picture(content.0, content.1, seed: 1), s = picture(style.0, style.1, seed: 2)
        let x = picture(content.0, content.1, seed: 3)
        let whole = StyleObjective(network: network, settings: settings, content: c, style: s)
        let banded = StyleObjective(network: network, settings: settings, content: c, style: s, bandRows: bandRows)
        XCTAssertNil(whole.layout)
        XCTAssertNotNil(banded.layout, "\(label): banded")
        for i in settings.styleLayers.indices {
            assertClose(banded.styleTarget(i), whole.styleTarget(i).map(Double.init), rel: 1e-5,
                        abs: 1e-6 * Double(whole.styleTarget(i).map(abs).max()!), "\(label): the painting's Gram \(i)")
        }
        let (g1, g2) = (BlockedTensor(x.shape), BlockedTensor(x.shape))
        let a = whole.evaluate(x, gradient: g1), b = banded.evaluate(x, gradient: g2)
        XCTAssertEqual(b.total, a.total, accuracy: 1e-5 * abs(a.total), "\(label): total")
        assertClose(b.styleLayers, a.styleLayers, rel: 1e-5, abs: 0, "\(label): style layers")
        XCTAssertEqual(b.content, a.content, accuracy: 1e-5 * abs(a.content), "\(label): content")
        let (ga, gb) = (g1.chw(), g2.chw())
        let largest = ga.map { Double(abs($0)) }.max()!
        let error = zip(ga, gb).map { Double(abs($0 - $1)) }.max()!
        XCTAssertLessThanOrEqual(error, 1e-4 * largest, "\(label): gradient")
        print(String(format: "%@: %d bands of %d rows on slabs of %d, total rel. error %.1e, gradient max error %.1e of "
            + "its largest", label, banded.layout!.bands.count, banded.layout!.bandRows, banded.layout!.slabRows,
            abs(b.total / a.total - 1), error / largest))
        // A second evaluation gives the same (the slabs' buffers hold the last band's values).
        XCTAssertEqual(banded.evaluate(x).total, b.total)
    }

    func testMiniNetworkInBandsEqualsTheWholeImage() throws {
        let (_, zeros) = try MiniVGG.load()
        for (rows, size) in [(16, (333, 21)), (48, (341, 18)), (32, (350, 33))] {
            compare(zeros, .report, content: size, style: (300, 17), bandRows: rows, label: "mini \(rows) rows \(size)")
        }
        compare(zeros, .strength(0.5), content: (333, 21), style: (290, 23), bandRows: 16, label: "mini relative losses (--strength)")
        for name in ["reflect", "replicate-all"] {
            let (_, padded) = try MiniVGG.load(padding: NetworkPadding(name: name)!)
            compare(padded, .report, content: (333, 21), style: (300, 17), bandRows: 16, label: "mini \(name)")
        }
    }

    func testVGG19InBandsEqualsTheWholeImage() throws {
        let network = try VGGNetwork.load(try RealWeights.require())
        compare(network, .report, content: (309, 20), style: (290, 19), bandRows: 16, label: "VGG19")
    }
}
