// FilmComposer: the finished film from the stored frames — the opening card fading in from black and crossfading
// into the first frame, the painting paced by change (or one frame per stored frame), the result held, and a
// crossfade into the closing card. Frames are made one at a time: memory holds two stored frames and a card.

import Drawing
import ImageFiles

/// How a film is cut.
public struct FilmComposition: Codable, Sendable, Equatable {
    /// Frames per second.
    public var fps: Int
    /// How the painting spends its time, and how long it lasts with `.change` (seconds).
    public var pace: Pace, duration: Double
    /// Seconds of the opening card (0: none), of the result held at the end, of the closing card (0: none).
    public var intro: Double, hold: Double, outro: Double

    public init(fps: Int = 30, pace: Pace = .change, duration: Double = 10, intro: Double = 2, hold: Double = 2,
                outro: Double = 3) {
        (self.fps, self.pace, self.duration, self.intro, self.hold, self.outro) = (fps, pace, duration, intro, hold, outro)
    }

    /// Frames of painting a film paced by change has (`duration` at `fps`, two at least).
    public var paintingFrames: Int { max(2, frames(duration)) }

    /// Crossfades and the fade from black last half a second, or a third of a short card.
    func fadeFrames(_ seconds: Double) -> Int { Int((min(0.5, seconds / 3) * Double(fps)).rounded()) }
    func frames(_ seconds: Double) -> Int { Int((seconds * Double(fps)).rounded()) }
}

/// What the opening and the closing show.
public struct FilmMaterial {
    /// The photo and the paintings, labelled.
    public var pictures: [Panel]
    /// The result (the best picture) and its label on the closing card.
    public var result: Panel

    public init(pictures: [Panel], result: Panel) { (self.pictures, self.result) = (pictures, result) }
}

/// How many frames each part of a composed film has.
public struct FilmParts: Equatable, Sendable {
    public var opening = 0, painting = 0, closing = 0
    public var total: Int { opening + painting + closing }
}

public enum FilmComposer {
    /// Makes the film's frames in order and hands each to `emit`. `changes[k]` is the visible change between stored
    /// frames k and k + 1 (see `Pacing`); `material` nil: no cards, the last stored frame held. With an `overlay`,
    /// every frame has its strip underneath (`iterations[k]`: the iteration stored frame k shows) and the cards are
    /// as tall as the two. With a `size`, the stored frames are filmed at that size (a print-size picture's film).
    @discardableResult
    public static func compose(store: FrameStore, size: (width: Int, height: Int)? = nil, changes: [Double],
                               material: FilmMaterial?, composition c: FilmComposition, typeface: Typeface?,
                               overlay: Overlay? = nil, iterations: [Int] = [],
                               emit: (RGBImage) throws -> Void) throws -> FilmParts {
        try store.flush()
        guard store.count > 0 else { return FilmParts() }
        let (fw, fh) = size ?? (store.width, store.height)
        let (w, h) = (fw, fh + (overlay?.height ?? 0))
        func iteration(_ p: FramePosition) -> Double {
            guard p.index < iterations.count else { return Double(p.index) }
            let next = p.index + 1 < iterations.count ? iterations[p.index + 1] : iterations[p.index]
            return Double(iterations[p.index]) + p.t * Double(next - iterations[p.index])
        }
        func decorated(_ image: RGBImage, _ p: FramePosition) -> RGBImage {
            overlay.map { image.stacked(over: $0.strip(at: iteration(p))) } ?? image
        }
        var parts = FilmParts()
        let paced = PacedFrames { k in
            let frame = try store.frame(k)
            return frame.width == fw && frame.height == fh ? frame : frame.resized(width: fw, height: fh)
        }
        let (stored, at) = (paced.stored, paced.at)

        if let material, c.intro > 0, let typeface {
            let card = Cards.card(material.pictures, width: w, height: h, typeface: typeface)
            parts.opening = try opening(card, into: decorated(try stored(0), FramePosition(index: 0, t: 0)),
                                        composition: c, emit: emit)
        }

        // The painting.
        let positions = c.pace == .change
            ? Pacing.byChange(changes, frames: c.paintingFrames)
            : Pacing.byIteration(count: store.count)
        for p in positions { try emit(decorated(try at(p), p)) }
        parts.painting = positions.count
        let end = FramePosition(index: store.count - 1, t: 0)
        let last = decorated(try stored(store.count - 1), end)

        let result = material.map { decorated($0.result.picture, end) } ?? last
        let card = material.flatMap { m in
            typeface.map { Cards.card(m.pictures + [m.result], width: w, height: h, typeface: $0) }
        }
        parts.closing = try closing(from: last, result: result, card: card, composition: c, emit: emit)
        return parts
    }

    /// The opening: `card` fading in from black, held, crossfading into `first`; `composition.intro` seconds in all.
    /// Returns the frames emitted.
    public static func opening(_ card: RGBImage, into first: RGBImage, composition c: FilmComposition,
                               emit: (RGBImage) throws -> Void) throws -> Int {
        let (all, fade) = (max(c.frames(c.intro), 1), c.fadeFrames(c.intro))
        for i in 0..<all {
            try emit(i < fade ? card.faded(Double(i) / Double(fade))
                : i >= all - fade ? RGBImage.mix(card, first, Double(i - (all - fade) + 1) / Double(fade + 1))
                : card)
        }
        return all
    }

    /// The closing: `result` held `composition.hold` seconds (crossfading in from `last` when they differ), then
    /// a crossfade into `card`, held `composition.outro` seconds (no card, or no outro: the result alone).
    public static func closing(from last: RGBImage, result: RGBImage, card: RGBImage?, composition c: FilmComposition,
                               emit: (RGBImage) throws -> Void) throws -> Int {
        let held = c.frames(c.hold), into = min(c.fadeFrames(0.75), held)
        for i in 0..<held { try emit(i < into ? RGBImage.mix(last, result, Double(i + 1) / Double(into)) : result) }
        guard let card, c.outro > 0 else { return held }
        let fade = c.fadeFrames(c.outro), still = max(c.frames(c.outro), 1)
        for i in 0..<fade { try emit(RGBImage.mix(result, card, Double(i + 1) / Double(fade + 1))) }
        for _ in 0..<still { try emit(card) }
        return held + fade + still
    }
}
