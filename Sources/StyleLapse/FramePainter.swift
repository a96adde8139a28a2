// FramePainter: how one frame of a clip is painted. Alone (the first frame, or every frame of an independent run)
// it is a StylizeSession's picture; after a painted frame, the optical flow carries that frame over (DIS both ways,
// the consistency mask) to start from, and the temporal loss holds the new frame to it where the flow is trusted.

import Engine
import Foundation
import Network
import Objective
import OpticalFlow
import Stylization

struct FramePainter {
    let settings: ClipSettings
    let flow: DISSettings
    let parallel: Parallel
    /// The last painted frame's optimised pixels (planar, margin included) and its photo's grey.
    var previous: (pixels: [Float], grey: GreyImage)?
    private var network: VGGNetwork?
    /// One objective for every later frame (same size, same paintings): its content target changes per frame.
    private var objective: (StyleObjective, spillsPairs: Bool)?

    init(settings: ClipSettings, flow: DISSettings, parallel: Parallel) {
        (self.settings, self.flow, self.parallel) = (settings, flow, parallel)
    }

    struct Result {
        var pixels: [Float], loss: LossBreakdown, iterations: Int, flowSeconds: Double
    }

    static func grey(_ pictures: Pictures) -> GreyImage {
        GreyImage(planarRGB: pictures.content.planar, width: pictures.content.width, height: pictures.content.height)
    }

    /// A painted frame further on that a later frame is also held to (a segment's end, held to the next segment's
    /// keyframe): its pixels and photo's grey, and how much of the temporal target it makes (0…1).
    struct Pull {
        var pixels: [Float], grey: GreyImage, share: Float
    }

    /// The flows between neighbouring frames chained from one frame to a later one (a keyframe's path from the
    /// keyframe before): for each pixel of the latest frame, where it was in the first (`field`), whether every flow
    /// on the way was trusted (`trusted`: consistent, no motion boundary) and whether it was seen all the way
    /// (`visible`). One resampling at the end instead of one per frame, and the clip's own motion instead of one flow
    /// across many frames.
    struct Path {
        private(set) var field: FlowField, trusted: [Float], visible: [Float], grey: GreyImage

        /// The path of no frames: from `grey`'s frame to itself.
        init(from grey: GreyImage) {
            let n = grey.width * grey.height
            field = FlowField(zeroWidth: grey.width, height: grey.height)
            (trusted, visible, self.grey) = ([Float](repeating: 1, count: n), [Float](repeating: 1, count: n), grey)
        }

        /// The path on to the next frame: the flow from it back to the latest frame, composed with the path so far.
        mutating func extend(to next: GreyImage, settings: DISSettings, parallel: Parallel) {
            let back = DISFlow.flow(from: next, to: grey, settings: settings, parallel: parallel)
            let forward = DISFlow.flow(from: grey, to: next, settings: settings, parallel: parallel)
            let n = next.width * next.height
            let before = back.warp(field.u + field.v + trusted + visible, channels: 4)
            let (consistent, seen) = (consistencyMask(back, back: forward), visibilityMask(back, back: forward))
            var u = back.u, v = back.v
            for i in 0..<n {
                u[i] += before[i]
                v[i] += before[n + i]
                trusted[i] = consistent[i] * before[2 * n + i]
                visible[i] = seen[i] * before[3 * n + i]
            }
            field = FlowField(width: next.width, height: next.height, u: u, v: v)
            grey = next
        }
    }

    /// How many steps a later frame takes: a later frame's (at most `laterIterations`, fewer when its loss settles),
    /// or a first frame's (`painting.run.iterations`, all of them: a segment's keyframe, carried from the keyframe
    /// before, catches up with the steps the frames between would have taken).
    enum Steps { case later, first }

    /// Paints frame `index` of `pictures`; `firstLoss` is the first frame's loss (nil while it is being painted).
    /// `prepare` sees the session of a frame painted alone before it runs; `onIteration` every step of a later one;
    /// `pull` holds a later frame to a painted frame further on as well.
    /// `path`: the previous painted frame is carried along it (its first frame's) instead of by one flow.
    mutating func paint(_ pictures: Pictures, index: Int, firstLoss: Double?, outputs: RunOutputs?, pull: Pull? = nil,
                        path: Path? = nil, steps: Steps = .later, prepare: (StylizeSession) throws -> Void,
                        onIteration: (IterationRecord, [Float]) throws -> Void) throws -> Result {
        let result: Result
        if let previous, let firstLoss, !settings.independent {
            result = try following(pictures, previous: previous, firstLoss: firstLoss, pull: pull, path: path,
                                   steps: steps, onIteration: onIteration)
        } else {
            result = try alone(pictures, outputs: outputs, prepare: prepare)
        }
        previous = (result.pixels, Self.grey(pictures))
        return result
    }

    /// The frame painted as `stylize` paints a photo.
    private mutating func alone(_ pictures: Pictures, outputs: RunOutputs?, prepare: (StylizeSession) throws -> Void) throws -> Result {
        let session = try StylizeSession(settings: settings.painting, network: network, pictures: pictures,
                                         threads: parallel.workers)
        network = session.network
        if let outputs {
            try outputs.attach(to: session)
            session.picture = nil   // the frame goes into the clip
        }
        try prepare(session)
        let outcome = try session.run()
        return Result(pixels: outcome.bestPixels, loss: outcome.bestLoss, iterations: outcome.iterations, flowSeconds: 0)
    }

    /// The frame started from the previous painted frame carried over by the flow, held to it by the temporal loss.
    private mutating func following(_ pictures: Pictures, previous: (pixels: [Float], grey: GreyImage), firstLoss: Double,
                                    pull: Pull?, path: Path?, steps: Steps,
                                    onIteration: (IterationRecord, [Float]) throws -> Void) throws -> Result {
        let clock = ContinuousClock.now
        let content = pictures.content, planar = content.planar
        let grey = Self.grey(pictures)
        // Flow from this frame back to the previous one (where each pixel was), and forward to check it; or the
        // path from the previous painted frame to this one.
        let back = path?.field ?? DISFlow.flow(from: grey, to: previous.grey, settings: flow, parallel: parallel)
        let forward = path == nil ? DISFlow.flow(from: previous.grey, to: grey, settings: flow, parallel: parallel) : nil
        var mask = path?.trusted ?? consistencyMask(back, back: forward!)
        var warped = back.warp(previous.pixels, channels: 3, cubic: settings.warp == .cubic)
        let n = content.width * content.height
        if let pull {
            // The frame further on, carried here the same way; where its flow is trusted, it takes `share` of the
            // target (and of where it starts), so the segment arrives at it.
            let toPull = DISFlow.flow(from: grey, to: pull.grey, settings: flow, parallel: parallel)
            let fromPull = DISFlow.flow(from: pull.grey, to: grey, settings: flow, parallel: parallel)
            let trusted = consistencyMask(toPull, back: fromPull)
            let carried = toPull.warp(pull.pixels, channels: 3, cubic: settings.warp == .cubic)
            for i in 0..<n {
                let w = pull.share * trusted[i]
                for c in 0..<3 { warped[c * n + i] += w * (carried[c * n + i] - warped[c * n + i]) }
                mask[i] += w * (trusted[i] - mask[i])
            }
        }
        // Disoccluded pixels (seen only now) start from the photo; the rest, motion boundaries included, from the
        // painting carried over.
        let visible = path?.visible ?? visibilityMask(back, back: forward!)
        var initial = warped
        for i in 0..<n where visible[i] == 0 { for c in 0..<3 { initial[c * n + i] = planar[c * n + i] } }
        let flowSeconds = (ContinuousClock.now - clock).seconds

        let (objective, spillsPairs) = try self.objective(pictures)
        objective.temporal = TemporalTerm(weight: settings.temporalWeight * firstLoss / (255 * 255), target: warped,
                                          mask: mask, width: content.width, height: content.height)
        var run = settings.painting.run
        run.iterations = steps == .later ? settings.laterIterations : settings.painting.run.iterations
        let runner = PassOptimizer(objective: objective, settings: run)
        runner.spillsPairs = spillsPairs
        var state = try runner.start(from: initial)
        var losses = [state.loss.total]
        let tolerance = steps == .later ? settings.tolerance : 0
        _ = try runner.run(&state, shouldStop: {
            // Early stop: the loss fell by less than `tolerance` over the last 10 steps.
            guard losses.count > 10 else { return false }
            let now = losses[losses.count - 1], before = losses[losses.count - 11]
            return (before - now) <= tolerance * abs(now)
        }, onIteration: { record, x in
            losses.append(record.loss.total)
            try onIteration(record, x)
        })
        return Result(pixels: state.best, loss: state.bestLoss, iterations: state.iteration, flowSeconds: flowSeconds)
    }

    /// The later frames' objective, made at the first of them: the fastest memory plan that fits.
    private mutating func objective(_ pictures: Pictures) throws -> (StyleObjective, spillsPairs: Bool) {
        let tensor = Pictures.tensor(pictures.content)
        if let objective {
            objective.0.retarget(content: tensor)
            return objective
        }
        let s = settings.painting
        let net = try network ?? VGGNetwork.load(s.weights, pooling: s.pooling, padding: s.networkPadding,
                                                 through: s.run.objective.deepestLayer)
        network = net
        let largest = pictures.largestStyle
        let memory = StylizeSession.memoryPlan(s, budget: StylizeSession.budget(s),
                                               content: (pictures.content.width, pictures.content.height),
                                               style: (largest.width, largest.height))
        let made = StyleObjective(network: net, settings: s.run.objective, content: tensor,
                                  styles: zip(pictures.styles, s.pictures.blend).map { (Pictures.tensor($0), $1) },
                                  guides: pictures.masks.guides(), recompute: memory?.recompute, parallel: parallel)
        objective = (made, memory?.spillsPairs ?? false)
        return objective!
    }
}
