// The `stylelapse` command: subcommands for describing images, encoding timelapses and measuring the engine.

import ArgumentParser
import CPUCheck

@main
struct StyleLapseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stylelapse",
        abstract: "Paint a photo in the style of a painting, and film the painting as it happens.",
        subcommands: [StylizeCommand.self, SweepCommand.self, Info.self, Encode.self, Weights.self, Bench.self])
}
