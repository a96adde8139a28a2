// Pacing: which stored frames (and how much of the next) each film frame of the painting shows. By change, equal
// stretches of film time show equal amounts of visible change: the cumulative change between neighbouring stored
// frames is laid out linearly over the frames, and a film frame between two stored ones mixes them.

import Drawing
import ImageFiles

/// How the painting part of a film spends its time.
public enum Pace: String, Codable, CaseIterable, Sendable {
    /// Equal film time for equal visible change, over a set duration.
    case change
    /// One film frame per stored frame (per iteration, or per `--every` iterations).
    case iterations
}

/// A film frame of the painting: stored frame `index` mixed with stored frame `index + 1` by `t` (0: `index` alone).
public struct FramePosition: Equatable, Sendable {
    public var index: Int, t: Double
    public init(index: Int, t: Double) { (self.index, self.t) = (index, t) }
}

public enum Pacing {
    /// `frames` positions over stored frames 0…`changes.count`, where `changes[k]` is the visible change between
    /// stored frames k and k + 1: film frame f shows the point where the cumulative change reaches
    /// f/(frames − 1) of the whole. No change at all: the stored frames spread evenly.
    public static func byChange(_ changes: [Double], frames: Int) -> [FramePosition] {
        let last = changes.count
        guard frames > 1, last > 0 else { return Array(repeating: FramePosition(index: last, t: 0), count: max(frames, 0)) }
        let steps = changes.map { $0.isFinite ? max($0, 0) : 0 }
        let total = steps.reduce(0, +)
        guard total > 0 else {
            return (0..<frames).map { f in position(Double(last) * Double(f) / Double(frames - 1), last: last) }
        }
        var positions: [FramePosition] = []
        positions.reserveCapacity(frames)
        var k = 0, before = 0.0   // cumulative change up to stored frame k
        for f in 0..<frames {
            let target = total * Double(f) / Double(frames - 1)
            while k < last && before + steps[k] < target { before += steps[k]; k += 1 }
            if k == last || f == frames - 1 { positions.append(FramePosition(index: last, t: 0)); continue }
            let t = steps[k] > 0 ? min(max((target - before) / steps[k], 0), 1) : 0
            positions.append(t >= 1 ? FramePosition(index: k + 1, t: 0) : FramePosition(index: k, t: t))
        }
        return positions
    }

    /// One film frame per stored frame.
    public static func byIteration(count: Int) -> [FramePosition] { (0..<count).map { FramePosition(index: $0, t: 0) } }

    private static func position(_ p: Double, last: Int) -> FramePosition {
        let k = min(Int(p), last)
        return k == last ? FramePosition(index: last, t: 0) : FramePosition(index: k, t: p - Double(k))
    }
}

/// Film frames at positions over stored frames read by `read`, the last two kept (positions only move forward).
public final class PacedFrames {
    private let read: (Int) throws -> RGBImage
    private var cache: [(index: Int, picture: RGBImage)] = []

    public init(read: @escaping (Int) throws -> RGBImage) { self.read = read }

    /// Stored frame `k`.
    public func stored(_ k: Int) throws -> RGBImage {
        if let hit = cache.first(where: { $0.index == k }) { return hit.picture }
        let picture = try read(k)
        cache = Array((cache + [(k, picture)]).suffix(2))
        return picture
    }

    /// The film frame at `p`: stored frame `p.index`, mixed with the next by `p.t`.
    public func at(_ p: FramePosition) throws -> RGBImage {
        p.t > 0 ? RGBImage.mix(try stored(p.index), try stored(p.index + 1), p.t) : try stored(p.index)
    }
}
