// FilmOptions: which iterations become frames and how the film plays and is cut, the options `stylize` and
// `sweep` share. Each remembers whether it was given, so a command can refuse one that would do nothing.

import ArgumentParser
import StyleLapse

struct FilmOptions: RuleChecked {
    @Option(name: .customLong("fps"), parsing: .unconditional, help: "Film frames per second (default \(FilmComposition().fps)).") var fpsOption: Int?
    @Option(name: .customLong("every"), parsing: .unconditional, help: "Only iterations 0, K, 2K, … and the last become frames (default \(FilmSettings().every)).")
    var everyOption: Int?
    @Option(name: .customLong("hold"), parsing: .unconditional, help: "Seconds the result is held at the end of the painting (default \(OptionNames.number(FilmComposition().hold))).")
    var holdOption: Double?
    @Option(name: .customLong("pace"), help: "change: equal film time for equal visible change (default); iterations: one frame per iteration.")
    var paceOption: Pace?
    @Option(name: .customLong("duration"), parsing: .unconditional, help: "Seconds of painting in a film paced by change (default \(OptionNames.number(FilmComposition().duration))).")
    var durationOption: Double?
    @Option(name: .customLong("intro"), parsing: .unconditional, help: "Seconds of the opening card: the photo and the painting, named (default \(OptionNames.number(FilmComposition().intro)); 0: none).")
    var introOption: Double?
    @Option(name: .customLong("outro"), parsing: .unconditional, help: "Seconds of the closing card: photo | painting | result (default \(OptionNames.number(FilmComposition().outro)); 0: none).")
    var outroOption: Double?

    @Flag(help: "A strip under the film's picture: the iteration, the pass's size, the loss curve so far (log scale).")
    var overlay = false
    @Option(name: .customLong("video-size"), parsing: .unconditional, help: "Longer side of the film in pixels; a larger picture is filmed scaled down (default \(RunOutputs.defaultVideoSide); the picture itself keeps its size).")
    var videoSizeOption: Int?

    /// How the film is cut: the library's defaults (`FilmComposition()`), then the options given.
    var composition: FilmComposition {
        var c = FilmComposition()
        if let fpsOption { c.fps = fpsOption }
        if let paceOption { c.pace = paceOption }
        if let durationOption { c.duration = durationOption }
        if let introOption { c.intro = introOption }
        if let holdOption { c.hold = holdOption }
        if let outroOption { c.outro = outroOption }
        return c
    }

    /// Only how the options go together; their ranges are the library's (`RunOutputs.check`).
    func check() throws {
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

    /// The film's options in the run's outputs.
    func lay(over outputs: inout RunOutputs) {
        (outputs.film, outputs.overlay, outputs.videoSide) = (composition, overlay, videoSizeOption)
    }

    /// Refuses the film's options without a video, and --every without a video or frames; `videoOption` names the
    /// command's film (clip's is --timelapse).
    func requireUse(video: Bool, frames: Bool, videoOption: String = "--video") throws {
        let filmOptions = [fpsOption.map { _ in "--fps" }, holdOption.map { _ in "--hold" }].compactMap { $0 } + cuttingOptions
        if !video, let name = filmOptions.first {
            throw ValidationError("\(name) sets how the film plays; it does nothing without \(videoOption)")
        }
        if !video && !frames && everyOption != nil {
            throw ValidationError("--every chooses the film's frames; it does nothing without \(videoOption)"
                + (videoOption == "--video" ? " or --frames" : ""))
        }
    }
}

extension Pace: ExpressibleByArgument {}
