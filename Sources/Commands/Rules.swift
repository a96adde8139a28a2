// Rules: the commands' checks of how options go together, run in a second parse so that the parser's own errors
// (an unknown option, a value that is not a number) are reported first, and the missing options named one by one.
// ArgumentParser calls `validate()` before it looks for unknown options, so rules in `validate()` alone would answer
// a mistyped `--contnet` with "missing --content" (CommandLineTests.testAMistypedOptionIsNamedBeforeAnyRule).

import ArgumentParser

/// A command or option group whose `check()` holds its rules; `validate()` runs it only in the second parse.
public protocol RuleChecked: ParsableArguments {
    func check() throws
}

extension RuleChecked {
    public func validate() throws {
        if Rules.enabled { try check() }   // off only inside `Rules.$enabled.withValue(false)`
    }
}

public enum Rules {
    /// Off during the first parse (`StyleLapseCommand.main`), on in the second: scoped to that call, not a global.
    @TaskLocal static var enabled = true

    /// Throws one line naming every missing option, e.g. "missing --content (the photo) and --style (the painting)".
    static func require(_ options: [(name: String, what: String, given: Bool)], unless: String? = nil) throws {
        let missing = options.filter { !$0.given }.map { "\($0.name) (\($0.what))" }
        guard !missing.isEmpty else { return }
        let list = missing.count == 1 ? missing[0]
            : missing.dropLast().joined(separator: ", ") + " and " + missing.last!
        throw ValidationError("missing " + list + (unless.map { "; " + $0 } ?? ""))
    }

    /// `--threads`, where a command takes it: at least one worker.
    public static func requireThreads(_ threads: Int?) throws {
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
    }
}
