// The `sweep` command's run: the cells (all, or one shard's) one after another as sessions sharing one network,
// each cell's picture and record written to --cells, each cell's frames kept in an unlinked temporary file (not in
// memory) until the side-by-side film is composed; then the sheet, the video and a summary. `--merge` lays out
// the sheet from cells that shards wrote.

import ArgumentParser
import Foundation
import StyleLapse

extension SweepCommand {
    public func run() throws {
        if let merge {
            try OutputChecks.require([.picture(output!)], inputs: [])
            let sheet = try SweepCells.merge(merge)
            try PictureFile.write(sheet, to: output!)
            if !quiet { print("wrote \(output!) from the cells in \(merge)") }
            return
        }
        let axes = try axes()
        let (columns, rows, grid) = Self.grid(axes)
        let cellSettings = try grid.map { try self.cellSettings(axes, $0) }
        let base = cellSettings[0]   // what every cell shares: the pictures, the network, the optimiser and its steps
        try OutputChecks.require([output.map { .picture($0) }, video.map { .video($0) }, cells.map { .cells($0) }]
                                    .compactMap { $0 }, inputs: base.inputs)
        let interrupts = Interrupts()
        interrupts.install()
        guard FileManager.default.fileExists(atPath: base.weights) else {
            throw WeightsError(base.weights, "no weights file; fetch and convert the VGG19 weights with: bash tools/setup/fetch-weights")
        }
        let pictures = try Pictures(base.pictures)
        let (w, h) = (pictures.photo.width, pictures.photo.height)
        var network: VGGNetwork?
        let names = ([content!] + styles.style).map { ($0 as NSString).lastPathComponent }
        let title = names[0] + " + " + names.dropFirst().joined(separator: " + ")
            + "  \(base.run.optimizer == .adam ? "Adam" : "L-BFGS")\u{A0}\(base.run.iterations)\u{A0}it  \(w)×\(h)"
        func settingsLine(_ values: [Double]) -> String {
            zip(axes, values).map { "\($0.name)\u{A0}\(ContactSheet.compact($1))" }.joined(separator: " ")
        }
        func plain(_ values: [Double]) -> String { settingsLine(values).replacingOccurrences(of: "\u{A0}", with: " ") }
        // The longest label: the longest settings, and losses and an iteration as long as they can be.
        let widest = LossBreakdown(total: -8.88e-88, style: -8.88e-88, content: -8.88e-88, tv: 0, styleLayers: [])
        let layout = SweepCells.Layout(
            columns: columns, rows: rows, cellWidth: w, cellHeight: h, title: title,
            longestLabel: [grid.map(settingsLine).max { $0.count < $1.count }!, SweepCells.lossLine(widest, base.run.iterations),
                           SweepCells.partsLine(widest)],
            settingsLines: grid.map(settingsLine))
        let (k, n) = shard.map { ($0.k, $0.n) } ?? (1, 1)
        var files: [String: String] = [:]
        if let output { files["picture"] = output }
        if let video { files["video"] = video }
        let live = try serve.flatMap(ServeAddress.init).map {
            try LiveRun.start($0, photo: pictures.photo, painting: pictures.styles.first, masks: pictures.maskOverview, files: files,
                              stop: { interrupts.request() }, steer: nil)
        }

        var cellFrames: [Int: RunFrames] = [:]
        var outcomes: [Int: SweepCells.Record] = [:]
        var bests: [Int: RGBImage] = [:]
        for (i, values) in grid.enumerated() where i % n == k - 1 && !interrupts.requested {
            if !quiet { FileHandle.standardError.write(Data("cell \(i + 1)/\(grid.count): \(plain(values))\n".utf8)) }
            let session = try StylizeSession(
                settings: cellSettings[i],
                network: network, pictures: pictures, threads: threads)
            network = session.network
            interrupts.onStop = session.requestStop
            session.attach(ProgressSink(total: session.plan.totalIterations, quiet: quiet))
            live?.attach(session, steerable: false)
            session.keepsFrames = video != nil   // the side-by-side film reads each cell's frames after the runs
            let outcome = try session.run()
            cellFrames[i] = session.frames
            let record = SweepCells.Record(index: i, layout: layout, label: [settingsLine(values),
                                           SweepCells.lossLine(outcome.bestLoss, outcome.bestIteration),
                                           SweepCells.partsLine(outcome.bestLoss)],
                                           picture: SweepCells.pictureName(i, axes.map(\.name), values),
                                           bestLoss: outcome.bestLoss, bestIteration: outcome.bestIteration,
                                           seconds: outcome.seconds)
            if let cells { try SweepCells.write(record, best: outcome.best, to: cells) }
            outcomes[i] = record
            bests[i] = outcome.best
        }

        let sheetCells = grid.indices.map { i -> ContactSheet.Cell in
            guard let r = outcomes[i] else { return ContactSheet.Cell(picture: nil, label: [layout.settingsLines[i], "not run"]) }
            return ContactSheet.Cell(picture: bests[i], label: r.label)
        }
        if let output { try PictureFile.write(try layout.sheet.render(sheetCells), to: output) }
        if let video {
            var panels = try zip([content!] + styles.style, names).map { Panel(try ImageFile.read($0), label: $1) }
            if let masks = pictures.maskOverview { panels.insert(Panel(masks, label: "masks"), at: 1) }
            try writeVideo(video, layout: layout, cells: grid.indices.map { cellFrames[$0] }, pictures: panels,
                           sheet: try layout.sheet.render(sheetCells))
        }
        if !quiet {
            for (i, values) in grid.enumerated() {
                guard let o = outcomes[i] else { if i % n == k - 1 { print("\(plain(values)): not run") }; continue }
                print(String(format: "%@: best loss %.6g at iteration %d (style %.6g, content %.6g), %.1f s",
                             plain(values), o.bestLoss.total, o.bestIteration, o.bestLoss.style, o.bestLoss.content,
                             o.seconds))
            }
            let written = [output, video, cells.map { "the cells in \($0)" }].compactMap { $0 }
            print("wrote " + written.joined(separator: ", "))
        }
        if let live {
            live.written(files.keys.sorted())
            live.linger(0, interrupts: interrupts, quiet: quiet)
        }
        if interrupts.requested { throw ExitCode(130) }
    }

    /// The side-by-side film, composed as stylize's: an opening card on the photo and the paintings, every cell paced
    /// by its own change (or one frame per iteration) and labelled with the loss of the iteration it shows, the last
    /// grid held, then a crossfade into the contact sheet.
    func writeVideo(_ path: String, layout: SweepCells.Layout, cells: [RunFrames?], pictures: [Panel],
                    sheet finalSheet: RGBImage) throws {
        let sheet = try layout.sheet, c = film.composition
        let count = cells.map { $0?.count ?? 0 }.max() ?? 0
        guard count > 0 else { return }
        let paced = cells.map { cell in
            cell.map { f in PacedFrames { try f.picture($0, width: layout.cellWidth, height: layout.cellHeight) } }
        }
        let records = cells.map { $0?.records ?? [] }
        // Each cell's pacing: by the change between its own neighbouring frames.
        let frames = c.pace == .change ? c.paintingFrames : count
        let positions = cells.map { cell -> [FramePosition] in
            guard let cell, cell.count > 0 else { return [] }
            if c.pace == .iterations { return (0..<count).map { FramePosition(index: min($0, cell.count - 1), t: 0) } }
            return Pacing.byChange(cell.changes, frames: frames)
        }
        func frame(_ t: Int) throws -> RGBImage {
            let shown = try cells.indices.map { k -> ContactSheet.Cell in
                guard let cell = paced[k], !positions[k].isEmpty else {
                    return ContactSheet.Cell(picture: nil, label: [layout.settingsLines[k], "not run"])
                }
                let p = positions[k][min(t, positions[k].count - 1)]
                let picture = try cell.at(p)
                guard let r = records[k][p.t >= 0.5 ? p.index + 1 : p.index] else {
                    return ContactSheet.Cell(picture: picture, label: [layout.settingsLines[k]])
                }
                return ContactSheet.Cell(picture: picture, label: [layout.settingsLines[k],
                                                                   SweepCells.lossLine(r.loss, r.iteration),
                                                                   SweepCells.partsLine(r.loss)])
            }
            return sheet.render(shown)
        }
        let typeface = c.intro > 0 ? try Typeface.standard() : nil
        var settings = FilmEncoding(fps: c.fps, holdSeconds: 0)
        if VideoFormat(path: path) == .gif {
            settings.palette = Palette(pictures: try Palette.spread(12, over: frames).map(frame)
                                       + [finalSheet])
        }
        let writer = try TimelapseWriter(path: path, width: sheet.width, height: sheet.height, settings: settings)
        do {
            let first = try frame(0)
            if let typeface {
                let card = Cards.card(pictures, width: sheet.width, height: sheet.height, typeface: typeface)
                _ = try FilmComposer.opening(card, into: first, composition: c, emit: writer.append)
            }
            for t in 0..<frames { try writer.append(t == 0 ? first : try frame(t)) }
            let last = try frame(frames - 1)
            _ = try FilmComposer.closing(from: last, result: last, card: c.outro > 0 ? finalSheet : nil, composition: c,
                                         emit: writer.append)
            try writer.finish()
        } catch {
            writer.cancel()
            throw error
        }
    }
}
