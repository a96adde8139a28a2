// TraceWriter: one JSON object per iteration, written to NAME.part and renamed when the run ends (or, for the copy
// kept in a checkpoint folder, written in place).

import Foundation
import ImageFiles
import Stylize

final class TraceWriter {
    let path: String
    let atomic: Bool
    private let handle: FileHandle

    init(path: String, atomic: Bool = true) throws {
        self.path = path
        self.atomic = atomic
        let target = atomic ? AtomicFile.partPath(for: path) : path
        guard FileManager.default.createFile(atPath: target, contents: nil), let h = FileHandle(forWritingAtPath: target)
        else { throw ImageFileError(path, "cannot create the trace file") }
        handle = h
    }

    /// Writes the record of an iteration whose image is `size` (a coarse-to-fine pass's size, or the photo's).
    func write(_ r: IterationRecord, size: (width: Int, height: Int)) throws {
        let object: [String: Any] = [
            "iteration": r.iteration, "width": size.width, "height": size.height, "total": r.loss.total, "style": r.loss.style, "content": r.loss.content,
            "tv": r.loss.tv, "style_layers": r.loss.styleLayers, "evaluations": r.evaluations, "seconds": r.seconds,
        ]
        var line = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        line.append(0x0A)
        do { try handle.write(contentsOf: line) } catch { throw ImageFileError(path, "write failed (\(error))") }
    }

    /// Appends a line that is already JSON (a resumed run's earlier iterations).
    func writeLine(_ text: String) throws {
        do { try handle.write(contentsOf: Data((text + "\n").utf8)) } catch {
            throw ImageFileError(path, "write failed (\(error))")
        }
    }

    /// Flushes, closes and renames the trace into place.
    func finish() throws {
        do {
            try handle.synchronize()
            try handle.close()
        } catch { throw ImageFileError(path, "write failed (\(error))") }
        guard !atomic || rename(AtomicFile.partPath(for: path), path) == 0 else {
            throw ImageFileError(path, "could not move the trace into place")
        }
    }
}
