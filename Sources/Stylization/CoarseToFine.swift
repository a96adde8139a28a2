// Coarse-to-fine: the passes of a run that optimises first at smaller sizes and last at the full size, and the image
// each pass starts from (the coarser passes' broad strokes over the detail of the initial image).

import Foundation
import ImageFiles

/// One pass: the size it works at and the optimiser steps it takes there.
public struct ScalePass: Equatable, Sendable {
    public var width: Int, height: Int
    /// The picture is 1/`divisor` of the full size on each side (1 for the final pass).
    public var divisor: Double
    public var iterations: Int

    public init(width: Int, height: Int, divisor: Double, iterations: Int) {
        (self.width, self.height, self.divisor, self.iterations) = (width, height, divisor, iterations)
    }

    /// `width` × `height` divided by `divisor`, each side rounded and at least 16 pixels (VGG19 pools 4 times).
    public static func side(_ full: Int, divisor: Double) -> Int {
        max(16, Int((Double(full) / divisor).rounded()))
    }
}

public enum CoarseToFine {
    /// The size ratio of neighbouring levels when none is given: each coarser pass half the next.
    public static let standardRatio = 2.0

    /// The passes of a `scales`-level run at `width` × `height`: 1/ratio^(scales−1), …, 1/ratio of the size with
    /// `coarseIterations` steps each, then the full size with `iterations`. One level is the plain run.
    public static func passes(width: Int, height: Int, scales: Int, ratio: Double = standardRatio, iterations: Int,
                              coarseIterations: Int) -> [ScalePass] {
        stride(from: scales - 1, through: 0, by: -1).map { k in
            let d = k == 0 ? 1 : (ratio == 2 ? Double(1 << k) : pow(ratio, Double(k)))
            return ScalePass(width: k == 0 ? width : ScalePass.side(width, divisor: d),
                             height: k == 0 ? height : ScalePass.side(height, divisor: d),
                             divisor: d, iterations: k == 0 ? iterations : coarseIterations)
        }
    }
}

extension CoarseToFine {
    /// The levels used when `--scales` is not given, for an L-BFGS run on a photo of `width` × `height`: the plain
    /// run below 768 pixels on the longer side (at 512, two levels saved at most a tenth of the time, none at the
    /// default 300 steps: see the README); from 768, as many levels as keep the coarsest pass's longer side at 192 or
    /// more (768–1535 px: 3 levels, 1536–3071: 4, then 5). Adam runs, the report's among them, stay plain unless
    /// asked.
    public static func automaticScales(width: Int, height: Int, optimizer: OptimizerChoice) -> Int {
        let longer = max(width, height)
        guard optimizer == .lbfgs, longer >= 768 else { return 1 }
        var levels = 1
        while levels < 5 && longer >> (levels - 1) >= 384 { levels += 1 }
        return levels
    }

    /// The steps of each coarser pass when `--coarse-iterations` is not given: a sixth of the final pass's (at
    /// least 1 when it takes any).
    public static func coarseIterations(_ iterations: Int) -> Int { iterations == 0 ? 0 : max(1, iterations / 6) }
}

extension CoarseToFine {
    /// Planar RGB `x` of `from` = (width, height) resized to `to` with Lanczos-3 (itself when the sizes agree).
    public static func resize(_ x: [Float], from: (Int, Int), to: (Int, Int)) -> [Float] {
        guard from != to else { return x }
        let n = from.0 * from.1
        return (0..<3).flatMap { c in
            Resample.lanczos(Array(x[(c * n)..<((c + 1) * n)]), channels: 1, width: from.0, height: from.1,
                             newWidth: to.0, newHeight: to.1)
        }
    }

    /// The image `pass` starts from. The first pass: the `initial` image (planar RGB, `width` × `height`) at its
    /// size. A later pass: the initial image at its size plus the change the previous pass made to the initial image
    /// at that pass's size, enlarged — the coarser passes lay down the broad strokes, and the detail they could not
    /// see stays the initial image's (the photo's, for a run from the photo). Clipped to the pixel box.
    public static func start(of pass: ScalePass, initial: [Float], width: Int, height: Int,
                             previous: (x: [Float], pass: ScalePass)?) -> [Float] {
        let here = (pass.width, pass.height), full = (width, height)
        let base = resize(initial, from: full, to: here)
        guard let previous else { return base.map { min(max($0, 0), 255) } }
        let there = (previous.pass.width, previous.pass.height)
        return carry(previous.x, over: resize(initial, from: full, to: there), from: there, onto: base, to: here)
    }

    /// `target` (planar RGB at `to`) plus the change from `base` to `x` (both at `from`) enlarged, clipped to the
    /// pixel box.
    public static func carry(_ x: [Float], over base: [Float], from: (Int, Int), onto target: [Float],
                             to: (Int, Int)) -> [Float] {
        zip(target, resize(zip(x, base).map { $0 - $1 }, from: from, to: to)).map { min(max($0 + $1, 0), 255) }
    }
}
