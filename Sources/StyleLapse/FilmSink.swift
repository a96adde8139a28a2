// FilmSink: the finished film as one more sink. The run's frames (RunFrames: stored once, with the visible change
// between neighbours) are composed at the finish (Ctrl-C included) — opening, the painting paced by change, the
// result, closing — and encoded to every file asked for, each in the format its extension names (a GIF's palette
// made from the film's own pictures). A print-size run's film is made at a display size.

import Drawing
import Film
import Foundation
import ImageFiles
import Stylization
import Timelapse

public final class FilmSink: StylizeSink {
    public var wantsFrames: Bool { true }
    /// The files, in the formats their extensions name.
    public let videos: [String]
    public let composition: FilmComposition
    /// The film's size (the picture's, or smaller for a print-size picture).
    public let width: Int, height: Int
    /// The composed film's parts, once finished.
    public private(set) var parts: FilmParts?
    private let material: (pictures: [Panel], resultLabel: String)?
    private let typeface: Typeface?
    private let settings: FilmEncoding
    private var writers: [TimelapseWriter] = []
    private let overlay: Bool
    private var history = RunHistory()
    private var frames: RunFrames?

    /// A film of `width`×`height` for every `videos` path; throws at once when libavcodec cannot write one's format.
    /// `pictures` (the photo and paintings, labelled) make the opening and closing cards; nil: none.
    public init(videos: [String], width: Int, height: Int, composition: FilmComposition = FilmComposition(),
                pictures: [Panel]? = nil, resultLabel: String = "result", overlay: Bool = false,
                metadata: [String: String] = [:], speed: EncoderSpeed = .medium) throws {
        for path in videos {
            guard let format = VideoFormat(path: path) else {
                throw ImageFileError(path, "not a film format StyleLapse writes (" + VideoFormat.extensions.map { "." + $0 }
                    .joined(separator: ", ") + ")")
            }
            try format.requireEncoder(path: path)
        }
        (self.videos, self.composition, self.width, self.height) = (videos, composition, width, height)
        let wantsCards = pictures != nil && (composition.intro > 0 || composition.outro > 0)
        typeface = wantsCards || overlay ? try Typeface.standard() : nil
        self.overlay = overlay
        material = pictures.map { ($0, resultLabel) }
        var settings = FilmEncoding(fps: composition.fps, speed: speed, holdSeconds: 0)
        settings.metadata = metadata
        self.settings = settings
    }

    public var outputs: [OutputPlace] { videos.map { .video($0) } }

    public func receive(_ event: StylizeEvent) throws {
        switch event {
        case .iteration(let i):
            history.append(.init(iteration: i.record.iteration, loss: i.record.loss.total, width: i.width, height: i.height))
        case .frame(let frame): frames = frame.frames
        case .finish(let outcome):
            guard let frames else { return }
            try frames.flush()
            let result = filmed(outcome.best)
            let material = self.material.map {
                FilmMaterial(pictures: $0.pictures, result: Panel(result, label: $0.resultLabel))
            }
            let strip = overlay ? typeface.map { Overlay(width: width, history: history, typeface: $0) } : nil
            var settings = self.settings
            if videos.contains(where: { VideoFormat(path: $0) == .gif }) {
                settings.palette = try palette(frames, material: material, result: result,
                                               strip: strip?.strip(at: Double(strip?.lastIteration ?? 0)))
            }
            for path in videos {
                writers.append(try TimelapseWriter(path: path, width: width, height: height + (strip?.height ?? 0),
                                                   settings: settings))
            }
            parts = try FilmComposer.compose(store: frames.store, size: (width, height), changes: frames.changes,
                                             material: material, composition: composition, typeface: typeface,
                                             overlay: strip, iterations: frames.iterations) { frame in
                for writer in writers { try writer.append(frame) }
            }
            for writer in writers { try writer.finish() }
        default: break
        }
    }

    public func abandon() { writers.forEach { $0.cancel() } }

    /// `picture` at the film's size (a picture larger than the film is scaled down: print size, a display film).
    private func filmed(_ picture: RGBImage) -> RGBImage {
        picture.width == width && picture.height == height ? picture : picture.resized(width: width, height: height)
    }

    /// A GIF's colours: from about 24 frames spread over the film, the result and the cards.
    private func palette(_ frames: RunFrames, material: FilmMaterial?, result: RGBImage, strip: RGBImage?) throws -> Palette {
        var pictures = try Palette.spread(24, over: frames.count).map { try frames.picture($0, width: width, height: height) }
            + [result] + (strip.map { [$0] } ?? [])
        if let material, let typeface {
            pictures.append(Cards.card(material.pictures + [material.result], width: width, height: height,
                                       typeface: typeface))
        }
        return Palette(pictures: pictures)
    }
}
