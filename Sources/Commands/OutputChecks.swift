// OutputChecks: before any work, every output is checked against every input and every other output by file
// identity (device and inode, so symlinks and hard links count) and by path, and each output's extension against
// the formats StyleLapse writes there. A problem is one line and status 64; nothing has been written.

import ArgumentParser
import Foundation
import ImageFiles
import StyleLapse

/// An output of a command: where it goes and which extensions it may have (empty: any).
struct Output {
    var path: String
    var role: String
    var extensions: [String] = []
    var isFolder = false
    /// For a folder: whether a file at this path relative to it is one the command writes there.
    var writes: (String) -> Bool = { _ in true }

    static func picture(_ path: String, _ role: String = "--output") -> Output {
        Output(path: path, role: role, extensions: PictureFile.extensions)
    }
    static func video(_ path: String, _ role: String = "--video") -> Output {
        Output(path: path, role: role, extensions: VideoFormat.extensions)
    }
    static func plot(_ path: String) -> Output { Output(path: path, role: "--plot", extensions: ["svg"]) }
    static func trace(_ path: String) -> Output { Output(path: path, role: "--trace") }
    /// A frames folder: `frame_NNNNNN.png`.
    static func frames(_ path: String, _ role: String = "--frames") -> Output {
        Output(path: path, role: role, isFolder: true) { $0.hasPrefix("frame_") && $0.hasSuffix(".png") && !$0.contains("/") }
    }
    /// A checkpoint folder: state.bin, trace.jsonl and frames/frame_NNNNNN.png.
    static func checkpoint(_ path: String) -> Output {
        Output(path: path, role: "--checkpoint", isFolder: true) {
            ["state.bin", "trace.jsonl"].contains($0) || ($0.hasPrefix("frames/frame_") && $0.hasSuffix(".png"))
        }
    }
    /// A sweep's cells folder: cell-NN….png and cell-NN.json.
    static func cells(_ path: String) -> Output {
        Output(path: path, role: "--cells", isFolder: true) { $0.hasPrefix("cell-") && !$0.contains("/") }
    }
}

/// A mistake in the command line found before the work: printed as one line, exit status 64.
struct UsageError: Error, CustomStringConvertible {
    let description: String
}

enum OutputChecks {
    /// `check`, with a `UsageError` printed as the command's one-line error and exit status 64.
    static func require(_ outputs: [Output], inputs: [(path: String, role: String)]) throws {
        do { try check(outputs, inputs: inputs) } catch let error as UsageError { try refuse(error) }
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

    /// Throws `UsageError` when an output has an extension StyleLapse does not write there, is an input, or is
    /// another output; then checks that every file can be created and every folder exists or can be made.
    static func check(_ outputs: [Output], inputs: [(path: String, role: String)]) throws {
        for o in outputs where !o.extensions.isEmpty {
            let ext = (o.path as NSString).pathExtension.lowercased()
            guard o.extensions.contains(ext) else {
                throw UsageError(description: "\(o.path): \(o.role) writes " + o.extensions.map { "." + $0 }.joined(separator: ", ")
                    + (ext.isEmpty ? " files; give the name an extension" : "; .\(ext) is not a format it writes"))
            }
        }
        for (i, o) in outputs.enumerated() {
            for input in inputs where same(o.path, input.path) || (o.isFolder && relative(input.path, to: o.path).map(o.writes) == true) {
                throw UsageError(description: "\(o.path): \(o.role) would write over \(input.role) \(input.path)")
            }
            for other in outputs[..<i] where same(o.path, other.path) {
                throw UsageError(description: "\(o.path): \(o.role) and \(other.role) name the same file")
            }
        }
        for o in outputs {
            if o.isFolder { try OutputFolder.prepare(o.path) } else { try AtomicFile.checkWritable(o.path) }
        }
    }

    /// The absolute, standardised form of `path` (symlinks in existing folders resolved).
    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (full as NSString).resolvingSymlinksInPath
    }

    /// Whether two paths name one file: the same identity when both exist, else the same absolute path.
    static func same(_ a: String, _ b: String) -> Bool {
        if let x = identity(a), let y = identity(b) { return x == y }
        return absolute(a) == absolute(b)
    }

    /// `path` relative to `folder` when it lies inside it.
    static func relative(_ path: String, to folder: String) -> String? {
        let (p, f) = (absolute(path), absolute(folder) + "/")
        return p.hasPrefix(f) ? String(p.dropFirst(f.count)) : nil
    }

    /// Device and inode of an existing file (following symlinks).
    static func identity(_ path: String) -> [UInt64]? {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        return [UInt64(s.st_dev), UInt64(s.st_ino)]
    }
}
