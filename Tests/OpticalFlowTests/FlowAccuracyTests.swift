// FlowAccuracyTests: DIS against motion whose flow is known exactly — the demo photo translated by sub-pixel
// amounts, rotated and zoomed (the second frame sampled from the first at the moved places) — and the consistency
// check against a square moving over a still background, where the occluded strip is known.

import Engine
import Foundation
import ImageFiles
import OpticalFlow
import Stylization
import TestSupport
import XCTest

final class FlowAccuracyTests: XCTestCase {
    /// The demo photo as grey, at 320 px across (the size of a small clip frame).
    static let photo: GreyImage = {
        let image = try! ImageFile.read(Fixture.path("demo/chelsea.png"))
        let small = image.resized(width: 320, height: 320 * image.height / image.width)
        return GreyImage(planarRGB: small.planar, width: small.width, height: small.height)
    }()

    /// A second frame where pixel x of `first` has moved to `move(x)`, and that exact flow. The second frame is the
    /// first sampled (bicubic) at the inverse of the motion, `back(y)`.
    static func moved(_ first: GreyImage, move: (Double, Double) -> (Double, Double),
                      back: (Double, Double) -> (Double, Double)) -> (GreyImage, FlowField) {
        let (w, h) = (first.width, first.height)
        var second = [Float](repeating: 0, count: w * h)
        var flow = FlowField(zeroWidth: w, height: h)
        for y in 0..<h {
            for x in 0..<w {
                let (sx, sy) = back(Double(x), Double(y))
                second[y * w + x] = bicubic(first, sx, sy)
                let (mx, my) = move(Double(x), Double(y))
                flow.u[y * w + x] = Float(mx - Double(x))
                flow.v[y * w + x] = Float(my - Double(y))
            }
        }
        return (GreyImage(width: w, height: h, pixels: second), flow)
    }

    /// Catmull–Rom interpolation, the border repeated.
    static func bicubic(_ g: GreyImage, _ x: Double, _ y: Double) -> Float {
        func k(_ t: Double) -> [Double] {
            [(-t * t * t + 2 * t * t - t) / 2, (3 * t * t * t - 5 * t * t + 2) / 2,
             (-3 * t * t * t + 4 * t * t + t) / 2, (t * t * t - t * t) / 2]
        }
        let x0 = Int(floor(x)), y0 = Int(floor(y))
        let kx = k(x - Double(x0)), ky = k(y - Double(y0))
        var sum = 0.0
        for j in 0..<4 {
            let yy = min(max(y0 - 1 + j, 0), g.height - 1)
            for i in 0..<4 {
                let xx = min(max(x0 - 1 + i, 0), g.width - 1)
                sum += kx[i] * ky[j] * Double(g.pixels[yy * g.width + xx])
            }
        }
        return Float(sum)
    }

    /// 1 where the exact flow keeps the pixel at least 2 px inside the frame (the non-occluded area).
    static func inside(_ flow: FlowField) -> [Float] {
        (0..<(flow.width * flow.height)).map { i in
            let x = Float(i % flow.width) + flow.u[i], y = Float(i / flow.width) + flow.v[i]
            return x >= 2 && y >= 2 && x <= Float(flow.width - 3) && y <= Float(flow.height - 3) ? 1 : 0
        }
    }

    func check(_ name: String, move: @escaping (Double, Double) -> (Double, Double),
               back: @escaping (Double, Double) -> (Double, Double), bound: Double) {
        let first = Self.photo
        let (second, exact) = Self.moved(first, move: move, back: back)
        let start = ContinuousClock.now
        let found = DISFlow.flow(from: first, to: second, parallel: .allCores)
        let seconds = Double((ContinuousClock.now - start).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - start).components.seconds)
        let epe = found.endpointError(to: exact, mask: Self.inside(exact))
        print("flow \(name): mean endpoint error \(String(format: "%.3f", epe)) px (bound \(bound)), "
              + "\(first.width)×\(first.height) in \(String(format: "%.3f", seconds)) s")
        XCTAssertLessThanOrEqual(epe, bound, name)
    }

    func testSubPixelTranslations() {
        for (tx, ty) in [(0.3, -0.7), (2.5, 1.25), (-4.6, 3.4), (7.2, -5.9)] {
            check("translation (\(tx), \(ty))", move: { ($0 + tx, $1 + ty) }, back: { ($0 - tx, $1 - ty) }, bound: 0.25)
        }
    }

    func testRotation() {
        let g = Self.photo, (cx, cy) = (Double(g.width) / 2, Double(g.height) / 2)
        for degrees in [2.0, -4.0] {
            let a = degrees * .pi / 180
            func rotate(_ a: Double) -> (Double, Double) -> (Double, Double) {
                { x, y in (cx + cos(a) * (x - cx) - sin(a) * (y - cy), cy + sin(a) * (x - cx) + cos(a) * (y - cy)) }
            }
            check("rotation \(degrees)°", move: rotate(a), back: rotate(-a), bound: 0.5)
        }
    }

    func testZoom() {
        let g = Self.photo, (cx, cy) = (Double(g.width) / 2, Double(g.height) / 2)
        for s in [1.04, 0.95] {
            check("zoom ×\(s)", move: { (cx + s * ($0 - cx), cy + s * ($1 - cy)) },
                  back: { (cx + ($0 - cx) / s, cy + ($1 - cy) / s) }, bound: 0.5)
        }
    }

    /// A textured square moving 6 px right over a still textured background: the consistency check marks the
    /// background strip the square covers (occluded) and keeps the rest.
    func testConsistencyMarksTheOccludedStrip() {
        let (w, h) = (160, 120), (x0, y0, side, step) = (50, 30, 50, 6)
        func background(_ x: Int, _ y: Int) -> Float { Float(128 + 60 * sin(Double(x) * 0.35) * cos(Double(y) * 0.27)) }
        func square(_ x: Int, _ y: Int) -> Float { Float(128 + 90 * sin(Double(x * y) * 0.05 + Double(x) * 0.6)) }
        func frame(_ offset: Int) -> GreyImage {
            var p = [Float](repeating: 0, count: w * h)
            for y in 0..<h {
                for x in 0..<w {
                    let inSquare = x >= x0 + offset && x < x0 + offset + side && y >= y0 && y < y0 + side
                    p[y * w + x] = inSquare ? square(x - offset - x0, y - y0) : background(x, y)
                }
            }
            return GreyImage(width: w, height: h, pixels: p)
        }
        let (a, b) = (frame(0), frame(step))
        func exact(_ offset: Int, _ motion: Float) -> FlowField {
            var f = FlowField(zeroWidth: w, height: h)
            for y in y0..<(y0 + side) { for x in (x0 + offset)..<(x0 + offset + side) { f.u[y * w + x] = motion } }
            return f
        }
        let strip = (y0 + 2..<y0 + side - 2).flatMap { y in (x0 + side + 1..<x0 + side + step - 1).map { y * w + $0 } }
        let far = (0..<(w * h)).filter { i in
            let (x, y) = (i % w, i / w)
            return (x < x0 - 4 || x > x0 + side + step + 4 || y < y0 - 4 || y > y0 + side + 4) && x > 2 && x < w - 3
                && y > 2 && y < h - 3
        }
        for (name, forward, backward) in [
            ("exact flows", exact(0, Float(step)), exact(step, -Float(step))),
            ("DIS flows", DISFlow.flow(from: a, to: b), DISFlow.flow(from: b, to: a)),
        ] {
            let mask = consistencyMask(forward, back: backward)
            let occludedMarked = Double(strip.filter { mask[$0] == 0 }.count) / Double(strip.count)
            let stillKept = Double(far.filter { mask[$0] == 1 }.count) / Double(far.count)
            print("consistency (\(name)): occluded strip marked \(occludedMarked), still background kept \(stillKept)")
            XCTAssertGreaterThanOrEqual(occludedMarked, name == "exact flows" ? 1 : 0.9, name)
            XCTAssertGreaterThanOrEqual(stillKept, name == "exact flows" ? 1 : 0.97, name)
        }
    }

    /// Warping by a whole-pixel motion moves the pixels exactly, bilinear or cubic; by a sub-pixel one, cubic is
    /// closer to the truth than bilinear on a smooth picture (it keeps more of the detail a painting carried over
    /// frame after frame would lose).
    func testWarpsMoveExactlyAndCubicKeepsDetail() {
        let (w, h) = (48, 40)
        func picture(_ dx: Double, _ dy: Double) -> [Float] {
            (0..<(w * h)).map { i in
                let (x, y) = (Double(i % w) + dx, Double(i / w) + dy)
                return Float(128 + 60 * sin(x * 0.7) * cos(y * 0.45) + 30 * sin((x + y) * 0.3))
            }
        }
        let image = picture(0, 0)
        for (u, v) in [(3.0, -2.0), (0.5, 0.25)] {
            let flow = FlowField(width: w, height: h, u: .init(repeating: Float(u), count: w * h),
                                 v: .init(repeating: Float(v), count: w * h))
            let truth = picture(u, v)   // out(x) = image(x + w)
            var errors: [Double] = []
            for cubic in [false, true] {
                let warped = flow.warp(image, channels: 1, cubic: cubic)
                var sum = 0.0, count = 0.0
                for y in 4..<(h - 4) { for x in 4..<(w - 4) { sum += Double(abs(warped[y * w + x] - truth[y * w + x])); count += 1 } }
                errors.append(sum / count)
            }
            if u == 3 { XCTAssertEqual(errors, [0, 0]) } else { XCTAssertLessThan(errors[1], errors[0] * 0.5, "\(errors)") }
        }
    }
}
