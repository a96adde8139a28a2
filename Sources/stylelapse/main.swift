// The `stylelapse` executable: the library's commands (module Commands) and the benchmarks (module Benchmarks) under
// one root command.

import ArgumentParser
import Benchmarks
import Commands
import StyleLapse

struct StyleLapseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stylelapse",
        abstract: "Paint a photo in the style of a painting, and film the painting as it happens.",
        version: StyleLapseVersion.current,
        subcommands: StyleLapseCommands.subcommands + [Bench.self])
}

StyleLapseCommands.main(StyleLapseCommand.self)
