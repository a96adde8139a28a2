// The `sweep` command's run: the cells (all, or one shard's) one after another as sessions sharing one network,
// each cell's picture and record written to --cells, each cell's frames kept in an unlinked temporary file (not in
// memory) until the side-by-side timelapse is composed; then the sheet, the video and a summary. `--merge` lays out
// the sheet from cells that shards wrote.

import ArgumentParser
import Engine
import Foundation
import StyleLapse

extension SweepCommand {
    func run() throws {
        if let merge {
            try OutputChecks.require([.picture(output!)], inputs: [])
            let sheet = try SweepCells.merge(merge)
            try PictureFile.write(sheet, to: output!)
            if !quiet { print("wrote \(output!) from the cells in \(merge)") }
            return
        }
        let axes = try axes()
        let (columns, rows, grid) = Self.grid(axes)
        let base = baseSettings()
        var inputs = [(content!, "--content")] + styles.style.map { ($0, "--style") }
            + [(weights ?? WeightsLocation.defaultPath, "--weights")]
        if case .image(let path) = base.initialization { inputs.append((path, "--init")) }
        try OutputChecks.require([output.map { .picture($0) }, video.map { .video($0) }, cells.map { .cells($0) }]
                                    .compactMap { $0 }, inputs: inputs)
        let interrupts = Interrupts()
        interrupts.install()
        let weightsPath = weights ?? WeightsLocation.defaultPath
        let pictureSettings = PictureSettings(content: content!, styles: styles.style, styleBlend: styles.blend,
                                              styleScale: styles.styleScale ?? (preset == .report ? nil : 1),
                                              maxSize: maxSize, preserveColor: styles.preserveColor)
        guard FileManager.default.fileExists(atPath: weightsPath) else {
            throw WeightsError(weightsPath, "no weights file; fetch and convert the VGG19 weights with: bash tools/fetch-weights")
        }
        let pictures = try Pictures(pictureSettings)
        let (w, h) = (pictures.content.width, pictures.content.height)
        let parallel = Parallel(workers: threads ?? System.activeProcessorCount)
        var network: VGGNetwork?
        let names = ([content!] + styles.style).map { ($0 as NSString).lastPathComponent }
        let title = names[0] + " + " + names.dropFirst().joined(separator: " + ")
            + "  \(base.optimizer == .adam ? "ADAM" : "L-BFGS")\u{A0}\(base.iterations)\u{A0}IT  \(w)X\(h)"
        func settingsLine(_ values: [Double]) -> String {
            zip(axes, values).map { "\($0.name)\u{A0}\(ContactSheet.compact($1))" }.joined(separator: " ")
        }
        func plain(_ values: [Double]) -> String { settingsLine(values).replacingOccurrences(of: "\u{A0}", with: " ") }
        // The longest label: the longest settings, and losses and an iteration as long as they can be.
        let widest = LossBreakdown(total: -8.88e-88, style: -8.88e-88, content: -8.88e-88, tv: 0, styleLayers: [])
        let layout = SweepCells.Layout(
            columns: columns, rows: rows, cellWidth: w, cellHeight: h, title: title,
            longestLabel: [grid.map(settingsLine).max { $0.count < $1.count }!, SweepCells.lossLine(widest, base.iterations),
                           SweepCells.partsLine(widest)],
            settingsLines: grid.map(settingsLine))
        let (k, n) = shard.map { ($0.k, $0.n) } ?? (1, 1)

        var spools: [Int: FrameSpool] = [:]
        var outcomes: [Int: SweepCells.Record] = [:]
        var bests: [Int: RGBImage] = [:]
        for (i, values) in grid.enumerated() where i % n == k - 1 && !interrupts.requested {
            var run = base
            for (axis, v) in zip(axes, values) { axis.apply(&run, v) }
            if !quiet { FileHandle.standardError.write(Data("cell \(i + 1)/\(grid.count): \(plain(values))\n".utf8)) }
            let session = try StylizeSession(
                settings: SessionSettings(pictures: pictureSettings, run: run, pooling: styles.pooling, scales: 1,
                                          film: FilmSettings(every: timelapse.every), weights: weightsPath),
                network: network, pictures: pictures, parallel: parallel)
            network = session.network
            interrupts.onStop = session.requestStop
            session.attach(ProgressSink(total: session.plan.totalIterations, quiet: quiet))
            if video != nil {
                let spool = try FrameSpool()
                spools[i] = spool
                session.attach(spool)
            }
            let outcome = try session.run()
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
            guard let r = outcomes[i] else { return ContactSheet.Cell(picture: nil, label: [layout.settingsLines[i], "NOT RUN"]) }
            return ContactSheet.Cell(picture: bests[i], label: r.label)
        }
        if let output { try PictureFile.write(layout.sheet.render(sheetCells), to: output) }
        if let video {
            try writeVideo(video, layout: layout, spools: grid.indices.map { spools[$0] })
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
        if interrupts.requested { throw ExitCode(130) }
    }

    /// Frame t of the video shows every cell at its frame t (or its last, when it has fewer), labelled with that
    /// iteration's loss.
    func writeVideo(_ path: String, layout: SweepCells.Layout, spools: [FrameSpool?]) throws {
        let sheet = layout.sheet
        let count = spools.map { $0?.frames.count ?? 0 }.max() ?? 0
        func frame(_ t: Int) throws -> RGBImage {
            let cells = try spools.enumerated().map { k, spool -> ContactSheet.Cell in
                guard let spool, !spool.frames.isEmpty else {
                    return ContactSheet.Cell(picture: nil, label: [layout.settingsLines[k], "NOT RUN"])
                }
                let j = min(t, spool.frames.count - 1), r = spool.frames[j]
                return ContactSheet.Cell(picture: try spool.picture(j, width: layout.cellWidth, height: layout.cellHeight),
                                         label: [layout.settingsLines[k], SweepCells.lossLine(r.loss, r.iteration),
                                                 SweepCells.partsLine(r.loss)])
            }
            return sheet.render(cells)
        }
        var settings = TimelapseSettings(fps: timelapse.fps, holdSeconds: timelapse.hold)
        if VideoFormat(path: path) == .gif, count > 0 {
            settings.palette = Palette(pictures: try Set((0..<12).map { $0 * (count - 1) / 11 }).sorted().map(frame))
        }
        let writer = try TimelapseWriter(path: path, width: sheet.width, height: sheet.height, settings: settings)
        do {
            for t in 0..<count { try writer.append(try frame(t)) }
            try writer.finish()
        } catch {
            writer.cancel()
            throw error
        }
    }
}
