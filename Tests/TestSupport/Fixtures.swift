// Fixtures: paths into the repository's Fixtures/ folder, temporary folders, and the test image pattern.

import Foundation
import ImageFiles

/// Locations of test data.
public enum Fixture {
    /// The repository root (found from this file's path, so tests run from any working directory).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// Absolute path of `name` under Fixtures/.
    public static func path(_ name: String) -> String { root + "/Fixtures/" + name }

    /// The bytes of a fixture file.
    public static func bytes(_ name: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path(name))!) }
}

/// A fresh temporary folder, removed when the value is released.
public final class TemporaryFolder {
    public let path: String

    public init() {
        path = NSTemporaryDirectory() + "stylelapse-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// `name` inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` to `name` inside the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) -> String {
        precondition(FileManager.default.createFile(atPath: file(name), contents: Data(bytes)), "cannot write \(file(name))")
        return file(name)
    }

    /// Names of the files in the folder.
    public var contents: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The formula-defined pattern of Fixtures/images (mirrors `pattern` in tools/fixtures/make_test_images.py).
public enum Pattern {
    public static let width = 24, height = 16

    public static func rgba(_ x: Int, _ y: Int) -> (r: Int, g: Int, b: Int, a: Int, gray: Int) {
        (x * 255 / (width - 1), y * 255 / (height - 1), (x + y) * 255 / (width + height - 2),
         (x * 11 + y * 3) % 256, (x * 10 + y * 5) % 256)
    }

    /// An image computed from the pattern: `pixel(x, y)` gives (r, g, b, alpha) and is composited onto white.
    public static func image(_ pixel: (Int, Int) -> (Int, Int, Int, Int)) -> RGBImage {
        var out = RGBImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let (r, g, b, a) = pixel(x, y)
                for (c, v) in [r, g, b].enumerated() {
                    out[x, y, c] = UInt8((v * a + 255 * (255 - a) + 127) / 255)
                }
            }
        }
        return out
    }

    /// The opaque RGB pattern.
    public static var rgb: RGBImage { image { x, y in let p = rgba(x, y); return (p.r, p.g, p.b, 255) } }
}

/// Peak signal-to-noise ratio of two equally sized 8-bit images, in dB (infinity when identical).
public func psnr(_ a: RGBImage, _ b: RGBImage) -> Double {
    precondition(a.width == b.width && a.height == b.height, "psnr: sizes differ")
    var sum = 0.0
    for (x, y) in zip(a.pixels, b.pixels) { let d = Double(x) - Double(y); sum += d * d }
    let mse = sum / Double(a.pixels.count)
    return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
}

extension Fixture {
    /// The bytes of any file (nil when it does not exist).
    public static func bytesAt(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map { [UInt8]($0) } }
}

extension RGBImage {
    /// The mean of the pixels' R, G and B (0…255).
    public var meanColor: SIMD3<Double> {
        var s = SIMD3<Double>.zero
        for i in 0..<(width * height) {
            s += SIMD3(Double(pixels[3 * i]), Double(pixels[3 * i + 1]), Double(pixels[3 * i + 2]))
        }
        return s / Double(width * height)
    }
}
