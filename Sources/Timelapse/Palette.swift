// Palette: 256 colours made for one film (median cut over samples of its pictures) and the ordered dithering that
// maps a picture onto them. Ordered (Bayer) dithering keeps a still area still from frame to frame, where error
// diffusion would make it crawl.

import ImageFiles

/// At most 256 colours and a 64×64×64 lookup from colour to the nearest of them.
public final class Palette: Sendable {
    /// The colours, R G B interleaved.
    public let colors: [UInt8]
    private let lookup: [UInt8]

    /// The palette of `samples` (R G B interleaved) by median cut.
    public init(samples: [UInt8], count: Int = 256) {
        var boxes: [[Int]] = [Array(0..<(samples.count / 3))]
        func range(_ box: [Int], _ c: Int) -> Int {
            var (lo, hi) = (255, 0)
            for p in box { let v = Int(samples[3 * p + c]); lo = min(lo, v); hi = max(hi, v) }
            return hi - lo
        }
        while boxes.count < count {
            // Split the box whose widest channel, weighted by its size, is widest.
            let scored = boxes.enumerated().map { (i, box) -> (Int, Int, Int) in
                let ranges = (0..<3).map { range(box, $0) }
                let c = ranges.firstIndex(of: ranges.max()!)!
                return (i, c, box.count > 1 ? ranges[c] * Int(Double(box.count).squareRoot()) : 0)
            }
            guard let (i, c, score) = scored.max(by: { $0.2 < $1.2 }), score > 0 else { break }
            let sorted = boxes[i].sorted { samples[3 * $0 + c] < samples[3 * $1 + c] }
            let half = sorted.count / 2
            boxes[i] = Array(sorted[..<half])
            boxes.append(Array(sorted[half...]))
        }
        var colors: [UInt8] = []
        for box in boxes where !box.isEmpty {
            for c in 0..<3 {
                colors.append(UInt8((box.reduce(0) { $0 + Int(samples[3 * $1 + c]) } + box.count / 2) / box.count))
            }
        }
        if colors.isEmpty { colors = [0, 0, 0] }
        self.colors = colors
        // The nearest colour to the centre of each 4×4×4 cell.
        let n = colors.count / 3
        var lookup = [UInt8](repeating: 0, count: 64 * 64 * 64)
        colors.withUnsafeBufferPointer { p in
            for r in 0..<64 { for g in 0..<64 { for b in 0..<64 {
                let (cr, cg, cb) = (r * 4 + 2, g * 4 + 2, b * 4 + 2)
                var (best, bestDistance) = (0, Int.max)
                for k in 0..<n {
                    let dr = cr - Int(p[3 * k]), dg = cg - Int(p[3 * k + 1]), db = cb - Int(p[3 * k + 2])
                    let d = 3 * dr * dr + 4 * dg * dg + 2 * db * db
                    if d < bestDistance { (best, bestDistance) = (k, d) }
                }
                lookup[(r << 12) | (g << 6) | b] = UInt8(best)
            } } }
        }
        self.lookup = lookup
    }

    /// Up to `count` indices spread evenly over 0..<`n`, first and last included: the frames a palette samples.
    public static func spread(_ count: Int, over n: Int) -> [Int] {
        guard n > 1, count > 1 else { return n > 0 ? [0] : [] }
        return Set((0..<count).map { $0 * (n - 1) / (count - 1) }).sorted()
    }

    /// The palette of `pictures`, each sampled on a grid of about `perPicture` pixels.
    public convenience init(pictures: [RGBImage], perPicture: Int = 4096) {
        var samples: [UInt8] = []
        for p in pictures {
            let step = max(1, Int((Double(p.width * p.height) / Double(perPicture)).squareRoot()))
            for y in stride(from: step / 2, to: p.height, by: step) {
                for x in stride(from: step / 2, to: p.width, by: step) {
                    let o = (y * p.width + x) * 3
                    samples.append(contentsOf: p.pixels[o..<(o + 3)])
                }
            }
        }
        self.init(samples: samples)
    }

    private static let bayer: [Int] = [
        0, 32, 8, 40, 2, 34, 10, 42, 48, 16, 56, 24, 50, 18, 58, 26, 12, 44, 4, 36, 14, 46, 6, 38,
        60, 28, 52, 20, 62, 30, 54, 22, 3, 35, 11, 43, 1, 33, 9, 41, 51, 19, 59, 27, 49, 17, 57, 25,
        15, 47, 7, 39, 13, 45, 5, 37, 63, 31, 55, 23, 61, 29, 53, 21]

    /// The palette index of every pixel of `image`, ordered-dithered (a Bayer 8×8 offset of ±`spread`/2 levels).
    public func indices(_ image: RGBImage, spread: Int = 8, into out: UnsafeMutableBufferPointer<UInt8>, stride: Int) {
        image.pixels.withUnsafeBufferPointer { px in
            for y in 0..<image.height {
                for x in 0..<image.width {
                    let t = (Self.bayer[(y & 7) * 8 + (x & 7)] * spread) / 64 - spread / 2
                    let o = (y * image.width + x) * 3
                    let r = min(max(Int(px[o]) + t, 0), 255) >> 2
                    let g = min(max(Int(px[o + 1]) + t, 0), 255) >> 2
                    let b = min(max(Int(px[o + 2]) + t, 0), 255) >> 2
                    out[y * stride + x] = lookup[(r << 12) | (g << 6) | b]
                }
            }
        }
    }
}
