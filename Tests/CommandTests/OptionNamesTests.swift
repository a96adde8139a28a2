// OptionNames: the one table from the library's settings keys to the commands' options. Every key a check in
// Sources/ can name (a `SettingsError`'s key, a `require(…, "key", …)`, a file's role) is either an option of a
// command, or one of the few settings no option sets; every option in the table is one a command takes.

import ArgumentParser
import Commands
import Foundation
import StyleLapse
import TestSupport
import XCTest

final class OptionNamesTests: XCTestCase {
    /// Settings only a Swift program sets (their checks name them by key), and files no option names (said in
    /// words: the checkpoint's state file, the frames `encode` reads from its folder).
    let libraryOnly: Set<String> = [
        "run.lbfgs.maxEvaluationsPerStep", "run.lbfgs.firstStepSize", "run.lbfgs.armijo", "run.lbfgs.historySize",
        "checkpointState", "frame",
    ]

    /// The keys the library's checks name, read from the sources.
    func keysNamedByChecks() throws -> Set<String> {
        let patterns = [#"SettingsError\(key: "([A-Za-z.]+)""#, #"require\([^\n]*, "([A-Za-z.]+)", ""#,
                        #"FileRole\("([A-Za-z.]+)", ""#, #"let key = "([A-Za-z.]+)""#]
        var keys = Set<String>()
        let sources = Fixture.root + "/Sources"
        for case let file as String in FileManager.default.enumerator(atPath: sources)! where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            for pattern in patterns {
                let regex = try NSRegularExpression(pattern: pattern)
                for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    keys.insert(String(text[Range(m.range(at: 1), in: text)!]))
                }
            }
        }
        return keys
    }

    func testEveryKeyACheckNamesIsAnOptionOrLibraryOnly() throws {
        let keys = try keysNamedByChecks()
        XCTAssertGreaterThan(keys.count, 40, "the scan finds the checks (\(keys.sorted()))")
        let help = StyleLapseCommands.subcommands.map { $0.helpMessage(columns: 1000) }.joined(separator: "\n")
        for key in keys.sorted() where !libraryOnly.contains(key) {
            guard let option = OptionNames.byKey[key] else {
                XCTFail("\(key): a check names it, but no option is given for it in OptionNames.byKey")
                continue
            }
            XCTAssertTrue(help.contains(option + " "), "\(key) → \(option): no command takes that option")
        }
        for key in libraryOnly {
            XCTAssertTrue(keys.contains(key), "\(key) is listed as library-only but no check names it")
            XCTAssertNil(OptionNames.byKey[key], "\(key) has an option: it is not library-only")
        }
    }

    func testEveryOptionInTheTableIsOneACommandTakes() {
        let help = StyleLapseCommands.subcommands.map { $0.helpMessage(columns: 1000) }.joined(separator: "\n")
        for (key, option) in OptionNames.byKey.sorted(by: { $0.key < $1.key }) {
            XCTAssertTrue(help.contains(option + " "), "\(key) → \(option): no command takes that option")
        }
    }
}
