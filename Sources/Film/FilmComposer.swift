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
    /// frames k and k + 1 (see `Pacing`); `material` nil: no cards, the last stored frame held.
    @discardableResult
    public static func compose(store: FrameStore, changes: [Double], material: FilmMaterial?,
                               composition c: FilmComposition, typeface: Typeface?,
                               emit: (RGBImage) throws -> Void) throws -> FilmParts {
        try store.flush()
        guard store.count > 0 else { return FilmParts() }
        let (w, h) = (store.width, store.height)
        var parts = FilmParts()
        var cache: [Int: RGBImage] = [:]
        func stored(_ k: Int) throws -> RGBImage {
            if let image = cache[k] { return image }
            let image = try store.frame(k)
            cache = cache.filter { $0.key > k - 2 }   // positions only move forward
            cache[k] = image
            return image
        }
        func at(_ p: FramePosition) throws -> RGBImage {
            p.t > 0 ? RGBImage.mix(try stored(p.index), try stored(p.index + 1), p.t) : try stored(p.index)
        }

        // The opening: fade in from black, hold, crossfade into the first frame.
        if let material, c.intro > 0, let typeface {
            let card = Cards.card(material.pictures, width: w, height: h, typeface: typeface)
            let (all, fade) = (max(c.frames(c.intro), 1), c.fadeFrames(c.intro))
            let first = try stored(0)
            for i in 0..<all {
                let frame = i < fade ? card.faded(Double(i) / Double(fade))
                    : i >= all - fade ? RGBImage.mix(card, first, Double(i - (all - fade) + 1) / Double(fade + 1))
                    : card
                try emit(frame)
            }
            parts.opening = all
        }

        // The painting.
        let positions = c.pace == .change
            ? Pacing.byChange(changes, frames: max(2, c.frames(c.duration)))
            : Pacing.byIteration(count: store.count)
        for p in positions { try emit(try at(p)) }
        parts.painting = positions.count
        let last = try stored(store.count - 1)

        // The closing: the result held (crossfading in from the last frame when they differ), then the card.
        let result = material?.result.picture ?? last
        let held = c.frames(c.hold), into = min(c.fadeFrames(0.75), held)
        for i in 0..<held { try emit(i < into ? RGBImage.mix(last, result, Double(i + 1) / Double(into)) : result) }
        parts.closing = held
        if let material, c.outro > 0, let typeface {
            let card = Cards.card(material.pictures + [material.result], width: w, height: h, typeface: typeface)
            let fade = c.fadeFrames(c.outro)
            for i in 0..<fade { try emit(RGBImage.mix(result, card, Double(i + 1) / Double(fade + 1))) }
            let still = max(c.frames(c.outro), 1)
            for _ in 0..<still { try emit(card) }
            parts.closing += fade + still
        }
        return parts
    }
}
