// TimelapseOptions: which iterations become frames and how the timelapse plays, the options `stylize` and `sweep`
// share. Each remembers whether it was given, so a command can refuse one that would do nothing.

import ArgumentParser

struct TimelapseOptions: RuleChecked {
    @Option(name: .customLong("fps"), parsing: .unconditional, help: "Timelapse frames per second (default 30).") var fpsOption: Int?
    @Option(name: .customLong("every"), parsing: .unconditional, help: "Only iterations 0, K, 2K, … and the last become frames (default 1).")
    var everyOption: Int?
    @Option(name: .customLong("hold"), parsing: .unconditional, help: "Seconds to hold the last frame at the end of the timelapse (default 2).")
    var holdOption: Double?

    var fps: Int { fpsOption ?? 30 }
    var every: Int { everyOption ?? 1 }
    var hold: Double { holdOption ?? 2 }

    func check() throws {
        guard every >= 1 else { throw ValidationError("--every must be at least 1") }
        guard (1...240).contains(fps) else { throw ValidationError("--fps must be 1…240") }
        guard hold >= 0 && hold <= 3600 else { throw ValidationError("--hold must be 0…3600 seconds") }
    }

    /// Refuses --fps and --hold without a video, and --every without a video or frames (`framesToo`).
    func requireUse(video: Bool, frames: Bool) throws {
        if !video, let name = [fpsOption.map { _ in "--fps" }, holdOption.map { _ in "--hold" }].compactMap({ $0 }).first {
            throw ValidationError("\(name) sets how the timelapse plays; it does nothing without --video")
        }
        if !video && !frames && everyOption != nil {
            throw ValidationError("--every chooses the film's frames; it does nothing without --video or --frames")
        }
    }
}
