// StylizeSession.run: the passes of coarse-to-fine one after another, each optimised by a PassOptimizer, every
// iteration and film frame handed to the sinks, checkpoints on request; a resumed session first replays the
// iterations and frames its checkpoint holds.

import Engine
import Foundation
import ImageFiles
import Objective
import Stylization

extension StylizeSession {
    /// Runs to the end (all iterations, convergence or a requested stop) and returns how it ended; the sinks saw
    /// `.finish` first, then `picture` was written. Before any work, throws `OutputClash` when a sink or the picture
    /// would write over an input or over another output. A failure after the start (a sink's, or the optimisation's)
    /// throws `StylizeFailure` with the best picture so far (saved by `picture`); every sink was told to `abandon`.
    @discardableResult
    public func run() throws -> StylizeOutcome {
        try checkOutputs()
        let outcome = try optimise()
        try picture?.save(outcome)
        return outcome
    }

    /// Every output against every input and every other output (`OutputPlaces.check`). A checkpoint sink on the
    /// folder this session resumes continues it.
    func checkOutputs() throws {
        var inputs = settings.inputs
        var places = (picture.map { [OutputPlace.picture($0.path)] } ?? []) + sinks.flatMap(\.outputs)
        if let folder = resumed?.folder {
            places.removeAll { $0.role == .checkpoint && OutputPlaces.same($0.path, folder) }
            inputs.append((Checkpoint.statePath(folder), .checkpointState))
        }
        try OutputPlaces.check(places, inputs: inputs)
    }

    private func optimise() throws -> StylizeOutcome {
        var film = FilmFrames(settings: settings.film, filming: keepsFrames || sinks.contains { $0.wantsFrames },
                        smoothed: resumed?.snapshot.smoothed)
        // The run's one store of film frames: every sink that wants frames reads it.
        let frames = try film.filming ? RunFrames(width: plan.width, height: plan.height) : nil
        self.frames = frames
        var lastRecord: IterationRecord?
        let checkpointEvery = sinks.compactMap(\.checkpointInterval).min()
        let passes = plan.passes, (w, h) = (pictures.content.width, pictures.content.height)   // the margin included
        let initial = try pictures.initialImage(settings.run.initialization, seed: settings.run.seed)
        let enlarge = Enlargement(initial: initial, width: w, height: h)
        var position = resumed?.snapshot.pass ?? PassPosition()
        var state: RunState?
        func emitFrame(_ frame: (iteration: Int, image: [Float])) throws {
            let picture = pictures.picture(frame.image)
            let record = lastRecord?.iteration == frame.iteration ? lastRecord : nil
            let k = try frames!.append(picture, iteration: frame.iteration, record: record)
            try emit(.frame(FrameEvent(iteration: frame.iteration, picture: picture, replayed: false, frames: frames!, index: k)))
        }
        do {
            try emit(.plan(plan))
            if let resumed { try replay(resumed.folder, upTo: plan.resumedAt!, frames: frames) }
            var previous: (x: [Float], pass: ScalePass)?   // the last image of the pass before
            var result = PassResult(stopped: false, converged: false)
            var watch: FinishWatch?        // the finish rule, on the final pass (`settings.run.finish`)
            var verdict: FinishVerdict?    // its verdict, the pass's own step
            for p in position.index..<passes.count {
                let pass = passes[p], here = position
                var passSettings = settings.run
                passSettings.iterations = pass.iterations
                // A resumed pass continues at the checkpoint's iteration, with the style weight steered to by then.
                let first = resumed?.snapshot.pass.index == p ? plan.resumedAt! : here.firstIteration
                let (passObjective, spillsPairs) = objective(pass, from: first)
                let runner = PassOptimizer(objective: passObjective, settings: passSettings)
                runner.spillsPairs = spillsPairs
                runner.notice = { [unowned self] message in try? emit(.notice(message)) }
                runner.inspectGradient = inspectGradient
                try emit(.pass(index: p, pass: pass, firstIteration: here.firstIteration))
                // The finish rule watches the final pass from its start (a resumed pass: as its checkpoint left it).
                watch = p == passes.count - 1 ? settings.run.finish.map { rule in
                    resumed?.snapshot.pass.index == p ? resumed!.snapshot.finish ?? FinishWatch(rule: rule, from: resumed!.snapshot.state.iteration)
                        : FinishWatch(rule: rule)
                } : nil
                func record(_ r: IterationRecord, _ x: [Float]) throws {
                    var r = r
                    let step = r.iteration
                    r.iteration += here.firstIteration
                    r.evaluations += here.evaluationsBefore
                    r.seconds += here.secondsBefore
                    let full = Lazy { enlarge(x, pass) }
                    let picture = Lazy { [pictures] in pictures.picture(full.value()) }
                    lastRecord = r
                    try emit(.iteration(IterationEvent(record: r, width: pass.width, height: pass.height, replayed: false,
                                                       picture: picture.value)))
                    if let frame = film.next(r.iteration, full.value) { try emitFrame(frame) }
                    if verdict == nil {
                        verdict = watch?.observe(iteration: step, loss: r.loss.total, picture: { picture.value().pixels })
                    }
                }
                if let resumed, p == resumed.snapshot.pass.index {
                    state = resumed.snapshot.state
                } else {
                    let start = CoarseToFine.start(of: pass, initial: initial, width: w, height: h, previous: previous)
                    state = try runner.start(from: start)
                    try record(runner.record(state!), state!.x)
                }
                result = try runner.run(
                    &state!, shouldStop: { [unowned self] in verdict != nil || stopOrWait() },
                    steering: { [unowned self] i in
                        let balance = steering(before: here.firstIteration + i)
                        if balance != nil { watch?.rearm(at: i) }
                        return balance
                    },
                    checkpointEvery: checkpointEvery,
                    onCheckpoint: { [unowned self] s in
                        guard checkpointEvery != nil else { return }
                        try emit(.checkpoint(CheckpointSnapshot(settings: settings, digests: digests, pass: here,
                                                                state: s, smoothed: film.smoothed, application: nil,
                                                                finish: watch)))
                    }, onIteration: record)
                if p == passes.count - 1 || result.stopped { break }
                previous = (state!.x, pass)
                position = PassPosition(index: p + 1, firstIteration: here.firstIteration + state!.iteration + 1,
                                        evaluationsBefore: here.evaluationsBefore + state!.evaluations,
                                        secondsBefore: here.secondsBefore + runner.elapsed)
            }
            if let last = film.pending() { try emitFrame(last) }   // the last iteration is always a frame
            try frames?.flush()   // every frame stored and written before the finish
            let s = state!, pass = passes[position.index]
            // The rule counts the final pass's steps; the outcome numbers them run-wide.
            func runWide(_ v: FinishVerdict?) -> FinishVerdict? { v.map { var v = $0; v.iteration += position.firstIteration; return v } }
            let pixels = enlarge(s.best, pass)
            let samples = pictures.samples(pixels)   // colours and margin once, for both
            let outcome = StylizeOutcome(
                stopped: result.stopped && verdict == nil, converged: result.converged, finished: runWide(verdict),
                unfinished: verdict == nil && !result.stopped && !result.converged ? runWide(watch?.lastLook) : nil,
                best: pictures.picture(samples: samples),
                bestSamples: samples, bestPixels: pixels,
                bestIteration: position.firstIteration + s.bestIteration, bestLoss: s.bestLoss, bestPass: pass,
                iterations: position.firstIteration + s.iteration, evaluations: position.evaluationsBefore + s.evaluations,
                seconds: position.secondsBefore + s.elapsedBefore,
                resumedFrom: resumed.map { r in (plan.resumedAt!, r.snapshot.pass.evaluationsBefore + r.snapshot.state.evaluations,
                                                 r.snapshot.pass.secondsBefore + r.snapshot.state.elapsedBefore) })
            try emit(.finish(outcome))
            return outcome
        } catch {
            for sink in sinks { sink.abandon() }
            guard let s = state else { throw error }
            let best = pictures.picture(enlarge(s.best, passes[position.index]))
            throw StylizeFailure(underlying: error, best: best, bestIteration: position.firstIteration + s.bestIteration,
                                 savedAt: picture?.saveAfterFailure(best), hasPictureOutput: picture != nil)
        }

    }

    func emit(_ event: StylizeEvent) throws { for sink in sinks { try sink.receive(event) } }

    /// The objective of a pass starting at run-wide iteration `first`: the photo and the paintings at its size, the
    /// balance steered to by then; and whether L-BFGS's pairs spill to a file at this size.
    private func objective(_ pass: ScalePass, from first: Int) -> (StyleObjective, spillsPairs: Bool) {
        func sized(_ image: RGBImage) -> RGBImage {
            pass.divisor == 1 ? image : image.resized(width: ScalePass.side(image.width, divisor: pass.divisor),
                                                      height: ScalePass.side(image.height, divisor: pass.divisor))
        }
        var objectiveSettings = settings.run.objective
        objectiveSettings.balance = settings.balance(at: first)
        let (content, styles) = (sized(pictures.content), pictures.styles.map(sized))
        let largest = styles.max { $0.width * $0.height < $1.width * $1.height }!
        // Each pass the fastest way that fits (a coarse pass may fit whole where the final one needs bands).
        let memory = Self.memoryPlan(settings, budget: Self.budget(settings), content: (content.width, content.height),
                                     style: (largest.width, largest.height))
        return (StyleObjective(network: network, settings: objectiveSettings, content: Pictures.tensor(content),
                               styles: zip(styles, settings.pictures.blend).map { (Pictures.tensor($0), $1) },
                               guides: pictures.masks.guides(sized), recompute: memory?.recompute ?? plan.recompute, parallel: parallel),
                memory?.spillsPairs ?? plan.spillsPairs)
    }

    /// A resumed session's history: the iterations in its checkpoint's trace up to `last`, and (when filming) the
    /// frames it kept.
    private func replay(_ folder: String, upTo last: Int, frames: RunFrames?) throws {
        var records: [Int: IterationRecord] = [:]
        for entry in TraceEntry.read(Checkpoint.tracePath(folder)) where entry.iteration <= last {
            records[entry.record.iteration] = entry.record
            try emit(.iteration(IterationEvent(record: entry.record, width: entry.width, height: entry.height,
                                               replayed: true, picture: nil)))
        }
        guard let frames else { return }
        var missing = false
        for i in stride(from: 0, through: last, by: settings.film.every) {
            guard let picture = try? ImageFile.read(Checkpoint.framePath(folder, i)),
                  picture.width == plan.width, picture.height == plan.height else { missing = true; continue }
            let k = try frames.append(picture, iteration: i, record: records[i])
            try emit(.frame(FrameEvent(iteration: i, picture: picture, replayed: true, frames: frames, index: k)))
        }
        if missing { try emit(.notice("the checkpoint in \(folder) lacks some frames before iteration \(last)")) }
    }
}

/// Which iterations become frames, and the moving average that smooths them (part of a checkpoint).
struct FilmFrames {
    let settings: FilmSettings
    let filming: Bool
    private(set) var smoothed: [Float]?
    private var waiting: (iteration: Int, image: [Float])?

    init(settings: FilmSettings, filming: Bool, smoothed: [Float]?) {
        (self.settings, self.filming, self.smoothed) = (settings, filming, smoothed)
    }

    /// The frame of iteration `i` (image asked for only when filming), or nil when it is not one (it waits as the
    /// possible last frame).
    mutating func next(_ i: Int, _ image: () -> [Float]) -> (iteration: Int, image: [Float])? {
        guard filming else { return nil }
        let x = image()
        // The moving average runs over every iteration, whichever of them become frames.
        if let a = settings.smooth.map(Float.init) {
            smoothed = smoothed.map { prev in zip(x, prev).map { a * $0 + (1 - a) * $1 } } ?? x
        }
        let shown = smoothed ?? x
        if i % settings.every == 0 { waiting = nil; return (i, shown) }
        waiting = (i, shown)
        return nil
    }

    /// The last iteration, when it has not been a frame.
    func pending() -> (iteration: Int, image: [Float])? { waiting }
}

/// Planar RGB of a pass at the photo's size: a coarse pass's image as the next pass would start from it (the
/// initial image at each coarse size is computed once).
final class Enlargement {
    private let initial: [Float], width: Int, height: Int
    private var initialAt: [Double: [Float]] = [:]

    init(initial: [Float], width: Int, height: Int) { (self.initial, self.width, self.height) = (initial, width, height) }

    func callAsFunction(_ x: [Float], _ pass: ScalePass) -> [Float] {
        guard pass.divisor != 1 else { return x }
        let size = (pass.width, pass.height)
        let base = initialAt[pass.divisor] ?? CoarseToFine.resize(initial, from: (width, height), to: size)
        initialAt[pass.divisor] = base
        return CoarseToFine.carry(x, over: base, from: size, onto: initial, to: (width, height))
    }
}

/// A value computed once, when first asked.
final class Lazy<Value> {
    private var make: (() -> Value)?
    private var made: Value?
    init(_ make: @escaping () -> Value) { self.make = make }
    func value() -> Value {
        if let made { return made }
        let v = make!()
        (made, make) = (v, nil)
        return v
    }
}
