// StylizeSession: one stylisation run as an object. It reads the pictures, plans the passes and the memory, loads
// the network, and (in StylizeSession+Passes.swift) optimises while emitting events to its sinks; it can be stopped
// from any thread and resumed from a checkpoint.

import Engine
import Foundation
import ImageFiles
import Network
import Objective
import Stylization

/// A stylisation run: create it from settings (or from a checkpoint), attach sinks, `run()`.
public final class StylizeSession {
    /// The settings, with coarse-to-fine resolved (`scales` and `coarseIterations` are never nil here).
    /// Steering adds to `settings.steering` as the run goes; safe to read from any thread.
    public var settings: SessionSettings { settingsLock.withLock { storedSettings } }
    private var storedSettings: SessionSettings
    private let settingsLock = NSLock()
    /// The pictures at their working sizes.
    public let pictures: Pictures
    /// The passes, sizes and memory estimate.
    public let plan: StylizePlan
    /// Sees every evaluation's number and gradient (see `PassOptimizer.inspectGradient`): the tests' way to poison a
    /// gradient; not part of the library's API.
    package var inspectGradient: ((_ evaluation: Int, _ gradient: inout [Float]) -> Void)?

    /// Make the film's frames even when no sink wants them (a sweep composes its cells' films after the runs).
    public var keepsFrames = false
    /// The run's film frames, once `run()` has started making them (nil when the run makes none).
    public internal(set) var frames: RunFrames?

    /// Where the best picture is written when the run ends (nil: nowhere; the outcome carries it).
    public var picture: PictureOutput?

    /// The loaded network (sessions on the same weights and pooling may share it).
    public let network: VGGNetwork
    let parallel: Parallel
    let digests: [String]
    var sinks: [StylizeSink] = []
    /// The checkpoint a resumed session continues, and its folder (for the trace and frames before it).
    let resumed: (snapshot: CheckpointSnapshot, folder: String)?
    let runSwitch = RunSwitch()
    /// A balance asked for by `steer`, taken by the run before its next step.
    let pendingSteer = Handoff<Balance>()

    /// A new run on `threads` workers (nil: every core). `network` and `pictures` may be shared by sessions on the
    /// same pictures (a sweep);
    /// otherwise they are read, loaded and made here. Throws before any work when a picture cannot be read, the
    /// weights are missing, or the estimated peak memory is over the limit.
    public convenience init(settings: SessionSettings, network: VGGNetwork? = nil, pictures: Pictures? = nil,
                            threads: Int? = nil) throws {
        try self.init(settings: settings, resumed: nil, network: network, pictures: pictures, threads: threads)
    }

    /// Continues the run checkpointed in `folder` (up to `iterations` full-size steps when given). Refuses pictures
    /// that changed since the checkpoint was written.
    public convenience init(resuming folder: String, iterations: Int? = nil, threads: Int? = nil) throws {
        var snapshot = try Checkpoint.load(folder)
        if let iterations { (snapshot.settings.run.iterations, snapshot.settings.run.finish) = (iterations, nil) }
        try self.init(settings: snapshot.settings, resumed: (snapshot, folder), network: nil, pictures: nil,
                      threads: threads)
    }

    private init(settings: SessionSettings, resumed: (snapshot: CheckpointSnapshot, folder: String)?,
                 network: VGGNetwork?, pictures: Pictures?, threads: Int?) throws {
        try settings.check()
        let inputs = try SessionInputs(
            paths: [settings.pictures.content] + settings.pictures.styles + settings.pictures.masks.map(\.path),
            resumed: resumed?.snapshot.digests, weights: settings.weights, networkGiven: network != nil)
        let pictures = try pictures ?? Pictures(settings.pictures)
        var settings = settings
        let (w, h) = (pictures.content.width, pictures.content.height)
        settings.scales = settings.scales ?? CoarseToFine.automaticScales(width: w, height: h, optimizer: settings.run.optimizer)
        settings.coarseIterations = settings.coarseIterations ?? CoarseToFine.coarseIterations(settings.run.iterations)
        let passes = CoarseToFine.passes(width: w, height: h, scales: settings.scales!,
                                         ratio: settings.scaleRatio ?? CoarseToFine.standardRatio, iterations: settings.run.iterations,
                                         coarseIterations: settings.coarseIterations!)
        if let (snapshot, folder) = resumed {
            let i = snapshot.pass.index
            guard i < passes.count, snapshot.state.x.count == 3 * passes[i].width * passes[i].height else {
                throw CheckpointError(path: folder + "/state.bin",
                                      problem: "damaged checkpoint (its picture does not fit the run's passes)")
            }
        }
        let memory = try Self.checkMemory(settings, pictures: pictures)
        storedSettings = settings
        self.pictures = pictures
        digests = inputs.digests
        self.resumed = resumed
        plan = StylizePlan(width: pictures.photo.width, height: pictures.photo.height, margin: pictures.margin,
                           passes: passes, memoryEstimate: memory.peak, recompute: memory.recompute,
                           spillsPairs: memory.spillsPairs,
                           resumedAt: resumed.map { $0.snapshot.pass.firstIteration + $0.snapshot.state.iteration })
        let deepest = settings.run.objective.deepestLayer
        self.network = try network.flatMap {
            $0.pooling == settings.pooling && $0.padding == settings.networkPadding
                && $0.depth > $0.architecture.index(of: deepest)! ? $0 : nil
        } ?? VGGNetwork.load(settings.weights, pooling: settings.pooling, padding: settings.networkPadding, through: deepest)
        parallel = Parallel(workers: threads ?? System.activeProcessorCount)
    }

    /// Records a steering change in the settings (the run's thread).
    func record(_ change: SteerChange) {
        settingsLock.withLock { storedSettings.steering = (storedSettings.steering ?? []) + [change] }
    }

    /// The program's own data saved in the checkpoint this session resumes (see `CheckpointSink.application`).
    public var resumedApplication: Data? { resumed?.snapshot.application }

    /// Adds an observer; sinks receive events in the order they were attached.
    public func attach(_ sink: StylizeSink) { sinks.append(sink) }

    /// Asks the run to stop after the current step (safe from any thread, a signal handler's queue included). The
    /// run then finishes as usual, with `stopped` set: the best picture, a playable film.
    public func requestStop() { runSwitch.requestStop() }

    /// Whether a stop was requested.
    public var stopRequested: Bool { runSwitch.stopRequested }

    /// Holds the run between two steps until `resume()` (or a stop); safe from any thread. The run's clock goes on.
    public func pause() { runSwitch.setPaused(true) }
    public func resume() { runSwitch.setPaused(false) }
    public var isPaused: Bool { runSwitch.isPaused }

    /// Waits while paused (the run's thread, between steps); returns whether a stop was requested.
    func stopOrWait() -> Bool { runSwitch.stopOrWait() }

    /// The memory the session may use: `settings.memoryLimit` or the memory available, the smaller (nil: no limit
    /// known).
    static func budget(_ settings: SessionSettings) -> Int? {
        [settings.memoryLimit, MemoryPlan.available].compactMap { $0 }.min()
    }

    /// The plans to try for `content` and `style`, fastest first: the full tape, then recomputing plans in the
    /// order of the work they add (`MemoryPlan.candidates`), or only the one `settings.bandRows` forces; each with
    /// L-BFGS's pairs in memory, then spilled (or as `settings.spillsPairs` forces).
    static func memoryPlans(_ settings: SessionSettings, content: (width: Int, height: Int),
                            style: (width: Int, height: Int)) -> [MemoryPlan] {
        let objective = settings.run.objective
        return MemoryPlan.plans(pooling: settings.pooling, padding: settings.networkPadding, objective: objective,
                                content: content, style: style, optimizer: settings.run.optimizer,
                                historySize: settings.run.lbfgs.historySize, video: true,
                                evaluations: settings.bandRows.map { [MemoryPlan.forced(bands: $0, objective: objective)] },
                                spills: settings.spillsPairs.map { [$0] } ?? [false, true],
                                guided: settings.pictures.hasMasks ? settings.pictures.styleMasks?.count ?? 1 : nil)
    }

    /// The fastest plan for `content` and `style` that fits `budget` (no budget: the first), nil when none does.
    static func memoryPlan(_ settings: SessionSettings, budget: Int?, content: (width: Int, height: Int),
                           style: (width: Int, height: Int)) -> MemoryPlan? {
        memoryPlans(settings, content: content, style: style).first { $0.peak <= budget ?? .max }
    }

    /// The fastest plan of `settings` on `pictures` that fits the memory; throws `MemoryRefusal`, with a size limit
    /// that would fit, when none does.
    static func checkMemory(_ settings: SessionSettings, pictures: Pictures) throws -> MemoryPlan {
        let content = pictures.content, style = pictures.largestStyle
        let longest = max(content.width, content.height)
        let limit = budget(settings)
        let plans = memoryPlans(settings, content: (content.width, content.height), style: (style.width, style.height))
        if let plan = plans.first(where: { $0.peak <= limit ?? .max }) { return plan }
        let estimate = plans.map(\.peak).min() ?? 0
        // The largest size limit whose pictures fit, while every side keeps its 16 pixels.
        var side = longest, fitting: Int?
        while true {
            let scale = Double(side) / Double(longest)
            let c = Resample.fitting(width: content.width, height: content.height, maxSide: side)
            let s = (width: Int(Double(style.width) * scale), height: Int(Double(style.height) * scale))
            guard min(c.width, c.height, s.width, s.height) >= 16 else { break }
            if memoryPlan(settings, budget: limit, content: c, style: s) != nil { fitting = side; break }
            side = side * 9 / 10
        }
        let allowed = limit ?? 0   // without a limit the whole picture's plan fits: not reached
        throw MemoryRefusal(width: content.width, height: content.height, needed: estimate, allowed: allowed,
                            limited: allowed == settings.memoryLimit, fittingMaxSize: fitting)
    }
}
