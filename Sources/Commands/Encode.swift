// `stylelapse encode FRAME_DIR --output OUT.mp4`: a folder of numbered PNG frames into a film.

import ArgumentParser
import Foundation
import StyleLapse

struct Encode: ParsableCommand, RuleChecked {
    static let configuration = CommandConfiguration(
        abstract: "Encode a folder of numbered PNG frames into a film: .mp4 (H.264), .webm (VP9), .gif, .webp or .apng.",
        usage: "stylelapse encode <frame-dir> --output <output> [--fps <fps>] [--crf <crf>] [--speed <speed>] [--hold <hold>]",
        discussion: "Example: stylelapse encode frames/ --output film.mp4 --fps 24 --hold 2")

    @Argument(help: "Folder of PNG frames, taken in the order of the numbers in their names.")
    var frameDir: String?

    @Option(name: .shortAndLong, help: "The film to write: .mp4, .webm, .gif, .webp or .apng.")
    var output: String?

    @Option(parsing: .unconditional, help: "Frames per second.")
    var fps: Int = 30

    @Option(parsing: .unconditional, help: "libx264 constant rate factor, 0 (lossless) to 51.")
    var crf: Int = 18

    @Option(help: "libx264's speed: \(EncoderSpeed.allCases.map(\.rawValue).joined(separator: ", ")) (slower: a smaller file of the same quality).")
    var speed: EncoderSpeed = .medium

    @Option(help: .hidden) var preset: String?

    @Option(parsing: .unconditional, help: "Seconds to hold the last frame.")
    var hold: Double = 0

    func check() throws {
        if preset != nil { throw ValidationError("encode's encoder speed is --speed (--preset is stylize's: the report's settings)") }
        try Rules.require([("FRAME_DIR", "the folder of frames", frameDir != nil), ("--output", "the film to write", output != nil)])
        let (fpsRange, crfRange, holdRange) = (FilmEncoding.fpsRange, FilmEncoding.crfRange, FilmEncoding.holdRange)
        guard fpsRange.contains(fps) else { throw ValidationError("--fps must be \(fpsRange.lowerBound)…\(fpsRange.upperBound)") }
        guard crfRange.contains(crf) else { throw ValidationError("--crf must be \(crfRange.lowerBound)…\(crfRange.upperBound)") }
        guard holdRange.contains(hold) else { throw ValidationError("--hold must be 0…\(Int(holdRange.upperBound)) seconds") }
    }

    func run() throws {
        guard let frameDir, let output else { throw ValidationError("missing FRAME_DIR or --output") }   // check() said which
        let film = OutputPlace.video(output, FileRole("output", "the film"))
        try OutputChecks.require([film], inputs: [])   // the format first, before any reading
        let frames = try Self.numberedPNGs(in: frameDir)
        try OutputChecks.require([film], inputs: frames.map { ($0, FileRole("frame", "the frame")) })
        let first = try ImageFile.read(frames[0])
        var settings = FilmEncoding(fps: fps, crf: crf, speed: speed, holdSeconds: hold)
        if VideoFormat(path: output) == .gif {   // a palette for the film: from up to 24 of its frames
            settings.palette = Palette(pictures: try Palette.spread(24, over: frames.count).map { try ImageFile.read(frames[$0]) }.filter {
                $0.width == first.width && $0.height == first.height
            })
        }
        let writer = try TimelapseWriter(path: output, width: first.width, height: first.height, settings: settings)
        do {
            try writer.append(first)
            for path in frames.dropFirst() {
                let image = try ImageFile.read(path)
                guard image.width == first.width, image.height == first.height else {
                    throw ImageFileError(path, "frame is \(image.width)×\(image.height), the first frame is "
                        + "\(first.width)×\(first.height)")
                }
                try writer.append(image)
            }
            try writer.finish()
        } catch {
            writer.cancel()
            throw error
        }
        print("\(output): \(frames.count) frames + \(settings.holdFrames) held, \(first.width)×\(first.height), "
            + "\(writer.codecName), \(fps) fps")
    }

    /// The `.png` files of `dir`, ordered by the number in their names (frame2 before frame10), then by name.
    static func numberedPNGs(in dir: String) throws -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) else {
            throw ImageFileError(dir, "no such folder")
        }
        guard isDir.boolValue else { throw ImageFileError(dir, "is not a folder of frames") }
        // Hidden files (".frame_3.png", editors' and file managers' leftovers) are not frames.
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { $0.lowercased().hasSuffix(".png") && !$0.hasPrefix(".") }
        guard !names.isEmpty else { throw ImageFileError(dir, "holds no .png frames") }
        func number(_ name: String) -> Int? {
            Int(String(name.reversed().drop { !$0.isNumber }.prefix { $0.isNumber }.reversed()))
        }
        if let unnumbered = names.sorted().first(where: { number($0) == nil }) {
            throw ImageFileError((dir as NSString).appendingPathComponent(unnumbered), "has no frame number in its name")
        }
        let sorted = names.sorted { (number($0)!, $0) < (number($1)!, $1) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where number(a) == number(b) {
            throw ImageFileError(dir, "\(a) and \(b) are both frame \(number(a)!)")
        }
        return sorted.map { (dir as NSString).appendingPathComponent($0) }
    }
}

extension EncoderSpeed: ExpressibleByArgument {}
