// OptionNames: the library names a setting by its key (`run.objective.styleWeight`) and a file by its role; the
// commands say them as their options (`--style-weight`). The one table between the two.

import ArgumentParser
import StyleLapse

public enum OptionNames {
    public static let byKey: [String: String] = [
        "pictures.content": "--content", "pictures.styles": "--style", "pictures.styleBlend": "--style-blend",
        "pictures.styleScale": "--style-scale", "pictures.styleMasks": "--style-mask",
        "pictures.styleRegions": "--style-region", "pictures.contentMask": "--content-mask", "pictures.maxSize": "--max-size", "pictures.margin": "--margin",
        "scales": "--scales", "scaleRatio": "--scale-ratio", "coarseIterations": "--coarse-iterations", "film.every": "--every",
        "film.smooth": "--smooth", "memoryLimit": "--memory-limit", "bandRows": "--bands",
        "run.iterations": "--iterations", "run.objective.contentWeight": "--content-weight",
        "run.objective.styleWeight": "--style-weight", "run.objective.styleLoss": "--style-loss",
        "run.objective.styleLayers": "--style-layer-weights", "run.objective.tvWeight": "--tv-weight",
        "run.adam.learningRate": "--learning-rate", "run.adam.beta1": "--beta1", "run.adam.beta2": "--beta2",
        "run.adam.epsilon": "--epsilon", "run.initialization": "--init", "strength": "--strength", "weights": "--weights",
        "output": "--output", "output.bitDepth": "--bit-depth", "output.jpegQuality": "--jpeg-quality",
        "video": "--video", "trace": "--trace", "plot": "--plot", "frames": "--frames", "checkpoint": "--checkpoint",
        "cells": "--cells", "film.fps": "--fps", "film.hold": "--hold", "film.duration": "--duration",
        "film.intro": "--intro", "film.outro": "--outro", "videoSide": "--video-size",
        "checkpointEvery": "--checkpoint-every", "clip": "--content", "temporalWeight": "--temporal-weight",
        "frameIterations": "--frame-iterations", "tolerance": "--tolerance", "segment": "--segment",
    ]

    /// The option that sets `key` (the key itself when no option does).
    static func name(_ key: String) -> String { byKey[key] ?? key }

    /// The option that names a file of `role` (the role in words when no option does: "the checkpoint").
    static func name(_ role: FileRole) -> String { byKey[role.key] ?? role.words }

    /// Runs `check`; a `SettingsError` becomes the command's validation error, the setting named by its option.
    static func checking(_ check: () throws -> Void) throws {
        do { try check() } catch let error as SettingsError { throw ValidationError(error.described(naming: name)) }
    }

    /// A default as help texts show it: 2, 0.5, 1e-2.
    static func number(_ x: Double) -> String { String(format: "%g", x) }
}
