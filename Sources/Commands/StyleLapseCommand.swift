// The `stylelapse` command: subcommands for describing images, encoding films and measuring the engine.

import ArgumentParser
import StyleLapse
import Painting

public struct StyleLapseCommand: ParsableCommand {
    public init() {}
    public static let configuration = CommandConfiguration(
        commandName: "stylelapse",
        abstract: "Paint a photo in the style of a painting, and film the painting as it happens.",
        version: StyleLapseVersion.current,
        subcommands: [StylizeCommand.self, ClipCommand.self, SweepCommand.self, Info.self, Encode.self, Weights.self, Bench.self])

    /// Parses twice: first without the commands' rules, so an unknown option or a malformed value is the error
    /// reported, then with them (`Rules`).
    public static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            _ = try Rules.$enabled.withValue(false) { try parseAsRoot(arguments) }
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let error as SettingsNaming {
            // The library names its settings by key; the command says them as its options.
            exit(withError: CommandError(description: error.described(naming: OptionNames.name)))
        } catch {
            exit(withError: error)
        }
    }
}
