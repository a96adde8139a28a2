// OutputPlaces: before any work, every output is checked against every input and every other output by file
// identity (device and inode, so symlinks and hard links count) and by path, and each output's extension against
// the formats StyleLapse writes there. A session does it for its sinks before it starts; a command does it before
// it loads anything, with the same function.

import Foundation
import ImageFiles
import Timelapse

/// What a file is to a run: its setting's key (a command line maps it to an option) and its name in words.
public struct FileRole: Hashable, Sendable, CustomStringConvertible {
    /// The setting's key, e.g. `video` or `pictures.content`.
    public let key: String
    /// The role in words, e.g. "the film".
    public let words: String
    public init(_ key: String, _ words: String) { (self.key, self.words) = (key, words) }
    public var description: String { words }

    public static let content = FileRole("pictures.content", "the photo")
    public static let style = FileRole("pictures.styles", "the painting")
    public static let styleMask = FileRole("pictures.styleMasks", "the style mask")
    public static let styleRegion = FileRole("pictures.styleRegions", "the style region")
    public static let contentMask = FileRole("pictures.contentMask", "the content mask")
    public static let weights = FileRole("weights", "the weights")
    public static let initialPicture = FileRole("run.initialization", "the initial picture")
    public static let checkpointState = FileRole("checkpointState", "the checkpoint")
    public static let picture = FileRole("output", "the picture")
    public static let video = FileRole("video", "the film")
    public static let trace = FileRole("trace", "the trace")
    public static let plot = FileRole("plot", "the loss plot")
    public static let frames = FileRole("frames", "the frames folder")
    public static let checkpoint = FileRole("checkpoint", "the checkpoint folder")
    public static let cells = FileRole("cells", "the cells folder")
    public static let clip = FileRole("clip", "the clip")
    public static let paintedClip = FileRole("output", "the painted clip")
}

/// A file or folder a run writes, and which extensions it may have (empty: any).
public struct OutputPlace {
    public var path: String
    public var role: FileRole
    public var extensions: [String] = []
    public var isFolder = false
    /// For a folder: whether a file at this path relative to it is one the run writes there.
    public var writes: (String) -> Bool = { _ in true }

    public static func picture(_ path: String, _ role: FileRole = .picture) -> OutputPlace {
        OutputPlace(path: path, role: role, extensions: PictureFile.extensions)
    }
    public static func video(_ path: String, _ role: FileRole = .video) -> OutputPlace {
        OutputPlace(path: path, role: role, extensions: VideoFormat.extensions)
    }
    public static func plot(_ path: String) -> OutputPlace { OutputPlace(path: path, role: .plot, extensions: ["svg"]) }
    public static func trace(_ path: String) -> OutputPlace { OutputPlace(path: path, role: .trace) }
    /// A frames folder: `frame_NNNNNN.png`.
    public static func frames(_ path: String) -> OutputPlace {
        OutputPlace(path: path, role: .frames, isFolder: true) { $0.hasPrefix("frame_") && $0.hasSuffix(".png") && !$0.contains("/") }
    }
    /// A checkpoint folder: state.bin, trace.jsonl and frames/frame_NNNNNN.png.
    public static func checkpoint(_ path: String) -> OutputPlace {
        OutputPlace(path: path, role: .checkpoint, isFolder: true) {
            ["state.bin", "trace.jsonl"].contains($0) || ($0.hasPrefix("frames/frame_") && $0.hasSuffix(".png"))
        }
    }
    /// A clip checkpoint folder: clip.json, pixels_NNNNNN.f32 and frames/frame_NNNNNN.png.
    public static func clipCheckpoint(_ path: String) -> OutputPlace {
        OutputPlace(path: path, role: .checkpoint, isFolder: true) {
            $0 == "clip.json" || ($0.hasPrefix("pixels_") && $0.hasSuffix(".f32") && !$0.contains("/"))
                || ($0.hasPrefix("frames/frame_") && $0.hasSuffix(".png"))
        }
    }
    /// A sweep's cells folder: cell-NN….png and cell-NN.json.
    public static func cells(_ path: String) -> OutputPlace {
        OutputPlace(path: path, role: .cells, isFolder: true) { $0.hasPrefix("cell-") && !$0.contains("/") }
    }
}

/// An output that would lose something: a format StyleLapse does not write there, an input it would write over, or
/// another output of the same name. Nothing has been written.
public struct OutputClash: Error, CustomStringConvertible {
    public enum Problem: Sendable {
        /// The extension (empty: none) is not one of the role's formats.
        case format(ext: String, extensions: [String])
        /// The output would write over an input.
        case overwrites(FileRole, String)
        /// Two outputs name one file.
        case sameFile(FileRole)
    }
    public let path: String
    public let role: FileRole
    public let problem: Problem

    public var description: String { described { $0.words } }

    /// One line, each role named by `name` (a command line's options, say).
    public func described(naming name: (FileRole) -> String) -> String {
        switch problem {
        case .format(let ext, let extensions):
            return "\(path): \(name(role)) writes " + extensions.map { "." + $0 }.joined(separator: ", ")
                + (ext.isEmpty ? " files; give the name an extension" : "; .\(ext) is not a format it writes")
        case .overwrites(let input, let inputPath):
            return "\(path): \(name(role)) would write over \(name(input)) \(inputPath)"
        case .sameFile(let other):
            return "\(path): \(name(role)) and \(name(other)) name the same file"
        }
    }
}

public enum OutputPlaces {
    /// Throws `OutputClash` when an output has an extension StyleLapse does not write there, is an input, or is
    /// another output; then checks that every file can be created and every folder exists or can be made
    /// (`ImageFileError` otherwise).
    public static func check(_ outputs: [OutputPlace], inputs: [(path: String, role: FileRole)]) throws {
        for o in outputs where !o.extensions.isEmpty {
            let ext = (o.path as NSString).pathExtension.lowercased()
            guard o.extensions.contains(ext) else {
                throw OutputClash(path: o.path, role: o.role, problem: .format(ext: ext, extensions: o.extensions))
            }
        }
        for (i, o) in outputs.enumerated() {
            for input in inputs where same(o.path, input.path) || (o.isFolder && relative(input.path, to: o.path).map(o.writes) == true) {
                throw OutputClash(path: o.path, role: o.role, problem: .overwrites(input.role, input.path))
            }
            for other in outputs[..<i] where same(o.path, other.path) {
                throw OutputClash(path: o.path, role: o.role, problem: .sameFile(other.role))
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

extension SessionSettings {
    /// The files a session on these settings reads.
    public var inputs: [(path: String, role: FileRole)] {
        var inputs = [(pictures.content, FileRole.content)] + pictures.styles.map { ($0, FileRole.style) } + pictures.masks
            + [(weights, .weights)]
        if case .image(let path) = run.initialization { inputs.append((path, .initialPicture)) }
        return inputs
    }
}
