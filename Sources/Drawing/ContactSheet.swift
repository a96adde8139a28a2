// ContactSheet: the pictures of a sweep in one grid, each with a few lines of label below it and a title above all,
// set in a real typeface (FreeType, DejaVu Sans) on white. The same layout makes the sheet PNG and every frame of the
// side-by-side film.

import Foundation
import ImageFiles

public struct ContactSheet: Sendable {
    /// One cell: its picture (nil: not run) and its label lines (each wrapped at spaces to the cell's width; keep
    /// words together with a no-break space, U+00A0).
    public struct Cell: Sendable {
        public var picture: RGBImage?
        public var label: [String]
        public init(picture: RGBImage?, label: [String]) { (self.picture, self.label) = (picture, label) }
    }

    public let columns: Int, rows: Int
    public let cellWidth: Int, cellHeight: Int
    /// Text lines below each picture.
    public let labelLines: Int
    /// The title, wrapped to the sheet's width.
    let titleLines: [String]
    public let title: String
    /// The text's size in pixels: 14 for cells 200 pixels wide or more, else 11.
    public let textSize: Int
    /// Pixels between cells and around the grid.
    public let gap = 8
    public let typeface: Typeface
    /// A text line's height and its baseline below the line's top.
    public let line: Int, ascender: Int

    /// `longestLabel`: the label lines of the longest label any cell will have; the space below each picture
    /// holds them wrapped. Text is set in `typeface` (DejaVu Sans by default).
    public init(columns: Int, rows: Int, cellWidth: Int, cellHeight: Int, longestLabel: [String], title: String,
                typeface: Typeface) {
        precondition(columns > 0 && rows > 0 && cellWidth > 0 && cellHeight > 0)
        (self.columns, self.rows, self.cellWidth, self.cellHeight) = (columns, rows, cellWidth, cellHeight)
        self.title = title
        self.typeface = typeface
        textSize = cellWidth >= 200 ? 14 : 11
        let metrics = typeface.metrics(size: textSize)
        (line, ascender) = (max(metrics.lineHeight, metrics.ascender + metrics.descender), metrics.ascender)
        labelLines = Self.wrap(longestLabel, maxWidth: cellWidth, typeface: typeface, size: textSize).count
        titleLines = Self.wrap([title], maxWidth: columns * (cellWidth + gap) - gap, typeface: typeface, size: textSize)
    }

    /// `lines` broken at spaces into lines at most a cell wide (a longer word is cut).
    public func wrap(_ lines: [String]) -> [String] {
        Self.wrap(lines, maxWidth: cellWidth, typeface: typeface, size: textSize)
    }

    /// `lines` broken at spaces into lines at most `maxWidth` pixels wide in `typeface` at `size` (a longer word is
    /// shortened with "…", never cut silently); a no-break space (U+00A0) keeps its words together.
    public static func wrap(_ lines: [String], maxWidth: Int, typeface: Typeface, size: Int) -> [String] {
        func fits(_ text: some StringProtocol) -> Bool { typeface.width(String(text), size: size) <= maxWidth }
        func cut(_ word: Substring) -> String { fits(word) ? String(word) : typeface.fitting(String(word), size: size, maxWidth: maxWidth) }
        var out: [String] = []
        for line in lines {
            var current = ""
            for word in line.split(separator: " ") {
                let candidate = current.isEmpty ? String(word) : current + " " + word
                if fits(candidate) || current.isEmpty {
                    current = cut(Substring(candidate))
                } else {
                    out.append(current)
                    current = cut(word)
                }
            }
            out.append(current)
        }
        return out
    }

    var titleHeight: Int { gap + titleLines.count * line }
    var labelHeight: Int { 2 + labelLines * line }
    public var width: Int { gap + columns * (cellWidth + gap) }
    public var height: Int { titleHeight + rows * (cellHeight + labelHeight + gap) + gap }

    /// The top-left corner of the picture of cell (`column`, `row`).
    public func origin(column: Int, row: Int) -> (x: Int, y: Int) {
        (gap + column * (cellWidth + gap), titleHeight + gap + row * (cellHeight + labelHeight + gap))
    }

    /// The top-left corner of line `k` of the label of cell (`column`, `row`) (its baseline is `ascender` lower).
    public func labelOrigin(column: Int, row: Int, line k: Int) -> (x: Int, y: Int) {
        let o = origin(column: column, row: row)
        return (o.x, o.y + cellHeight + 2 + k * line)
    }

    /// The top-left corner of line `k` of the title.
    public func titleOrigin(line k: Int) -> (x: Int, y: Int) { (gap, gap + k * line) }

    /// The sheet of `cells`, row by row (`columns × rows` of them).
    public func render(_ cells: [Cell]) -> RGBImage {
        precondition(cells.count == columns * rows, "ContactSheet: \(cells.count) cells for a \(columns)×\(rows) grid")
        var sheet = RGBImage(width: width, height: height, pixels: [UInt8](repeating: 255, count: width * height * 3))
        for (k, text) in titleLines.enumerated() {
            let at = titleOrigin(line: k)
            typeface.draw(text, into: &sheet, x: at.x, baseline: at.y + ascender, size: textSize, color: Self.ink)
        }
        for (i, cell) in cells.enumerated() {
            let (column, row) = (i % columns, i / columns)
            let o = origin(column: column, row: row)
            if let p = cell.picture {
                for y in 0..<min(p.height, cellHeight) {
                    let from = 3 * y * p.width, to = 3 * ((o.y + y) * width + o.x)
                    sheet.pixels.replaceSubrange(to..<(to + 3 * min(p.width, cellWidth)),
                                                 with: p.pixels[from..<(from + 3 * min(p.width, cellWidth))])
                }
            } else {
                for y in 0..<cellHeight {
                    let to = 3 * ((o.y + y) * width + o.x)
                    sheet.pixels.replaceSubrange(to..<(to + 3 * cellWidth), with: repeatElement(220, count: 3 * cellWidth))
                }
            }
            for (k, text) in wrap(cell.label).prefix(labelLines).enumerated() {
                let at = labelOrigin(column: column, row: row, line: k)
                typeface.draw(text, into: &sheet, x: at.x, baseline: at.y + ascender, size: textSize, color: Self.ink)
            }
        }
        return sheet
    }

    /// The text's colour.
    public static let ink: (UInt8, UInt8, UInt8) = (20, 20, 20)

    /// A number in at most about six characters: three significant digits, "E" and the exponent (1.71E8, 1E-3).
    public static func compact(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "NAN" : (x > 0 ? "INF" : "-INF") }
        var s = String(format: "%.3g", x).uppercased()
        for (from, to) in [("E+0", "E"), ("E+", "E"), ("E-0", "E-")] { s = s.replacingOccurrences(of: from, with: to) }
        return s
    }
}
