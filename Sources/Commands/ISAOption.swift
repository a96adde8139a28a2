// `--isa`: which copy of the engine's kernels runs (the library's `InstructionSet`), for benchmarks and tests; by
// default the best this CPU runs.

import ArgumentParser
import StyleLapse

extension InstructionSet: ExpressibleByArgument {}

public struct ISAOption: ParsableArguments, RuleChecked {
    public init() {}

    @Option(help: "The engine's kernels (default: the best this CPU runs, here \(InstructionSet.best)).")
    public var isa: InstructionSet?

    /// A copy this CPU does not run is refused in one line.
    public func check() throws {
        if let isa, !isa.isSupported { throw ValidationError("--isa \(isa): \(InstructionSet.Unsupported(isa: isa))") }
    }

    /// Switches the engine to the chosen kernels (nothing without --isa).
    public func apply() throws {
        if let isa { try InstructionSet.use(isa) }
    }
}
