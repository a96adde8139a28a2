// LossPlot: total, style and content loss against iteration on a log scale, as an SVG a browser shows.

import Foundation

public enum LossPlot {
    /// The plotted curves: each iteration's total, and its style and content losses each times the weight in force at
    /// that iteration (so style + content + TV is the total).
    public struct Curves: Sendable, Equatable {
        public var iterations: [Int] = [], total: [Double] = [], style: [Double] = [], content: [Double] = []
        public init() {}
        /// Adds `record`, its style loss weighted by `styleWeight` and its content loss by `contentWeight`.
        public mutating func append(_ record: IterationRecord, styleWeight: Double, contentWeight: Double) {
            iterations.append(record.iteration)
            total.append(record.loss.total)
            style.append(record.loss.style * styleWeight)
            content.append(record.loss.content * contentWeight)
        }
    }

    /// An SVG of the three curves, log-scaled losses.
    public static func svg(_ curves: Curves) -> String {
        let (width, height, left, right, top, bottom) = (720.0, 420.0, 70.0, 20.0, 20.0, 40.0)
        let series: [(name: String, color: String, values: [Double])] = [
            ("total", "#222222", curves.total),
            ("style × weight", "#c0392b", curves.style),
            ("content × weight", "#2471a3", curves.content),
        ]
        let positive = series.flatMap(\.values).filter { $0 > 0 && $0.isFinite }
        let lo = floor(log10(positive.min() ?? 1)), hi = max(ceil(log10(positive.max() ?? 10)), lo + 1)
        let last = max(curves.iterations.last ?? 1, 1)
        func x(_ i: Int) -> Double { left + (width - left - right) * Double(i) / Double(last) }
        func y(_ v: Double) -> Double { top + (height - top - bottom) * (hi - log10(max(v, pow(10, lo)))) / (hi - lo) }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <line x1="\(left)" y1="\(height - bottom)" x2="\(width - right)" y2="\(height - bottom)" stroke="black"/>
            <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(height - bottom)" stroke="black"/>

            """
        for e in Int(lo)...Int(hi) {
            let yy = y(pow(10, Double(e)))
            out += "<line x1=\"\(left)\" y1=\"\(yy)\" x2=\"\(width - right)\" y2=\"\(yy)\" stroke=\"#dddddd\"/>"
            out += "<text x=\"\(left - 6)\" y=\"\(yy + 4)\" text-anchor=\"end\">1e\(e)</text>\n"
        }
        for k in 0...4 {
            let i = last * k / 4
            out += "<text x=\"\(x(i))\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(i)</text>\n"
        }
        out += "<text x=\"\((left + width - right) / 2)\" y=\"\(height - 6)\" text-anchor=\"middle\">iteration</text>\n"
        for (k, s) in series.enumerated() {
            let points = zip(curves.iterations, s.values).map { "\(x($0)),\(y($1))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.5\" points=\"\(points)\"/>\n"
            let ly = top + 16 * Double(k + 1)
            out += "<line x1=\"\(width - 190)\" y1=\"\(ly - 4)\" x2=\"\(width - 170)\" y2=\"\(ly - 4)\" stroke=\"\(s.color)\" stroke-width=\"2\"/>"
            out += "<text x=\"\(width - 164)\" y=\"\(ly)\">\(s.name)</text>\n"
        }
        return out + "</svg>\n"
    }
}
