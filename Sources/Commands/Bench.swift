// `stylelapse bench …`: measurements of the engine.

import ArgumentParser

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure StyleLapse's speed (build with -c release).", subcommands: [BenchEngine.self, BenchIteration.self, BenchFlow.self])
}
