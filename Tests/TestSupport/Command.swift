// Command: runs the built `stylelapse` executable as a user would, capturing status and output.

import Foundation

/// The result of running `stylelapse`.
public struct CommandResult {
    public var status: Int32
    /// True when the process ended by a signal (a crash), not by exit.
    public var signalled: Bool
    public var stdout: String
    public var stderr: String
}

public enum Command {
    /// The folder holding the built products (the test bundle sits beside `stylelapse`).
    public static var productsFolder: URL {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL
    }

    /// Runs `stylelapse` with `arguments` (and extra `environment` variables), waiting for it to end.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        try run(executable: productsFolder.appendingPathComponent("stylelapse").path, arguments, environment: environment)
    }

    /// Runs any program (a project script, say) the same way.
    public static func run(executable: String, _ arguments: [String], environment: [String: String] = [:]) throws
        -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus,
                             signalled: process.terminationReason == .uncaughtSignal,
                             stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }
}

extension Command {
    /// Starts `stylelapse` without waiting, for tests that signal it: standard output is discarded, standard error
    /// goes to the file `stderr` (discarded when nil).
    public static func start(_ arguments: [String], stderr: String? = nil, environment: [String: String] = [:]) throws
        -> Process {
        let process = Process()
        process.executableURL = productsFolder.appendingPathComponent("stylelapse")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        if let stderr {
            precondition(FileManager.default.createFile(atPath: stderr, contents: nil), "cannot create \(stderr)")
            process.standardError = FileHandle(forWritingAtPath: stderr)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }
}
