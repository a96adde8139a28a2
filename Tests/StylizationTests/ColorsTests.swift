// Colour preservation: luminance-only keeps the content's chroma exactly; colour transfer gives the style the
// content's colour mean and covariance.

import ImageFiles
import Stylization
import TestSupport
import XCTest

final class ColorsTests: XCTestCase {
    func yuv(_ planar: [Float], _ p: Int) -> (Float, Float, Float) {
        let n = planar.count / 3
        let (r, g, b) = (planar[p], planar[n + p], planar[2 * n + p])
        return (0.299 * r + 0.587 * g + 0.114 * b, -0.14713 * r - 0.28886 * g + 0.436 * b,
                0.615 * r - 0.51499 * g - 0.10001 * b)
    }

    func testLuminanceOnlyKeepsTheContentsChromaAndTheResultsLuminance() {
        var rng = SeededRandom(seed: 5)
        let result = rng.floats(3 * 50, in: 0...255), content = rng.floats(3 * 50, in: 0...255)
        let out = Colors.luminanceOnly(result, content: content)
        for p in 0..<50 {
            let (y, u, v) = yuv(out, p), (ry, _, _) = yuv(result, p), (_, cu, cv) = yuv(content, p)
            XCTAssertEqual(y, ry, accuracy: 0.01)   // the published YUV matrices are inverses to about 1e-5
            XCTAssertEqual(u, cu, accuracy: 0.01)   // the published YUV matrices are inverses to about 1e-5
            XCTAssertEqual(v, cv, accuracy: 0.01)   // the published YUV matrices are inverses to about 1e-5
        }
    }

    func testTransferMatchesTheContentsColourStatistics() throws {
        let content = try ImageFile.read(Fixture.path("demo/chelsea.png"))
        let style = try ImageFile.read(Fixture.path("demo/starry_night.jpg")).resized(maxSide: 200)
        let moved = Colors.transfer(style, toColorsOf: content)
        let (m, c) = Colors.statistics(moved.planar), (mc, cc) = Colors.statistics(content.planar)
        let (ms, _) = Colors.statistics(style.planar)
        for i in 0..<3 {
            XCTAssertEqual(m[i], mc[i], accuracy: 2, "mean of channel \(i) (style's was \(ms[i]))")
            for j in 0..<3 { XCTAssertEqual(c[i][j], cc[i][j], accuracy: 0.05 * cc[i][i] + 5, "covariance \(i),\(j)") }
        }
    }
}
