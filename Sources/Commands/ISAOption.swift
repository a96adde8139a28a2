// `--isa`: which copy of the engine's kernels runs (Engine's InstructionSet), for benchmarks and tests; by default
// the best this CPU runs.

import ArgumentParser
import Engine

struct ISAOption: ParsableArguments, RuleChecked {
    @Option(help: "The engine's kernels: baseline, avx2 or avx512 (default: the best this CPU runs, here \(InstructionSet.best)).")
    var isa: String?

    func check() throws { _ = try chosen() }

    /// The instruction set asked for, refused in one line when unknown or not run by this CPU.
    func chosen() throws -> InstructionSet? {
        guard let isa else { return nil }
        guard let set = InstructionSet(rawValue: isa) else {
            throw ValidationError("--isa must be " + InstructionSet.allCases.map(\.rawValue).joined(separator: ", ")
                .replacingLastComma())
        }
        guard set.isSupported else { throw ValidationError("--isa \(isa): \(InstructionSet.Unsupported(isa: set))") }
        return set
    }

    /// Switches the engine to the chosen kernels (nothing without --isa).
    func apply() throws {
        if let set = try chosen() { try InstructionSet.use(set) }
    }
}

private extension String {
    func replacingLastComma() -> String {
        guard let r = range(of: ", ", options: .backwards) else { return self }
        return replacingCharacters(in: r, with: " or ")
    }
}
