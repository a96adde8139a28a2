// Cards: the film's opening (the photo and the paintings side by side, each labelled with its file name) and its
// closing (photo | paintings | result), on a neutral background, text in a real typeface.

import Drawing
import ImageFiles

/// A labelled picture on a card.
public struct Panel {
    public var picture: RGBImage, label: String
    public init(_ picture: RGBImage, label: String) { (self.picture, self.label) = (picture, label) }
}

/// The layout of a card: pictures side by side, each fitted to its column, labels underneath.
public struct CardLayout: Equatable, Sendable {
    public static let background: (UInt8, UInt8, UInt8) = (34, 34, 38)
    public static let ink: (UInt8, UInt8, UInt8) = (228, 228, 232)
    public let width: Int, height: Int, columns: Int
    /// Margin around and between columns, the label's font size, the height of the pictures' box.
    public let margin: Int, textSize: Int, boxHeight: Int
    public var columnWidth: Int { (width - (columns + 1) * margin) / columns }

    public init(width: Int, height: Int, columns: Int) {
        (self.width, self.height, self.columns) = (width, height, max(columns, 1))
        let short = min(width, height)
        margin = max(2, short / 24)
        textSize = max(8, min(28, short / 18))
        boxHeight = max(1, height - 3 * margin - textSize * 3 / 2)
    }

    /// The top of the row of pictures `rowHeight` high, the row and its labels centred on the card.
    public func top(rowHeight: Int) -> Int { (height - (rowHeight + margin + textSize * 3 / 2)) / 2 + textSize / 4 }

    /// Where a fitted picture of `w`×`h` goes in column `c` of a row `rowHeight` high: centred in its cell.
    public func frame(column c: Int, fitted w: Int, _ h: Int, rowHeight: Int) -> (x: Int, y: Int) {
        (margin + c * (columnWidth + margin) + (columnWidth - w) / 2, top(rowHeight: rowHeight) + (rowHeight - h) / 2)
    }

    /// The labels' baseline under a row `rowHeight` high.
    public func baseline(rowHeight: Int) -> Int { top(rowHeight: rowHeight) + rowHeight + margin + textSize }
}

public enum Cards {
    /// `panels` side by side on a `width`×`height` card.
    public static func card(_ panels: [Panel], width: Int, height: Int, typeface: Typeface) -> RGBImage {
        let layout = CardLayout(width: width, height: height, columns: panels.count)
        var card = RGBImage(width: width, height: height, filledWith: CardLayout.background)
        let fitted = panels.map { $0.picture.fitted(width: max(layout.columnWidth, 1), height: layout.boxHeight) }
        let row = fitted.map(\.height).max() ?? 0
        for (c, panel) in panels.enumerated() {
            let at = layout.frame(column: c, fitted: fitted[c].width, fitted[c].height, rowHeight: row)
            card.place(fitted[c], x: at.x, y: at.y)
            let label = typeface.fitting(panel.label, size: layout.textSize, maxWidth: layout.columnWidth)
            let x = layout.margin + c * (layout.columnWidth + layout.margin)
                + (layout.columnWidth - typeface.width(label, size: layout.textSize)) / 2
            typeface.draw(label, into: &card, x: x, baseline: layout.baseline(rowHeight: row), size: layout.textSize, color: CardLayout.ink)
        }
        return card
    }
}
