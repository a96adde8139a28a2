// TraceWriter: one JSON object per iteration, written to NAME.part and renamed when the run ends.

import Foundation
import ImageFiles
import Stylize

final class TraceWriter {
    let path: String
    private let handle: FileHandle

    init(path: String) throws {
        self.path = path
        let part = AtomicFile.partPath(for: path)
        guard FileManager.default.createFile(atPath: part, contents: nil), let h = FileHandle(forWritingAtPath: part)
        else { throw ImageFileError(path, "cannot create the trace file") }
        handle = h
    }

    func write(_ r: IterationRecord) throws {
        let object: [String: Any] = [
            "iteration": r.iteration, "total": r.loss.total, "style": r.loss.style, "content": r.loss.content,
            "tv": r.loss.tv, "style_layers": r.loss.styleLayers, "evaluations": r.evaluations, "seconds": r.seconds,
        ]
        var line = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        line.append(0x0A)
        do { try handle.write(contentsOf: line) } catch { throw ImageFileError(path, "write failed (\(error))") }
    }

    /// Flushes, closes and renames the trace into place.
    func finish() throws {
        do {
            try handle.synchronize()
            try handle.close()
        } catch { throw ImageFileError(path, "write failed (\(error))") }
        guard rename(AtomicFile.partPath(for: path), path) == 0 else {
            throw ImageFileError(path, "could not move the trace into place")
        }
    }
}
