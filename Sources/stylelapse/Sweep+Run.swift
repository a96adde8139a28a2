// The `sweep` command's run: the cells one after another on one loaded network, each cell's frames kept in an
// unlinked temporary file (not in memory) until the side-by-side timelapse is composed, then the sheet, the video,
// the cells' pictures and a summary.

import ArgumentParser
import Engine
import Foundation
import ImageFiles
import Network
import Objective
import Stylize
import Timelapse

extension SweepCommand {
    /// One cell's outcome.
    struct Outcome {
        var best: RGBImage?
        var bestLoss: LossBreakdown?
        var bestIteration = 0
        var seconds = 0.0
        /// The records of the iterations that became frames, in order.
        var frames: [IterationRecord] = []
    }

    func run() throws {
        let axes = try axes()
        let (columns, rows, grid) = Self.grid(axes)
        let base = baseSettings()
        for path in [output, video].compactMap({ $0 }) { try AtomicFile.checkWritable(path) }
        if let cells { try StylizeCommand.prepareFolder(cells) }
        let weightsPath = weights ?? WeightsLocation.defaultPath
        guard FileManager.default.fileExists(atPath: weightsPath) else {
            throw WeightsError(weightsPath, "no weights file; fetch and convert the VGG19 weights with: bash tools/fetch-weights")
        }
        let pictures = try Pictures(content: content, styles: styles.style, maxSize: maxSize,
                                    styleScale: styles.styleScale, colors: styles.preserveColor)
        let (w, h) = (pictures.content.width, pictures.content.height)
        let plan = MemoryPlan(objective: base.objective, content: (w, h),
                              style: (pictures.largestStyle.width, pictures.largestStyle.height),
                              optimizer: base.optimizer, historySize: base.lbfgs.historySize, video: video != nil)
        if let available = MemoryPlan.available, plan.peak > available {
            throw StylizeError(description: String(format: "%d×%d needs about %.0f MB, more than the %.0f MB available; "
                + "try a smaller --max-size", w, h, Double(plan.peak) / 1048576, Double(available) / 1048576))
        }
        let network = try VGGNetwork.load(weightsPath, pooling: styles.pooling)
        let parallel = Parallel(workers: threads ?? System.activeProcessorCount)
        let contentTensor = Pictures.tensor(pictures.content)
        let styleTensors = zip(pictures.styles, styles.blend).map { (Pictures.tensor($0), $1) }
        let initial = try StylizeCommand.initialImage(base, content: pictures.content)
        let names = ([content] + styles.style).map { ($0 as NSString).lastPathComponent }
        let title = names[0] + " + " + names.dropFirst().joined(separator: " + ")
            + "  \(base.optimizer == .adam ? "ADAM" : "L-BFGS")\u{A0}\(base.iterations)\u{A0}IT  \(w)X\(h)"
        func settingsLine(_ values: [Double]) -> String {
            zip(axes, values).map { "\($0.name)\u{A0}\(ContactSheet.compact($1))" }.joined(separator: " ")
        }
        func plain(_ values: [Double]) -> String { settingsLine(values).replacingOccurrences(of: "\u{A0}", with: " ") }
        // The longest label: the longest settings, and losses and an iteration as long as they can be.
        let widest = LossBreakdown(total: -8.88e-88, style: -8.88e-88, content: -8.88e-88, tv: 0, styleLayers: [])
        let longest = [grid.map(settingsLine).max { $0.count < $1.count }!, Self.lossLine(widest, base.iterations),
                       Self.partsLine(widest)]
        let sheet = ContactSheet(columns: columns, rows: rows, cellWidth: w, cellHeight: h, longestLabel: longest,
                                 title: title)

        let interrupts = Interrupts()
        interrupts.install()
        let frameBytes = 3 * w * h
        var frameFiles: [FileHandle] = []
        var outcomes = Array(repeating: Outcome(), count: grid.count)
        for (i, values) in grid.enumerated() where !interrupts.requested {
            var settings = base
            for (axis, v) in zip(axes, values) { axis.apply(&settings, v) }
            if !quiet {
                FileHandle.standardError.write(Data("cell \(i + 1)/\(grid.count): \(plain(values))\n".utf8))
            }
            let frames = try video.map { _ in try Self.scratchFile() }
            if let frames { frameFiles.append(frames) }
            let objective = StyleObjective(network: network, settings: settings.objective, content: contentTensor,
                                           styles: styleTensors, parallel: parallel)
            let runner = StylizeRun(objective: objective, settings: settings)
            var progress = Progress(total: settings.iterations, quiet: quiet)
            var pending: (IterationRecord, [Float])?
            func keep(_ record: IterationRecord, _ x: [Float]) throws {
                outcomes[i].frames.append(record)
                do { try frames?.write(contentsOf: pictures.picture(x).pixels) } catch {
                    throw StylizeError(description: "cannot keep the timelapse's frames in \(NSTemporaryDirectory()) (\(error))")
                }
            }
            func iteration(_ record: IterationRecord, _ x: [Float]) throws {
                progress.update(record)
                if record.iteration % timelapse.every == 0 { try keep(record, x); pending = nil } else { pending = (record, x) }
            }
            var state = try runner.start(from: initial)
            try iteration(runner.record(state), state.x)
            _ = try runner.run(&state, shouldStop: { interrupts.requested }, onIteration: iteration)
            if let (record, x) = pending { try keep(record, x) }
            progress.finish()
            outcomes[i].best = pictures.picture(state.best)
            (outcomes[i].bestLoss, outcomes[i].bestIteration, outcomes[i].seconds) = (state.bestLoss, state.bestIteration,
                                                                                      runner.elapsed)
        }

        let labelled = zip(grid, outcomes).map { values, o -> ContactSheet.Cell in
            guard let loss = o.bestLoss else { return ContactSheet.Cell(picture: nil, label: [settingsLine(values), "NOT RUN"]) }
            return ContactSheet.Cell(picture: o.best, label: [settingsLine(values), Self.lossLine(loss, o.bestIteration),
                                                              Self.partsLine(loss)])
        }
        try PNGFile.write(sheet.render(labelled), to: output)
        if let cells {
            for (k, (values, o)) in zip(grid, outcomes).enumerated() {
                guard let best = o.best else { continue }
                let slug = zip(axes, values).map { "\($0.name.lowercased())\(ContactSheet.compact($1).lowercased())" }
                try PNGFile.write(best, to: cells + String(format: "/cell-%02d-", k + 1) + slug.joined(separator: "-") + ".png")
            }
        }
        if let video {
            try writeVideo(video, sheet: sheet, grid: grid, outcomes: outcomes, files: frameFiles, frameBytes: frameBytes,
                           settingsLine: settingsLine)
        }
        if !quiet {
            for (values, o) in zip(grid, outcomes) {
                guard let loss = o.bestLoss else { print("\(plain(values)): not run"); continue }
                print(String(format: "%@: best loss %.6g at iteration %d (style %.6g, content %.6g), %.1f s",
                             plain(values), loss.total, o.bestIteration, loss.style, loss.content, o.seconds))
            }
            print("wrote \(output)" + (video.map { ", \($0)" } ?? ""))
        }
        if interrupts.requested { throw ExitCode(130) }
    }

    static func lossLine(_ loss: LossBreakdown, _ iteration: Int) -> String {
        "LOSS\u{A0}\(ContactSheet.compact(loss.total)) IT\u{A0}\(iteration)"
    }

    static func partsLine(_ loss: LossBreakdown) -> String {
        "S\u{A0}\(ContactSheet.compact(loss.style)) C\u{A0}\(ContactSheet.compact(loss.content))"
    }

    /// Frame t of the video shows every cell at its frame t (or its last, when it has fewer), labelled with that
    /// iteration's loss.
    func writeVideo(_ path: String, sheet: ContactSheet, grid: [[Double]], outcomes: [Outcome], files: [FileHandle],
                    frameBytes: Int, settingsLine: ([Double]) -> String) throws {
        let (w, h) = (sheet.cellWidth, sheet.cellHeight)
        let writer = try TimelapseWriter(path: path, width: sheet.width, height: sheet.height,
                                         settings: TimelapseSettings(fps: timelapse.fps, holdSeconds: timelapse.hold))
        do {
            let count = outcomes.map(\.frames.count).max() ?? 0
            for t in 0..<count {
                var cells: [ContactSheet.Cell] = []
                for (k, (values, o)) in zip(grid, outcomes).enumerated() {
                    guard k < files.count, !o.frames.isEmpty else {
                        cells.append(ContactSheet.Cell(picture: nil, label: [settingsLine(values), "NOT RUN"]))
                        continue
                    }
                    let j = min(t, o.frames.count - 1)
                    try files[k].seek(toOffset: UInt64(j * frameBytes))
                    let bytes = try files[k].read(upToCount: frameBytes) ?? Data()
                    guard bytes.count == frameBytes else {
                        throw StylizeError(description: "the timelapse's frames in \(NSTemporaryDirectory()) were cut short")
                    }
                    let r = o.frames[j]
                    cells.append(ContactSheet.Cell(picture: RGBImage(width: w, height: h, pixels: [UInt8](bytes)),
                                                   label: [settingsLine(values), Self.lossLine(r.loss, r.iteration),
                                                           Self.partsLine(r.loss)]))
                }
                try writer.append(sheet.render(cells))
            }
            try writer.finish()
        } catch {
            writer.cancel()
            throw error
        }
    }

    /// A temporary file for frames, already unlinked: it vanishes when the process ends, however it ends.
    static func scratchFile() throws -> FileHandle {
        let path = NSTemporaryDirectory() + "stylelapse-sweep-\(getpid())-\(UUID().uuidString).rgb"
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forUpdatingAtPath: path) else {
            throw StylizeError(description: "cannot create a temporary file in \(NSTemporaryDirectory()) for the timelapse's frames")
        }
        unlink(path)
        return handle
    }
}
