// `stylelapse bench …`: measurements of the engine.

import ArgumentParser

public struct Bench: ParsableCommand {
    public init() {}
    public static let configuration = CommandConfiguration(
        abstract: "Measure StyleLapse's speed (build with -c release).", subcommands: [BenchEngine.self, BenchIteration.self, BenchFlow.self])
}
