// OutputChecks: the library's output checks (`OutputPlaces`) said in the command's words: a clash is one line naming
// the options, status 64, nothing written; the command's own rule on a frames folder holding another run's frames.

import ArgumentParser
import Foundation
import StyleLapse

/// A command that cannot go on: one line, exit status 1.
public struct CommandError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// A mistake in the command line found before the work: printed as one line, exit status 64.
struct UsageError: Error, CustomStringConvertible {
    let description: String
}

enum OutputChecks {
    /// `OutputPlaces.check`, with a clash printed as the command's one-line error (options named) and status 64.
    static func require(_ outputs: [OutputPlace], inputs: [(path: String, role: FileRole)]) throws {
        do { try OutputPlaces.check(outputs, inputs: inputs) } catch let clash as OutputClash {
            try refuse(UsageError(description: clash.described(naming: OptionNames.name)))
        }
    }

    /// Prints `error` as the command's one-line error and exits with status 64.
    static func refuse(_ error: UsageError) throws -> Never {
        FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
        throw ExitCode.validationFailure
    }

    /// A frames folder holding another run's frames mixes two runs: refused (status 64), or with `remove` those
    /// frames are deleted first.
    static func requireNoOldFrames(_ folder: String, remove: Bool, allowed: Bool = false) throws {
        let old = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasPrefix("frame_") && $0.hasSuffix(".png") }
        guard !old.isEmpty, !allowed else { return }
        if remove {
            for name in old where unlink(folder + "/" + name) != 0 {
                throw ImageFileError(folder + "/" + name, "cannot remove the old frame (\(String(cString: strerror(errno))))")
            }
            return
        }
        try refuse(UsageError(description: "\(folder): holds \(old.count) frames of another run; "
            + "--overwrite-frames removes them first"))
    }
}
