// OpenCVComparisonTests: StyleLapse's DIS against OpenCV's (preset MEDIUM, tools/fixtures/make_flow_fixtures.py) on real
// frames (Big Buck Bunny, CC BY 3.0): the flows agree, and ours explains the second frame at least as well —
// the mean brightness difference left after warping by each flow.

import Foundation
import ImageFiles
import OpticalFlow
import Stylization
import TestSupport
import XCTest

final class OpenCVComparisonTests: XCTestCase {
    static func grey(_ name: String) throws -> GreyImage {
        let image = try ImageFile.read(Fixture.path("flow/\(name).png"))
        return GreyImage(planarRGB: image.planar, width: image.width, height: image.height)
    }

    static func openCV(_ name: String, width: Int, height: Int) -> FlowField {
        let bytes = Fixture.bytes("flow/\(name)_opencv.f32")
        let n = width * height
        let values = bytes.withUnsafeBytes { raw in
            (0..<(2 * n)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        return FlowField(width: width, height: height, u: Array(values[0..<n]), v: Array(values[n...]))
    }

    /// Mean |I1(x + w(x)) − I0(x)| over the pixels `keep` holds.
    static func residual(_ a: GreyImage, _ b: GreyImage, _ flow: FlowField, _ keep: [Float]) -> Double {
        let warped = flow.warp(b.pixels, channels: 1)
        var sum = 0.0, count = 0.0
        for i in keep.indices where keep[i] != 0 { sum += Double(abs(warped[i] - a.pixels[i])); count += 1 }
        return sum / count
    }

    func testAgreesWithOpenCVAndExplainsTheFramesAsWell() throws {
        for name in ["bbb_rise", "bbb_hop"] {
            let (a, b) = (try Self.grey(name + "_0"), try Self.grey(name + "_1"))
            let theirs = Self.openCV(name, width: a.width, height: a.height)
            let ours = DISFlow.flow(from: a, to: b, parallel: .allCores)
            // Where the flow can be checked (by ours both ways): not occluded, not on a motion boundary.
            let keep = consistencyMask(ours, back: DISFlow.flow(from: b, to: a, parallel: .allCores))
            let (mine, cv) = (Self.residual(a, b, ours, keep), Self.residual(a, b, theirs, keep))
            let still = Self.residual(a, b, FlowField(zeroWidth: a.width, height: a.height), keep)
            let epe = ours.endpointError(to: theirs, mask: keep), all = ours.endpointError(to: theirs)
            print(String(format: "%@: residual ours %.3f, OpenCV %.3f, no motion %.3f levels; endpoint difference "
                + "%.3f px where consistent (%.0f %% of pixels), %.3f px everywhere", name, mine, cv, still, epe,
                100 * Double(keep.reduce(0, +)) / Double(keep.count), all))
            XCTAssertLessThanOrEqual(mine, cv * 1.05, name)
            XCTAssertLessThan(mine, still * 0.8, name)
            XCTAssertLessThanOrEqual(epe, 0.5, name)
        }
    }
}
