// The knobs beyond the report: colour preservation, blended styles, style scale, pooling, a smoothed timelapse.

import Foundation
import ImageFiles
import TestSupport
import XCTest

final class FeatureCommandTests: XCTestCase {
    let content = Fixture.path("demo/chelsea.png"), style = Fixture.path("demo/starry_night.jpg")

    override func setUpWithError() throws { _ = try RealWeights.require() }

    func run(_ extra: [String], _ dir: TemporaryFolder, _ name: String, iterations: Int = 4) throws -> RGBImage {
        let result = try Command.run(["stylize", "--content", content, "--style", style, "--max-size", "48",
                                      "--iterations", "\(iterations)", "--quiet", "--output", dir.file(name)] + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try ImageFile.read(dir.file(name))
    }

    func testUpscaleEnlargesASmallPhotoToTheMaxSize() throws {
        let dir = TemporaryFolder()
        let small = try ImageFile.read(content).resized(width: 40, height: 27)
        try PNGFile.write(small, to: dir.file("small.png"))
        func output(_ extra: [String]) throws -> RGBImage {
            let result = try Command.run(["stylize", "--content", dir.file("small.png"), "--style", style, "--max-size",
                                          "64", "--iterations", "0", "--quiet", "--output", dir.file("o.png")] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
            return try ImageFile.read(dir.file("o.png"))
        }
        XCTAssertEqual(try output([]), small, "0 steps from the photo: the photo, at its own size")
        XCTAssertEqual(try output(["--upscale"]), small.resized(width: 64, height: 43), "enlarged with Lanczos-3")
    }

    func testLuminanceOnlyOutputHasTheContentsChroma() throws {
        let dir = TemporaryFolder()
        let plain = try run([], dir, "plain.png")
        let kept = try run(["--preserve-color", "luminance"], dir, "kept.png")
        let photo = try ImageFile.read(content).resized(maxSide: 48)
        func chroma(_ i: RGBImage, _ p: Int) -> (Double, Double) {
            let (r, g, b) = (Double(i.pixels[3 * p]), Double(i.pixels[3 * p + 1]), Double(i.pixels[3 * p + 2]))
            return (-0.14713 * r - 0.28886 * g + 0.436 * b, 0.615 * r - 0.51499 * g - 0.10001 * b)
        }
        var keptError = 0.0, plainError = 0.0
        for p in 0..<(photo.width * photo.height) {
            let (u, v) = chroma(photo, p), (ku, kv) = chroma(kept, p), (pu, pv) = chroma(plain, p)
            keptError = max(keptError, abs(ku - u), abs(kv - v))
            plainError = max(plainError, abs(pu - u), abs(pv - v))
        }
        // Only 8-bit rounding and clamping at the ends of the range separate the chroma from the photo's.
        XCTAssertLessThan(keptError, 12, "luminance-only keeps the photo's chroma")
        XCTAssertGreaterThan(plainError, 3 * keptError, "without it the painting's colours come through")
    }

    func testBlendOfOneAndZeroEqualsTheSingleStyleRun() throws {
        let dir = TemporaryFolder()
        let single = try run([], dir, "single.png")
        let blended = try run(["--style", Fixture.path("images/png_rgb8.png"), "--style-blend", "1,0"], dir, "blend.png")
        XCTAssertEqual(single, blended)
        let mixed = try run(["--style", Fixture.path("demo/chelsea.png"), "--style-blend", "0.5,0.5"], dir, "mix.png")
        XCTAssertNotEqual(single, mixed)
    }

    func testColourTransferAndAveragePoolingAndStyleScaleRun() throws {
        let dir = TemporaryFolder()
        let plain = try run([], dir, "plain.png")
        XCTAssertNotEqual(try run(["--preserve-color", "transfer"], dir, "t.png"), plain)
        XCTAssertNotEqual(try run(["--pooling", "average"], dir, "a.png"), plain)
        XCTAssertNotEqual(try run(["--style-scale", "0.5"], dir, "s.png"), plain)
        let tooSmall = try Command.run(["stylize", "--content", content, "--style", style, "--max-size", "48",
                                        "--style-scale", "0.25", "--output", dir.file("x.png")])
        XCTAssertNotEqual(tooSmall.status, 0)
        XCTAssertTrue(tooSmall.stderr.contains("needs 16 pixels"), tooSmall.stderr)
    }

    func testSmoothedFramesAreTheMovingAverage() throws {
        let dir = TemporaryFolder()
        _ = try run(["--frames", dir.file("raw")], dir, "raw.png", iterations: 2)
        _ = try run(["--frames", dir.file("calm"), "--smooth", "0.5"], dir, "calm.png", iterations: 2)
        func frame(_ folder: String, _ i: Int) throws -> RGBImage {
            try ImageFile.read(dir.file(folder) + String(format: "/frame_%06d.png", i))
        }
        XCTAssertEqual(try frame("calm", 0), try frame("raw", 0))
        let (x0, x1, s1) = (try frame("raw", 0), try frame("raw", 1), try frame("calm", 1))
        for i in stride(from: 0, to: s1.pixels.count, by: 7) {
            XCTAssertEqual(Double(s1.pixels[i]), (Double(x0.pixels[i]) + Double(x1.pixels[i])) / 2, accuracy: 1.01)
        }
        XCTAssertEqual(try ImageFile.read(dir.file("raw.png")), try ImageFile.read(dir.file("calm.png")),
                       "the best image is never smoothed")
    }
}

final class StrengthCommandTests: XCTestCase {
    override func setUpWithError() throws { _ = try RealWeights.require() }

    /// The last trace line of a 48 px run with `extra`.
    func finalLoss(_ extra: [String], _ dir: TemporaryFolder, _ name: String) throws -> [String: Any] {
        let result = try Command.run(["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style",
                                      Fixture.path("demo/starry_night.jpg"), "--max-size", "48", "--iterations", "12",
                                      "--quiet", "--output", dir.file(name + ".png"), "--trace", dir.file(name + ".jsonl")]
                                     + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(try Trace.read(dir.file(name + ".jsonl")).last, "the last iteration")
    }

    func testStrongerMeansMoreStyleAndLessPhoto() throws {
        let dir = TemporaryFolder()
        let weak = try finalLoss(["--strength", "0.25"], dir, "weak"), strong = try finalLoss(["--strength", "0.75"], dir, "strong")
        // Relative errors: the stronger run matches the painting's Grams better and the photo's features worse.
        XCTAssertLessThan(strong["style"] as! Double, weak["style"] as! Double)
        XCTAssertGreaterThan(strong["content"] as! Double, weak["content"] as! Double)
        // The documented scale: content weight 1, style weight 10 · 10^(4·(strength − 0.5)): 1 and 100.
        for (loss, styleWeight) in [(weak, 1.0), (strong, 100.0)] {
            XCTAssertLessThan(loss["content"] as! Double, 10, "content loss is a relative error")
            XCTAssertEqual(loss["total"] as! Double, (loss["content"] as! Double) + (loss["style"] as! Double)
                           * styleWeight, accuracy: 1e-6 * (loss["total"] as! Double))
        }
    }

    func testStrengthRefusesExplicitWeightsAndOutOfRangeValues() throws {
        for extra in [["--strength", "0.5", "--style-weight", "1e-2"], ["--strength", "1.5"]] {
            let result = try Command.run(["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style",
                                          Fixture.path("demo/starry_night.jpg")] + extra)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains("--strength"), result.stderr)
        }
    }
}

final class PlotCommandTests: XCTestCase {
    override func setUpWithError() throws { _ = try RealWeights.require() }

    func testPlotDrawsThreeCurvesOverEveryIteration() throws {
        let dir = TemporaryFolder()
        let result = try Command.run(["stylize", "--content", Fixture.path("demo/chelsea.png"), "--style",
                                      Fixture.path("demo/starry_night.jpg"), "--max-size", "32", "--iterations", "6",
                                      "--quiet", "--output", dir.file("o.png"), "--plot", dir.file("loss.svg")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let svg = try String(contentsOfFile: dir.file("loss.svg"), encoding: .utf8)
        let polylines = svg.components(separatedBy: "<polyline").dropFirst()
        XCTAssertEqual(polylines.count, 3, "total, style and content")
        for line in polylines {
            let points = line.components(separatedBy: "points=\"").dropFirst().first?.prefix { $0 != "\"" } ?? ""
            XCTAssertEqual(points.split(separator: " ").count, 7, "iterations 0…6")
        }
        XCTAssertTrue(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        XCTAssertTrue(svg.contains(">1e"), "log-scale labels")
    }
}
