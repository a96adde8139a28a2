// ClipSettings: what defines the painting of a clip: the clip, the painting of each frame (a session's settings,
// as `stylize` takes them) and what keeps neighbouring frames together (Ruder, Dosovitskiy and Brox 2016).

import Foundation

/// How a painting is resampled where the flow carries it.
public enum WarpInterpolation: String, Codable, Sendable, CaseIterable {
    case bilinear, cubic
}

/// Everything that defines one painted clip; a clip checkpoint stores it whole.
public struct ClipSettings: Codable, Sendable, Equatable {
    /// The clip's path.
    public var clip: String
    /// How each frame is painted: the paintings, sizes, objective, optimiser, coarse-to-fine, weights file. The
    /// first frame is painted as `stylize` paints a photo (`painting.pictures.content` is the clip's path).
    public var painting: SessionSettings
    /// Weight of the temporal loss, in units of the first frame's loss: each later frame adds
    /// temporalWeight · L₀ / 255² · mean(mask · (x − warped previous frame)²) (levels 0…255), L₀ the first frame's
    /// best total loss. So the same weight holds for any objective, strength or size.
    public var temporalWeight: Double
    /// Steps of each frame after the first, at most (the first takes `painting.run.iterations`); nil: a third of
    /// those (`laterIterations`).
    public var frameIterations: Int?
    /// A later frame stops early when its loss fell by less than this fraction over its last 10 steps.
    public var tolerance: Double
    /// Paint every frame on its own, as `stylize` paints a photo (no flow, no temporal loss): the baseline that
    /// consistency is measured against.
    public var independent: Bool
    /// How the previous painted frame is resampled when carried over (nil: bilinear). Cubic keeps more of the
    /// painting's detail from frame to frame, at a slightly higher warping error (docs/clip.md).
    public var warp: WarpInterpolation?

    /// Measured (docs/clip.md): 500, 2000 and 8000 differ little; 500 gave the lowest warping error on two clips.
    public static let defaultTemporalWeight = 500.0
    public static let defaultTolerance = 0.01

    /// The steps a later frame takes at most: `frameIterations`, or a third of the first frame's (at least 1).
    public var laterIterations: Int { frameIterations ?? max(1, painting.run.iterations / 3) }

    public init(clip: String, painting: SessionSettings, temporalWeight: Double = defaultTemporalWeight,
                frameIterations: Int? = nil, tolerance: Double = defaultTolerance,
                independent: Bool = false) {
        (self.clip, self.painting, self.temporalWeight) = (clip, painting, temporalWeight)
        (self.frameIterations, self.tolerance, self.independent) = (frameIterations, tolerance, independent)
    }

    /// Throws `SettingsError` naming the first value out of range (the painting's included).
    public func check() throws {
        try painting.check()
        guard temporalWeight.isFinite && temporalWeight >= 0 else {
            throw SettingsError(key: "temporalWeight", "must be 0 or more")
        }
        if let n = frameIterations, n < 1 { throw SettingsError(key: "frameIterations", "must be at least 1") }
        guard tolerance.isFinite && tolerance >= 0 && tolerance < 1 else {
            throw SettingsError(key: "tolerance", "must be 0 or more and below 1")
        }
    }
}
