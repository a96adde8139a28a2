// LiveState: what the live page shows, updated by the run's thread and read by the server's tasks: the latest
// picture (at most ten a second), the run's figures, the loss history, and the messages each connected page is sent,
// one bounded queue per page so a page that lags loses messages instead of slowing the run.

import Film
import Foundation
import ImageFiles
import StyleLapse

/// The run as the page sees it. Thread-safe (one lock).
public final class LiveState: @unchecked Sendable {
    /// The figures `GET /api/state` returns (and every event carries).
    public struct Figures: Codable, Sendable, Equatable {
        public var status = "starting"            // starting, running, finished, stopped, failed
        public var iteration = 0, iterations = 0
        public var width = 0, height = 0, pass = 1, passes = 1
        public var total = 0.0, style = 0.0, content = 0.0
        public var iterationsPerSecond = 0.0, etaSeconds = 0.0, peakMemoryMB = 0.0
        public var strength: Double?, styleWeight: Double?
        /// Whether `POST /api/steer` can change the balance.
        public var steerable = false
        public var frames = 0
        /// A painted clip's frame being painted (1 first) and its frame count; nil for a picture.
        public var clipFrame: Int?, clipFrames: Int?
        /// Fixed names of the run's outputs the server serves once written ("picture", "video", "trace").
        public var files: [String] = []
        /// Why the run ended, in words (`StylizeOutcome.stopReason`); nil while it runs.
        public var stop: String?

        enum CodingKeys: String, CodingKey {
            case status, iteration, iterations, width, height, pass, passes, total, style, content
            case iterationsPerSecond = "iterations_per_second", etaSeconds = "eta_seconds", peakMemoryMB = "peak_memory_mb"
            case strength, styleWeight = "style_weight", steerable, frames, files, stop
            case clipFrame = "clip_frame", clipFrames = "clip_frames"
        }
    }

    private let lock = NSLock()
    private var figures = Figures()
    private var picture: (iteration: Int, image: RGBImage)?
    private var encoded: (iteration: Int, png: Data)?
    private var history: [[Double]] = []          // [iteration, total, style, content]
    private var subscribers: [UUID: AsyncStream<Data>.Continuation] = [:]
    /// The runs' frames the scrubber walks through (a sweep's cells one after another), and how many of each.
    private var sources: [(frames: RunFrames, count: Int)] = []
    /// The longer side of the scrubber's frames.
    public static let thumbnailSide = 160
    /// How many messages wait for each page before the oldest are dropped.
    public let queueLimit: Int

    public init(queueLimit: Int = 8) { self.queueLimit = queueLimit }

    /// What changed, the name of the Server-Sent Event that carries the figures. An `.iteration` enters the loss
    /// history the chart draws.
    public enum Event: String, Sendable {
        case state, plan, pass, iteration, frame, steer, finish
    }

    public var current: Figures { lock.withLock { figures } }

    /// Changes the figures and sends them to every page as `event` (nil: sent with the next event).
    public func update(_ event: Event?, _ change: (inout Figures) -> Void) {
        let message: Data? = lock.withLock {
            change(&figures)
            if event == .iteration {
                history.append([Double(figures.iteration), figures.total, figures.style, figures.content])
            }
            guard let event, !subscribers.isEmpty else { return nil }
            return Self.message(event, figures)
        }
        if let message { broadcast(message) }
    }

    /// The latest picture (kept as pixels; encoded when a page asks).
    public func setPicture(_ image: RGBImage, iteration: Int) { lock.withLock { picture = (iteration, image) } }

    /// The latest picture as PNG (encoded once per iteration, off the run's thread).
    public func picturePNG() -> Data? {
        let (latest, cached) = lock.withLock { (picture, encoded) }
        guard let latest else { return nil }
        if let cached, cached.iteration == latest.iteration { return cached.png }
        guard let png = try? PNGFile.encode(latest.image, name: "picture", fast: true) else { return nil }
        lock.withLock { encoded = (latest.iteration, Data(png)) }
        return Data(png)
    }

    /// Counts the run's newest frame for the scrubber (`frame(_:)`), which reads it from the run's store.
    public func keep(_ frames: RunFrames) {
        lock.withLock {
            if let last = sources.last, last.frames === frames {
                sources[sources.count - 1].count += 1
            } else {
                sources.append((frames, 1))
            }
        }
        update(nil) { $0.frames += 1 }
    }

    /// Scrubber frame `k` as PNG, made small (nil when there is no such frame).
    public func frame(_ k: Int) -> Data? {
        guard k >= 0 else { return nil }
        var rest = k
        let source: (RunFrames, Int)? = lock.withLock {
            for s in sources { if rest < s.count { return (s.frames, rest) }; rest -= s.count }
            return nil
        }
        guard let (frames, j) = source, let image = try? frames.picture(j),
              let png = try? PNGFile.encode(image.resized(maxSide: Self.thumbnailSide), name: "frame", fast: true) else { return nil }
        return Data(png)
    }

    /// Every iteration's losses so far: [[iteration, total, style, content]] as JSON.
    public func historyJSON() -> Data {
        (try? JSONSerialization.data(withJSONObject: lock.withLock { history })) ?? Data("[]".utf8)
    }

    /// A new page's messages: the figures at once, then every event; at most `queueLimit` wait (the newest kept).
    public func subscribe() -> AsyncStream<Data> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Data>.makeStream(bufferingPolicy: .bufferingNewest(queueLimit))
        continuation.onTermination = { [weak self] _ in self?.lock.withLock { _ = self?.subscribers.removeValue(forKey: id) } }
        let first: Data = lock.withLock {
            subscribers[id] = continuation
            return Self.message(.state, figures)
        }
        continuation.yield(first)
        return stream
    }

    /// Pages connected now.
    public var subscriberCount: Int { lock.withLock { subscribers.count } }

    /// Ends every page's stream (the server is closing).
    public func closeAll() {
        let all = lock.withLock { Array(subscribers.values) }
        all.forEach { $0.finish() }
    }

    private func broadcast(_ message: Data) {
        let all = lock.withLock { Array(subscribers.values) }
        for c in all { c.yield(message) }   // never blocks: a full queue drops its oldest message
    }

    /// A Server-Sent Event: `event: KIND`, the figures as JSON.
    static func message(_ event: Event, _ figures: Figures) -> Data {
        let json = (try? JSONEncoder().encode(figures)) ?? Data("{}".utf8)
        return Data("event: \(event.rawValue)\ndata: ".utf8) + json + Data("\n\n".utf8)
    }
}
