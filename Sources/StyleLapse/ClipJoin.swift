// ClipJoin: the segments a work folder holds (ClipSegments.swift) joined into the painted clip, frame by frame from
// their PNGs, with the clip's timestamps and sound, as one process would have written it.

import Foundation
import ImageFiles
import Timelapse

extension ClipSession {
    /// Joins the segments painted in `work` into the painted clip `output`, with the clip's timestamps and sound, as
    /// one process would have written it. Refuses a folder whose segments are not all painted (naming the first that
    /// is not), a segment of another clip or painting, and an input changed since.
    @discardableResult
    public static func join(_ work: String, output: String, encoding: FilmEncoding = FilmEncoding()) throws -> ClipOutcome {
        let started = ContinuousClock.now
        guard let header = try ClipWork.loadHeader(work) else {
            throw CheckpointError(path: work, problem: "holds no segments (missing work.json; paint them with clip --segment K/N --work \(work))")
        }
        let settings = header.settings
        try OutputPlaces.check([.video(output, .paintedClip)],
                               inputs: [(settings.clip, .clip)] + settings.painting.pictures.styles.map { ($0, .style) })
        _ = try ClipWork.digests(settings, matching: header.digests, dir: work)
        for k in 1...header.segments {
            let folder = ClipWork.segmentFolder(work, k)
            let segment = try ClipSegment(number: k, count: header.segments)
            let range = segment.frames(of: header.frames)
            guard let saved = try? ClipCheckpoint.load(folder) else {
                throw CheckpointError(path: folder, problem: "segment \(segment) is not painted yet (frames \(range.lowerBound)…\(range.upperBound - 1))")
            }
            guard saved.settings == settings, saved.digests == header.digests else {
                throw CheckpointError(path: folder, problem: "holds a segment of another clip or painting")
            }
            guard saved.progress.framesDone == range.upperBound else {
                throw CheckpointError(path: folder, problem: "segment \(segment) has \(max(0, saved.progress.framesDone - range.lowerBound)) of its \(range.count) frames (still running, or stopped: run its task again)")
            }
        }
        let reader = try ClipReader(path: settings.clip)
        guard reader.info.frameCount == header.frames else {
            throw ImageFileError(settings.clip, "has \(reader.info.frameCount) frames, not the \(header.frames) its segments were cut from")
        }
        var writer: TimelapseWriter?
        do {
            try reader.forEachFrame { frame in
                let k = (1...header.segments).last { ClipSegment.start($0, of: header.segments, frames: header.frames) <= frame.index }!
                let picture = try ClipCheckpoint.picture(ClipWork.segmentFolder(work, k), frame: frame.index)
                if writer == nil {   // the paintings as the first frame's painting read them (a GIF's palette)
                    let styles = try Pictures(settings.painting.pictures, photo: frame.picture).styles
                    writer = try openWriter(path: output, clip: settings.clip, info: reader.info, encoding: encoding,
                                            first: picture, paintings: styles)
                }
                try writer!.append(picture, timestamp: frame.timestamp)
                return true
            }
            try writer?.finish()
        } catch {
            writer?.cancel()
            throw error
        }
        return ClipOutcome(frames: header.frames, paintedHere: 0, stopped: false,
                           seconds: (ContinuousClock.now - started).seconds, clipFrames: header.frames)
    }
}
