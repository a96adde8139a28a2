// ContactSheet: the pictures of a sweep in one grid, each with a few lines of label below it and a title above all,
// drawn with the built-in bitmap font on white. The same layout makes the sheet PNG and every frame of the
// side-by-side timelapse.

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
    /// The font's scale: 2 for cells 200 pixels wide or more, else 1.
    public let scale: Int
    /// Pixels between cells and around the grid.
    public let gap = 8

    /// `longestLabel`: the label lines of the longest label any cell will have; the space below each picture
    /// holds them wrapped.
    public init(columns: Int, rows: Int, cellWidth: Int, cellHeight: Int, longestLabel: [String], title: String) {
        precondition(columns > 0 && rows > 0 && cellWidth > 0 && cellHeight > 0)
        (self.columns, self.rows, self.cellWidth, self.cellHeight) = (columns, rows, cellWidth, cellHeight)
        self.title = title
        let scale = cellWidth >= 200 ? 2 : 1
        self.scale = scale
        let characters = { (pixels: Int) in (pixels + scale) / (BitmapFont.advance * scale) }
        labelLines = Self.wrap(longestLabel, limit: characters(cellWidth)).count
        titleLines = Self.wrap([title], limit: characters(columns * (cellWidth + gap) - gap))
    }

    /// `lines` broken at spaces into lines of at most `charactersPerLine` (a longer word is cut).
    public func wrap(_ lines: [String]) -> [String] { Self.wrap(lines, limit: charactersPerLine) }

    /// `lines` broken at spaces into lines of at most `limit` characters (a longer word is cut).
    public static func wrap(_ lines: [String], limit: Int) -> [String] {
        let limit = max(1, limit)
        var out: [String] = []
        for line in lines {
            var current = ""
            for word in line.split(separator: " ") {
                let candidate = current.isEmpty ? String(word) : current + " " + word
                if candidate.count <= limit || current.isEmpty {
                    current = String(candidate.prefix(limit))
                } else {
                    out.append(current)
                    current = String(word.prefix(limit))
                }
            }
            out.append(current)
        }
        return out
    }

    var line: Int { BitmapFont.lineHeight * scale }
    var titleHeight: Int { gap + titleLines.count * line }
    var labelHeight: Int { 2 * scale + labelLines * line }
    public var width: Int { gap + columns * (cellWidth + gap) }
    public var height: Int { titleHeight + rows * (cellHeight + labelHeight + gap) + gap }
    /// Characters a label line holds (longer lines are cut).
    public var charactersPerLine: Int { (cellWidth + scale) / (BitmapFont.advance * scale) }

    /// The top-left corner of the picture of cell (`column`, `row`).
    public func origin(column: Int, row: Int) -> (x: Int, y: Int) {
        (gap + column * (cellWidth + gap), titleHeight + gap + row * (cellHeight + labelHeight + gap))
    }

    /// The top-left corner of line `k` of the label of cell (`column`, `row`).
    public func labelOrigin(column: Int, row: Int, line k: Int) -> (x: Int, y: Int) {
        let o = origin(column: column, row: row)
        return (o.x, o.y + cellHeight + 2 * scale + k * line)
    }

    /// The sheet of `cells`, row by row (`columns × rows` of them).
    public func render(_ cells: [Cell]) -> RGBImage {
        precondition(cells.count == columns * rows, "ContactSheet: \(cells.count) cells for a \(columns)×\(rows) grid")
        var sheet = RGBImage(width: width, height: height, pixels: [UInt8](repeating: 255, count: width * height * 3))
        let ink: (UInt8, UInt8, UInt8) = (20, 20, 20)
        for (k, text) in titleLines.enumerated() {
            BitmapFont.draw(text, into: &sheet, x: gap, y: gap + k * line, scale: scale, color: ink)
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
                BitmapFont.draw(text, into: &sheet, x: at.x, y: at.y, scale: scale, color: ink)
            }
        }
        return sheet
    }

    /// A number in at most about six characters: three significant digits, "E" and the exponent (1.71E8, 1E-3).
    public static func compact(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "NAN" : (x > 0 ? "INF" : "-INF") }
        var s = String(format: "%.3g", x).uppercased()
        for (from, to) in [("E+0", "E"), ("E+", "E"), ("E-0", "E-")] { s = s.replacingOccurrences(of: from, with: to) }
        return s
    }
}
