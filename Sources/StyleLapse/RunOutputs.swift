// RunOutputs: everything a run writes — the best picture, its films, the frames folder, the trace, the loss plot and
// checkpoints — as one value: checked, attached to a session as sinks, and kept in the checkpoint so that a resumed
// run writes where the first one did.

import Drawing
import Film
import Foundation
import ImageFiles
import Stylization
import Timelapse

public struct RunOutputs: Codable {
    /// The best picture's file.
    public var output: String
    /// Bits per sample of a PNG picture (nil: 8).
    public var bitDepth: Int?
    /// JPEG quality of a `.jpg` picture (nil: `PictureOutput.defaultJPEGQuality`).
    public var jpegQuality: Int?
    /// The films, each in the format its extension names.
    public var videos: [String] = []
    /// How the films are cut.
    public var film = FilmComposition()
    /// A strip under the film's picture: the iteration, the pass's size, the loss curve so far.
    public var overlay = false
    /// The film's longer side at most (nil: `defaultVideoSide`; checkpoints from before it).
    public var videoSide: Int?
    public var trace: String?, frames: String?, plot: String?
    /// The checkpoint folder, and the iterations between checkpoints (nil: `defaultCheckpointEvery`). Not kept in
    /// the checkpoint itself.
    public var checkpoint: String?, checkpointEvery: Int?

    /// A film of a larger picture is made at this longer side.
    public static let defaultVideoSide = 1920
    public static let defaultCheckpointEvery = 50

    enum CodingKeys: CodingKey { case output, videos, trace, frames, plot, film, overlay, videoSide, bitDepth, jpegQuality }

    public init(output: String) { self.output = output }

    /// The default picture name: the pictures' names joined, e.g. chelsea-starry_night.png.
    public static func defaultName(_ pictures: [String]) -> String {
        pictures.map { ((($0 as NSString).lastPathComponent) as NSString).deletingPathExtension }.joined(separator: "-") + ".png"
    }

    /// The picture output.
    public var picture: PictureOutput {
        PictureOutput(path: output, bitDepth: bitDepth ?? PictureOutput.defaultBitDepth,
                      jpegQuality: jpegQuality ?? PictureOutput.defaultJPEGQuality)
    }

    /// Throws `SettingsError` for a value no output can use.
    public func check() throws {
        try picture.check()
        let f = film
        let (fps, hold) = (FilmEncoding.fpsRange, FilmEncoding.holdRange)
        guard fps.contains(f.fps) else { throw SettingsError(key: "film.fps", "must be \(fps.lowerBound)…\(fps.upperBound)") }
        guard hold.contains(f.hold) else { throw SettingsError(key: "film.hold", "must be 0…\(Int(hold.upperBound)) seconds") }
        guard f.duration >= 0.5 && f.duration <= 3600 else { throw SettingsError(key: "film.duration", "must be 0.5…3600 seconds") }
        guard f.intro >= 0 && f.intro <= 60 else { throw SettingsError(key: "film.intro", "must be 0…60 seconds") }
        guard f.outro >= 0 && f.outro <= 60 else { throw SettingsError(key: "film.outro", "must be 0…60 seconds") }
        if let s = videoSide, !(16...8192).contains(s) { throw SettingsError(key: "videoSide", "must be 16…8192 pixels") }
        if let n = checkpointEvery, n < 1 { throw SettingsError(key: "checkpointEvery", "must be at least 1") }
    }

    /// Every place these outputs write (checked against the inputs and each other by `OutputPlaces.check`).
    public var places: [OutputPlace] {
        [.picture(output)] + videos.map { .video($0) }
            + [trace.map { .trace($0) }, plot.map { .plot($0) }, frames.map { .frames($0) },
               checkpoint.map { .checkpoint($0) }].compactMap { $0 }
    }

    /// The film's size for a `width`×`height` picture: the picture's, scaled down to `videoSide` on the longer side
    /// when larger (a print-size picture gets a film a screen can play).
    public func filmSize(width: Int, height: Int) -> (width: Int, height: Int) {
        let side = videoSide ?? Self.defaultVideoSide
        return max(width, height) <= side ? (width, height) : Resample.fitting(width: width, height: height, maxSide: side)
    }

    /// A resumed run's outputs: these where given (the picture's name when `outputGiven`), the first run's elsewhere;
    /// the film is cut as the first run's was.
    public func over(_ first: RunOutputs, outputGiven: Bool) -> RunOutputs {
        var o = first
        if outputGiven { o.output = output }
        if !videos.isEmpty { o.videos = videos }
        (o.trace, o.frames, o.plot) = (trace ?? first.trace, frames ?? first.frames, plot ?? first.plot)
        (o.videoSide, o.bitDepth, o.jpegQuality) = (videoSide ?? first.videoSide, bitDepth ?? first.bitDepth,
                                                    jpegQuality ?? first.jpegQuality)
        (o.checkpoint, o.checkpointEvery) = (checkpoint, checkpointEvery)
        return o
    }

    /// Attaches a sink for every output to `session`, and its picture output; returns the film's sink (its parts
    /// once finished). `command` is the command line the film's tags name (nil: none).
    @discardableResult
    public func attach(to session: StylizeSession, command: [String]? = nil) throws -> FilmSink? {
        session.picture = picture
        let plan = session.plan
        let size = filmSize(width: plan.width, height: plan.height)
        let film = try videos.isEmpty ? nil : FilmSink(
            videos: videos, width: size.width, height: size.height, composition: self.film,
            pictures: Self.panels(session), overlay: overlay, metadata: Self.metadata(session, command: command))
        film.map(session.attach)
        if let frames { session.attach(FramesFolderSink(folder: frames)) }
        if let trace { session.attach(TraceSink(path: trace)) }
        if let plot {
            let o = session.settings.run.objective
            session.attach(LossPlotSink(path: plot, styleWeight: o.styleWeight, contentWeight: o.contentWeight,
                                        steering: session.settings.steering ?? []))
        }
        if let checkpoint {
            let sink = CheckpointSink(folder: checkpoint, every: checkpointEvery ?? Self.defaultCheckpointEvery)
            sink.application = try JSONEncoder().encode(self)
            session.attach(sink)
        }
        return film
    }

    /// The photo, its masks and the paintings as the film's cards show them, each named by its file.
    static func panels(_ session: StylizeSession) -> [Panel] { panels(session.pictures, session.settings.pictures) }

    /// The photo, what its masks say (`Pictures.maskOverview`) and the paintings, each named by its file.
    public static func panels(_ pictures: Pictures, _ s: PictureSettings) -> [Panel] {
        let named = zip([pictures.photo] + pictures.styles, [s.content] + s.styles)
            .map { Panel($0, label: ($1 as NSString).lastPathComponent) }
        guard let masks = pictures.maskOverview else { return named }
        return [named[0], Panel(masks, label: "masks")] + named.dropFirst()
    }

    /// The film's title, and a comment with how it was made: the command and the settings, every file named by its
    /// file name (the weights also by their data hash), never by a path: the film travels, the folders of the
    /// machine do not.
    static func metadata(_ session: StylizeSession, command: [String]?) -> [String: String] {
        var s = session.settings
        let name = { (path: String) in (path as NSString).lastPathComponent }
        s.weights = name(s.weights) + (session.network.dataSHA256.map { " sha256:" + $0 } ?? "")
        s.pictures.content = name(s.pictures.content)
        s.pictures.styles = s.pictures.styles.map(name)
        s.pictures.styleMasks = s.pictures.styleMasks?.map(name)
        s.pictures.styleRegions = s.pictures.styleRegions?.map(name)
        s.pictures.contentMask = s.pictures.contentMask.map(name)
        if case .image(let path) = s.run.initialization { s.run.initialization = .image(path: name(path)) }
        let words = (command ?? []).map { $0.contains("/") ? name($0) : $0 }   // a path's folders left out
        let settings = String(decoding: (try? JSONEncoder().encode(s)) ?? Data(), as: UTF8.self)
        return ["title": "\(name(s.pictures.content)) in the style of \(s.pictures.styles.map(name).joined(separator: " and "))",
                "comment": "StyleLapse \(StyleLapseVersion.current): " + (words.isEmpty ? "" : words.joined(separator: " ") + "; ")
                    + "settings " + settings]
    }
}
