// TimelapseOptions: which iterations become frames and how the timelapse plays, the options `stylize` and `sweep`
// share.

import ArgumentParser

struct TimelapseOptions: ParsableArguments {
    @Option(help: "Timelapse frames per second.") var fps: Int = 30
    @Option(help: "Only iterations 0, K, 2K, … and the last become frames.") var every: Int = 1
    @Option(help: "Seconds to hold the last frame at the end of the timelapse.") var hold: Double = 2

    func validate() throws {
        guard every >= 1 else { throw ValidationError("--every must be at least 1") }
        guard (1...240).contains(fps) else { throw ValidationError("--fps must be 1…240") }
        guard hold >= 0 && hold <= 3600 else { throw ValidationError("--hold must be 0…3600 seconds") }
    }
}
