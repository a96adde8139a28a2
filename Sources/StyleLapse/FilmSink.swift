// FilmSink: the finished film as one more sink. Frames go to a FrameStore on disk as the run makes them, with the
// visible change between neighbours; at the finish (Ctrl-C included) the film is composed — opening, the painting
// paced by change, the result, closing — and encoded to every video asked for.

import Drawing
import Film
import Foundation
import ImageFiles
import Stylize
import Timelapse

public final class FilmSink: StylizeSink {
    public var wantsFrames: Bool { true }
    /// The writers (one per video file).
    public let writers: [TimelapseWriter]
    public let composition: FilmComposition
    /// The composed film's parts, once finished.
    public private(set) var parts: FilmParts?
    private let store: FrameStore
    private let material: (pictures: [Panel], resultLabel: String)?
    private let typeface: Typeface?
    private var changes: [Double] = []
    private var previous: RGBImage?

    /// Opens every `videos` path (as NAME.part) for a `width`×`height` film. `pictures` (the photo and paintings,
    /// labelled) make the opening and closing cards; nil: none.
    public init(videos: [String], width: Int, height: Int, composition: FilmComposition = FilmComposition(),
                pictures: [Panel]? = nil, resultLabel: String = "result", metadata: [String: String] = [:],
                speed: EncoderSpeed = .medium) throws {
        self.composition = composition
        let wantsCards = pictures != nil && (composition.intro > 0 || composition.outro > 0)
        typeface = wantsCards ? try Typeface.standard() : nil
        material = pictures.map { ($0, resultLabel) }
        store = try FrameStore(width: width, height: height)
        var settings = TimelapseSettings(fps: composition.fps, speed: speed, holdSeconds: 0)
        settings.metadata = metadata
        var opened: [TimelapseWriter] = []
        do {
            for path in videos { opened.append(try TimelapseWriter(path: path, width: width, height: height, settings: settings)) }
        } catch {
            opened.forEach { $0.cancel() }
            throw error
        }
        writers = opened
    }

    public func receive(_ event: StylizeEvent) throws {
        switch event {
        case .frame(let frame):
            if let previous { changes.append(previous.meanAbsoluteDifference(frame.picture)) }
            previous = frame.picture
            try store.append(frame.picture)
        case .finish(let outcome):
            let material = self.material.map {
                FilmMaterial(pictures: $0.pictures, result: Panel(outcome.best, label: $0.resultLabel))
            }
            parts = try FilmComposer.compose(store: store, changes: changes, material: material,
                                             composition: composition, typeface: typeface) { frame in
                for writer in writers { try writer.append(frame) }
            }
            for writer in writers { try writer.finish() }
        default: break
        }
    }

    public func abandon() { writers.forEach { $0.cancel() } }

    /// The visible change between neighbouring stored frames so far (mean absolute difference, levels).
    public var frameChanges: [Double] { changes }
}
