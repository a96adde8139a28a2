// TimelapseOptions: which iterations become frames and how the film plays and is cut, the options `stylize` and
// `sweep` share. Each remembers whether it was given, so a command can refuse one that would do nothing.

import ArgumentParser
import StyleLapse

struct TimelapseOptions: RuleChecked {
    @Option(name: .customLong("fps"), parsing: .unconditional, help: "Film frames per second (default 30).") var fpsOption: Int?
    @Option(name: .customLong("every"), parsing: .unconditional, help: "Only iterations 0, K, 2K, … and the last become frames (default 1).")
    var everyOption: Int?
    @Option(name: .customLong("hold"), parsing: .unconditional, help: "Seconds the result is held at the end of the painting (default 2).")
    var holdOption: Double?
    @Option(name: .customLong("pace"), help: "change: equal film time for equal visible change (default); iterations: one frame per iteration.")
    var paceOption: Pace?
    @Option(name: .customLong("duration"), parsing: .unconditional, help: "Seconds of painting in a film paced by change (default 10).")
    var durationOption: Double?
    @Option(name: .customLong("intro"), parsing: .unconditional, help: "Seconds of the opening card: the photo and the painting, named (default 2; 0: none).")
    var introOption: Double?
    @Option(name: .customLong("outro"), parsing: .unconditional, help: "Seconds of the closing card: photo | painting | result (default 3; 0: none).")
    var outroOption: Double?

    @Flag(help: "A strip under the film's picture: the iteration, the pass's size, the loss curve so far (log scale).")
    var overlay = false
    @Option(name: .customLong("video-size"), parsing: .unconditional, help: "Longer side of the film in pixels; a larger picture is filmed scaled down (default 1920; the PNG keeps its size).")
    var videoSizeOption: Int?

    var fps: Int { fpsOption ?? 30 }
    var every: Int { everyOption ?? 1 }
    var hold: Double { holdOption ?? 2 }

    /// How the film is cut.
    var composition: FilmComposition {
        FilmComposition(fps: fps, pace: paceOption ?? .change, duration: durationOption ?? 10, intro: introOption ?? 2,
                        hold: hold, outro: outroOption ?? 3)
    }

    func check() throws {
        guard every >= 1 else { throw ValidationError("--every must be at least 1") }
        guard (1...240).contains(fps) else { throw ValidationError("--fps must be 1…240") }
        guard hold >= 0 && hold <= 3600 else { throw ValidationError("--hold must be 0…3600 seconds") }
        if let s = videoSizeOption, !(16...8192).contains(s) { throw ValidationError("--video-size must be 16…8192 pixels") }
        if let d = durationOption, !(d >= 0.5 && d <= 3600) { throw ValidationError("--duration must be 0.5…3600 seconds") }
        for (name, value) in [("--intro", introOption), ("--outro", outroOption)] {
            if let value, !(value >= 0 && value <= 60) { throw ValidationError("\(name) must be 0…60 seconds") }
        }
        if durationOption != nil && paceOption == .iterations {
            throw ValidationError("--duration sets how long a film paced by change lasts; --pace iterations shows one frame per iteration")
        }
    }

    /// The options that cut a finished film (which `sweep`'s side-by-side video does not take yet).
    var cuttingOptions: [String] {
        [paceOption.map { _ in "--pace" }, durationOption.map { _ in "--duration" }, introOption.map { _ in "--intro" },
         outroOption.map { _ in "--outro" }, overlay ? "--overlay" : nil, videoSizeOption.map { _ in "--video-size" }]
            .compactMap { $0 }
    }

    /// Refuses the film's options without a video, and --every without a video or frames (`framesToo`).
    func requireUse(video: Bool, frames: Bool) throws {
        let filmOptions = [fpsOption.map { _ in "--fps" }, holdOption.map { _ in "--hold" }].compactMap { $0 } + cuttingOptions
        if !video, let name = filmOptions.first {
            throw ValidationError("\(name) sets how the film plays; it does nothing without --video")
        }
        if !video && !frames && everyOption != nil {
            throw ValidationError("--every chooses the film's frames; it does nothing without --video or --frames")
        }
    }
}

extension Pace: ExpressibleByArgument {}
