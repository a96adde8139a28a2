// SweepCells: a sweep's cells on disk (each cell's best picture and a small JSON record), written by every run that
// has --cells and read back by `sweep --merge`, which lays out the same sheet one machine would have.

import Foundation
import StyleLapse

enum SweepCells {
    /// The sheet a sweep lays out: every record holds it, so any shard's cells can rebuild it.
    struct Layout: Codable, Equatable {
        var columns: Int, rows: Int, cellWidth: Int, cellHeight: Int
        var title: String
        var longestLabel: [String]
        /// Every cell's settings line, row by row.
        var settingsLines: [String]

        var sheet: ContactSheet {
            get throws {
                ContactSheet(columns: columns, rows: rows, cellWidth: cellWidth, cellHeight: cellHeight,
                             longestLabel: longestLabel, title: title, typeface: try Typeface.standard())
            }
        }
    }

    /// One cell's record: `cell-NN.json` beside its picture.
    struct Record: Codable {
        var format = "stylelapse-sweep-cell"
        var version = 1
        /// 0-based, row by row.
        var index: Int
        var layout: Layout
        var label: [String]
        /// The picture's file name in the same folder.
        var picture: String
        var bestLoss: LossBreakdown
        var bestIteration: Int
        var seconds: Double

        init(index: Int, layout: Layout, label: [String], picture: String, bestLoss: LossBreakdown, bestIteration: Int,
             seconds: Double) {
            (self.index, self.layout, self.label, self.picture) = (index, layout, label, picture)
            (self.bestLoss, self.bestIteration, self.seconds) = (bestLoss, bestIteration, seconds)
        }
    }

    static func pictureName(_ index: Int, _ names: [String], _ values: [Double]) -> String {
        let slug = zip(names, values).map { "\($0.lowercased())\(ContactSheet.compact($1).lowercased())" }
        return String(format: "cell-%02d-", index + 1) + slug.joined(separator: "-") + ".png"
    }

    static func recordName(_ index: Int) -> String { String(format: "cell-%02d.json", index + 1) }

    static func write(_ record: Record, best: RGBImage, to folder: String) throws {
        try PNGFile.write(best, to: folder + "/" + record.picture)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write([UInt8](try encoder.encode(record)), to: folder + "/" + recordName(record.index))
    }

    /// The sheet of the cells in `folder` (cells no shard wrote are labelled "not run").
    static func merge(_ folder: String) throws -> RGBImage {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw ImageFileError(folder, "cannot read the cells folder")
        }
        var records: [Int: Record] = [:]
        var layout: Layout?
        for name in names.sorted() where name.hasPrefix("cell-") && name.hasSuffix(".json") {
            let path = folder + "/" + name
            guard let data = FileManager.default.contents(atPath: path),
                  let record = try? JSONDecoder().decode(Record.self, from: data),
                  record.format == "stylelapse-sweep-cell", record.version == 1 else {
                throw ImageFileError(path, "is not a sweep cell record (format stylelapse-sweep-cell, version 1)")
            }
            guard layout == nil || layout == record.layout else {
                throw ImageFileError(path, "belongs to another sweep than the other cells in \(folder)")
            }
            guard (0..<record.layout.settingsLines.count).contains(record.index) else {
                throw ImageFileError(path, "names cell \(record.index + 1) of a \(record.layout.settingsLines.count)-cell sweep")
            }
            layout = record.layout
            records[record.index] = record
        }
        guard let layout else { throw ImageFileError(folder, "holds no sweep cells (cell-NN.json)") }
        let cells = try layout.settingsLines.indices.map { i -> ContactSheet.Cell in
            guard let r = records[i] else { return ContactSheet.Cell(picture: nil, label: [layout.settingsLines[i], "not run"]) }
            let picture = try ImageFile.read(folder + "/" + r.picture)
            guard picture.width == layout.cellWidth, picture.height == layout.cellHeight else {
                throw ImageFileError(folder + "/" + r.picture, "is \(picture.width)×\(picture.height), not the sweep's "
                    + "\(layout.cellWidth)×\(layout.cellHeight)")
            }
            return ContactSheet.Cell(picture: picture, label: r.label)
        }
        return try layout.sheet.render(cells)
    }

    static func lossLine(_ loss: LossBreakdown, _ iteration: Int) -> String {
        "loss\u{A0}\(ContactSheet.compact(loss.total)) it\u{A0}\(iteration)"
    }

    static func partsLine(_ loss: LossBreakdown) -> String {
        "S\u{A0}\(ContactSheet.compact(loss.style)) C\u{A0}\(ContactSheet.compact(loss.content))"
    }
}
