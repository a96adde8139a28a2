// Overlay: the strip under each frame of the painting (never over the picture): the iteration out of the run's,
// the pass's size in a coarse-to-fine run, and the loss curve up to the frame, log scale, drawn as it grows.

import Drawing
import Foundation
import ImageFiles

/// What the overlay knows of the run: each iteration's total loss and pass size.
public struct RunHistory: Sendable {
    public struct Point: Sendable {
        public var iteration: Int, loss: Double, width: Int, height: Int
        public init(iteration: Int, loss: Double, width: Int, height: Int) {
            (self.iteration, self.loss, self.width, self.height) = (iteration, loss, width, height)
        }
    }
    public private(set) var points: [Point] = []
    public init() {}
    public mutating func append(_ p: Point) { points.append(p) }
    /// Whether the run went through passes of more than one size.
    public var coarseToFine: Bool { Set(points.map(\.width)).count > 1 }
}

public struct Overlay {
    public let width: Int, height: Int
    public let history: RunHistory
    /// The run's last iteration (the curve's x axis ends there).
    public let lastIteration: Int
    private let typeface: Typeface
    private let range: (low: Double, high: Double)

    /// A strip `width` wide; its height follows from it (a sixth of the width, 24…72 pixels).
    public init(width: Int, history: RunHistory, typeface: Typeface) {
        self.width = width
        height = Self.height(width: width)
        self.history = history
        self.typeface = typeface
        lastIteration = max(history.points.last?.iteration ?? 1, 1)
        let logs = history.points.map(\.loss).filter { $0 > 0 && $0.isFinite }.map(log10)
        range = (logs.min() ?? 0, max(logs.max() ?? 1, (logs.min() ?? 0) + 1e-9))
    }

    public static func height(width: Int) -> Int { min(72, max(24, width / 6)) }

    /// The width of the strip's text part (the curve takes the rest).
    private var textWidth: Int { width * 9 / 20 }

    /// The largest size (up to 3/8 of the strip) at which the longest line fits the text's part.
    private var textSize: Int {
        let longest = "iteration \(lastIteration) / \(lastIteration)"
        var size = max(8, min(22, height * 3 / 8))
        while size > 8 && typeface.width(longest, size: size) > textWidth - 10 { size -= 1 }
        return size
    }

    /// The strip's two lines of text at `iteration`, as drawn: the iteration out of the run's, then the pass's size
    /// (coarse-to-fine) or the loss; in a narrow strip in shorter words, so that no number is cut.
    public func lines(at iteration: Double) -> [String] {
        guard let now = history.points.last(where: { Double($0.iteration) <= iteration + 1e-9 }) ?? history.points.first
        else { return [] }
        let (size, room) = (textSize, textWidth - 6)
        func first(_ forms: [String]) -> String {
            forms.first { typeface.width($0, size: size) <= room } ?? typeface.fitting(forms.last!, size: size, maxWidth: room)
        }
        let (i, last) = (now.iteration, lastIteration)
        let loss = String(format: "%.3g", now.loss), pass = "\(now.width)×\(now.height)"
        return [first(["iteration \(i) / \(last)", "it. \(i) / \(last)", "\(i)/\(last)"]),
                first(history.coarseToFine ? ["pass \(pass)", pass] : ["loss \(loss)", loss])]
    }

    /// The strip for the moment `iteration` (fractional between two iterations) of the run.
    public func strip(at iteration: Double) -> RGBImage {
        var strip = RGBImage(width: width, height: height, filledWith: (18, 18, 21))
        let text = textWidth
        let (lines, size) = (lines(at: iteration), textSize)
        if lines.count == 2 {
            typeface.draw(lines[0], into: &strip, x: 6, baseline: height / 2 - size / 6, size: size, color: (228, 228, 232))
            typeface.draw(lines[1], into: &strip, x: 6, baseline: height - size / 2, size: size, color: (160, 160, 168))
        }
        // The curve: x over all iterations, y the log of the loss over the whole run's range; drawn up to now.
        let (x0, x1, y0, y1) = (text, width - 6, 4, height - 5)
        guard x1 > x0 + 4, y1 > y0 + 4 else { return strip }
        func x(_ i: Int) -> Int { x0 + Int(Double(x1 - x0) * Double(i) / Double(lastIteration)) }
        func y(_ loss: Double) -> Int {
            let t = (log10(max(loss, 1e-300)) - range.low) / (range.high - range.low)
            return y1 - Int((Double(y1 - y0) * min(max(t, 0), 1)).rounded())
        }
        strip.fill(x: x0, y: y1 + 1, width: x1 - x0 + 1, height: 1, color: (60, 60, 66))   // the axis
        var last: (Int, Int)?
        for p in history.points where Double(p.iteration) <= iteration + 1e-9 && p.loss > 0 && p.loss.isFinite {
            let point = (x(p.iteration), y(p.loss))
            if let last { line(&strip, from: last, to: point, color: (250, 196, 80)) }
            last = point
        }
        if let last { strip.fill(x: last.0 - 1, y: last.1 - 1, width: 3, height: 3, color: (255, 255, 255)) }
        return strip
    }

    private func line(_ image: inout RGBImage, from a: (Int, Int), to b: (Int, Int), color: (UInt8, UInt8, UInt8)) {
        let steps = max(abs(b.0 - a.0), abs(b.1 - a.1), 1)
        for s in 0...steps {
            let px = a.0 + (b.0 - a.0) * s / steps, py = a.1 + (b.1 - a.1) * s / steps
            image.fill(x: px, y: py, width: 1, height: 2, color: color)
        }
    }
}

extension RGBImage {
    /// This picture with `below` under it (of the same width).
    public func stacked(over below: RGBImage) -> RGBImage {
        precondition(below.width == width, "stacked: widths differ")
        return RGBImage(width: width, height: height + below.height, pixels: pixels + below.pixels)
    }
}
