// The commands' entry: the subcommands this module holds and the one way they are parsed and run, for the
// `stylelapse` executable's root command (which adds the benchmarks).

import ArgumentParser
import StyleLapse

public enum StyleLapseCommands {
    /// The commands, in the order `stylelapse --help` lists them.
    public static let subcommands: [ParsableCommand.Type] = [
        StylizeCommand.self, ClipCommand.self, SweepCommand.self, Info.self, Encode.self, Weights.self,
    ]

    /// Parses the process's arguments under `root` and runs the command. Parses twice: first without the commands'
    /// rules, so an unknown option or a malformed value is the error reported, then with them (`Rules`).
    public static func main(_ root: ParsableCommand.Type) {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            _ = try Rules.$enabled.withValue(false) { try root.parseAsRoot(arguments) }
            var command = try root.parseAsRoot(arguments)
            try command.run()
        } catch let error as SettingsNaming {
            // The library names its settings by key; the command says them as its options.
            root.exit(withError: CommandError(description: error.described(naming: OptionNames.name)))
        } catch {
            root.exit(withError: error)
        }
    }
}
