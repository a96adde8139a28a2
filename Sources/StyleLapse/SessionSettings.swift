// SessionSettings: everything that defines one StylizeSession, as one Codable value: the pictures and how they are
// read, the optimisation, coarse-to-fine, which iterations become film frames, the weights file. A checkpoint
// stores it whole.

import Foundation
import Network
import Objective
import Stylization

/// The photo and the paintings, and how they are sized.
public struct PictureSettings: Codable, Sendable, Equatable {
    /// The photo's path.
    public var content: String
    /// The paintings' paths (several are blended).
    public var styles: [String]
    /// Each painting's weight in the blend (nil: equal weights).
    public var styleBlend: [Double]?
    /// Each painting's longer side as a multiple of the photo's; nil keeps every painting at its own size (only
    /// `maxSize` bounds it), as the origin report fed them to VGG19.
    public var styleScale: Double?
    /// Longer-side limit for every picture; a smaller picture keeps its size unless `upscale`.
    public var maxSize: Int
    /// Enlarge a photo smaller than `maxSize` to it (Lanczos-3).
    public var upscale: Bool
    /// Keep the photo's colours.
    public var preserveColor: ColorPreservation?
    /// Pixels of the photo mirrored around it, optimised with it and cropped from every picture: the edge then has
    /// neighbours, and VGG19's zero padding paints no frame on the picture. Nil: `defaultMargin` decides.
    public var margin: Int?
    /// One greyscale mask per painting, in order: where on the photo it applies (white; soft values allowed); nil:
    /// every painting everywhere, blended. Sized and given its margin as the photo is.
    public var styleMasks: [String]?
    /// One greyscale mask per painting: where in the painting its style is taken (nil: every painting whole).
    public var styleRegions: [String]?
    /// A greyscale mask scaling the content weight per pixel (white: as the content weight says; black: none).
    public var contentMask: String?
    /// How the masks are carried to each layer's size (nil: `GuidePropagation.standard`).
    public var maskPropagation: GuidePropagation?
    /// With `margin` nil: true, StyleLapse's default margin (`Pictures.defaultMargin`: 16 pixels, a quarter of the
    /// photo's shorter side when that is less); nil or false, none (settings written before the default existed).
    public var defaultMargin: Bool?

    /// The longer-side limit when none is given.
    public static let defaultMaxSize = 512

    /// The pictures; `styleScale` nil keeps each painting at its own size; `margin` nil: the default margin.
    public init(content: String, styles: [String], styleBlend: [Double]? = nil, styleScale: Double? = 1,
                maxSize: Int = defaultMaxSize, upscale: Bool = false, preserveColor: ColorPreservation? = nil, margin: Int? = nil) {
        (self.content, self.styles, self.styleBlend, self.styleScale) = (content, styles, styleBlend, styleScale)
        (self.maxSize, self.upscale, self.preserveColor, self.margin) = (maxSize, upscale, preserveColor, margin)
        defaultMargin = margin == nil ? true : nil
    }

    /// Whether any mask is given.
    public var hasMasks: Bool { styleMasks != nil || styleRegions != nil || contentMask != nil }

    /// Every mask's path, with its role.
    public var masks: [(path: String, role: FileRole)] {
        (styleMasks ?? []).map { ($0, FileRole.styleMask) } + (styleRegions ?? []).map { ($0, FileRole.styleRegion) }
            + (contentMask.map { [($0, FileRole.contentMask)] } ?? [])
    }

    /// The blend weights, one per painting.
    public var blend: [Double] {
        styleBlend ?? Array(repeating: 1 / Double(max(styles.count, 1)), count: styles.count)
    }
}

/// Which iterations become frames of the film (for the film and the frame folders), and how they are smoothed.
public struct FilmSettings: Codable, Sendable, Equatable {
    /// Iterations 0, `every`, 2·`every`, … and the last become frames.
    public var every: Int
    /// Each frame = a·image + (1 − a)·previous frame, over every iteration (nil: none). The best image is never
    /// smoothed.
    public var smooth: Double?

    /// Frames of iterations 0, `every`, 2·`every`, … and the last; `smooth` as above.
    public init(every: Int = 1, smooth: Double? = nil) { (self.every, self.smooth) = (every, smooth) }
}

/// Everything that defines a stylisation session.
public struct SessionSettings: Codable, Sendable, Equatable {
    /// The photo, the paintings and their sizes.
    public var pictures: PictureSettings
    /// The objective, the optimiser and its steps, the initial image.
    public var run: StylizeSettings
    /// VGG19's pooling.
    public var pooling: Pooling
    /// What VGG19's convolutions see beyond the picture's edge (nil: zeros, VGG's own; a checkpoint written before
    /// the setting existed has none).
    public var padding: NetworkPadding?
    /// Coarse-to-fine levels (nil: automatic, `CoarseToFine.automaticScales`; 1: a single pass).
    public var scales: Int?
    /// Steps of each coarser pass (nil: a sixth of `run.iterations`).
    public var coarseIterations: Int?
    /// Each coarser level's size over the next one's (nil: `CoarseToFine.standardRatio`, 2; crowsonkb's ladder: √2).
    public var scaleRatio: Double?
    /// Which iterations become film frames.
    public var film: FilmSettings
    /// The VGG19 weights (safetensors).
    public var weights: String
    /// Refuse to start when the estimated peak exceeds this many bytes (the memory available is always a limit).
    public var memoryLimit: Int?
    /// Evaluate the objective recomputing blocks in bands of this many rows (`MemoryPlan.forced`; 0:
    /// the full tape) whatever the memory; nil: the fastest way that fits (`MemoryPlan.fastest`).
    public var bandRows: Int?
    /// L-BFGS's curvature pairs in a temporary file (true) or in memory (false) whatever the memory; nil: in memory
    /// unless only spilled pairs fit (`MemoryPlan.fastest`).
    /// Forced by tests only; not part of the library's API (a checkpoint keeps it).
    package var spillsPairs: Bool?
    /// Changes of the style weight during the run, in order (see `StylizeSession.steer`); nil or empty: none.
    public var steering: [SteerChange]?

    /// A session's settings; the defaults are StyleLapse's (L-BFGS, automatic coarse-to-fine, every iteration a frame;
    /// `SessionPreset` and `SessionOptions` build them from a preset and what a person chose).
    public init(pictures: PictureSettings, run: StylizeSettings = .standard, pooling: Pooling = .max,
                padding: NetworkPadding? = nil, scales: Int? = nil, coarseIterations: Int? = nil,
                film: FilmSettings = FilmSettings(), weights: String = WeightsLocation.defaultPath,
                memoryLimit: Int? = nil, bandRows: Int? = nil) {
        self.bandRows = bandRows
        (self.pictures, self.run, self.pooling, self.padding, self.scales) = (pictures, run, pooling, padding, scales)
        (self.coarseIterations, self.film, self.weights, self.memoryLimit) = (coarseIterations, film, weights, memoryLimit)
    }

    /// The network padding the run uses.
    public var networkPadding: NetworkPadding { padding ?? .zeros }
}
