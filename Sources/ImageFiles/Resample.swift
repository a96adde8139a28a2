// Resample: separable Lanczos-3 resampling. Downscaling widens the kernel by the scale factor, so every source pixel
// contributes (an antialiased, area-aware filter); upscaling interpolates with the plain Lanczos-3 kernel.
// Taps that fall outside the image are dropped and the remaining weights renormalised to sum to 1 (as Pillow does).

import Foundation

/// Lanczos-3 resampling of interleaved float samples.
public enum Resample {
    /// Resizes `samples` (interleaved, `channels` per pixel, `width`×`height`) to `newWidth`×`newHeight`.
    public static func lanczos(_ samples: [Float], channels: Int, width: Int, height: Int,
                               newWidth: Int, newHeight: Int) -> [Float] {
        precondition(samples.count == width * height * channels && newWidth > 0 && newHeight > 0)
        if newWidth == width && newHeight == height { return samples }
        // Horizontal pass: width -> newWidth, then vertical: height -> newHeight.
        let h = Taps(from: width, to: newWidth)
        var mid = [Float](repeating: 0, count: newWidth * height * channels)
        for y in 0..<height {
            for x in 0..<newWidth {
                for c in 0..<channels {
                    var acc: Float = 0
                    for (k, w) in zip(h.indices[x], h.weights[x]) { acc += w * samples[(y * width + k) * channels + c] }
                    mid[(y * newWidth + x) * channels + c] = acc
                }
            }
        }
        let v = Taps(from: height, to: newHeight)
        var out = [Float](repeating: 0, count: newWidth * newHeight * channels)
        for y in 0..<newHeight {
            for x in 0..<newWidth {
                for c in 0..<channels {
                    var acc: Float = 0
                    for (k, w) in zip(v.indices[y], v.weights[y]) { acc += w * mid[(k * newWidth + x) * channels + c] }
                    out[(y * newWidth + x) * channels + c] = acc
                }
            }
        }
        return out
    }

    /// The size that fits `width`×`height` within `maxSide` on its longer side, keeping the aspect ratio
    /// (each side at least 1). An image no larger is left at its own size.
    public static func fitting(width: Int, height: Int, maxSide: Int) -> (width: Int, height: Int) {
        let longer = max(width, height)
        guard longer > maxSide else { return (width, height) }
        let s = Double(maxSide) / Double(longer)
        return (max(1, Int((Double(width) * s).rounded())), max(1, Int((Double(height) * s).rounded())))
    }

    /// For each output sample along one axis: the source indices and normalised weights that make it.
    private struct Taps {
        var indices: [[Int]] = []
        var weights: [[Float]] = []

        init(from n: Int, to m: Int) {
            let scale = Double(n) / Double(m)
            let support = 3.0 * max(scale, 1)          // widen the kernel when shrinking
            let stretch = max(scale, 1)
            for i in 0..<m {
                let center = (Double(i) + 0.5) * scale - 0.5
                let lo = Int((center - support).rounded(.up)), hi = Int((center + support).rounded(.down))
                var idx: [Int] = [], wts: [Double] = []
                for k in lo...hi {
                    let w = Self.lanczos3((Double(k) - center) / stretch)
                    if w == 0 || k < 0 || k >= n { continue }
                    idx.append(k); wts.append(w)
                }
                let sum = wts.reduce(0, +)
                indices.append(idx)
                weights.append(wts.map { Float($0 / sum) })
            }
        }

        static func lanczos3(_ x: Double) -> Double {
            if x == 0 { return 1 }
            if abs(x) >= 3 { return 0 }
            let px = Double.pi * x
            return 3 * sin(px) * sin(px / 3) / (px * px)
        }
    }
}

extension RGBImage {
    /// This image resampled to `width`×`height` with Lanczos-3 (see `Resample`), rounded back to 8 bits.
    public func resized(width newWidth: Int, height newHeight: Int) -> RGBImage {
        if newWidth == width && newHeight == height { return self }
        let out = Resample.lanczos(pixels.map(Float.init), channels: 3, width: width, height: height,
                                   newWidth: newWidth, newHeight: newHeight)
        return RGBImage(width: newWidth, height: newHeight,
                        pixels: out.map { UInt8(min(max($0.rounded(), 0), 255)) })
    }

    /// This image shrunk so its longer side is at most `maxSide`; unchanged when it already fits, unless `enlarge`
    /// asks for the longer side to be exactly `maxSide`.
    public func resized(maxSide: Int, enlarge: Bool = false) -> RGBImage {
        let longer = max(width, height)
        let size = enlarge && longer < maxSide
            ? Resample.fitting(width: width * maxSide, height: height * maxSide, maxSide: maxSide)
            : Resample.fitting(width: width, height: height, maxSide: maxSide)
        return resized(width: size.width, height: size.height)
    }
}
