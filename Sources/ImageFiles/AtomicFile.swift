// AtomicFile: every output is written as NAME.part and renamed to NAME only when complete, so a crash, a full disk
// or an interruption never leaves a half-written file under the final name.

import Foundation

/// Atomic file output and the up-front checks on output locations.
public enum AtomicFile {
    /// The temporary name an output is written under until it is complete.
    public static func partPath(for path: String) -> String { path + ".part" }

    /// Writes `bytes` to `path.part`, flushes it to disk, then renames it to `path`.
    /// On any failure the `.part` file is removed and an error naming `path` is thrown.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { put in bytes.withUnsafeBytes { put($0) } }
    }

    /// Writes what `body` puts, piece by piece (nothing whole in memory), to `path.part`, flushes it to disk, then
    /// renames it to `path`. On any failure the `.part` file is removed and an error naming `path` is thrown.
    public static func write(to path: String, _ body: (_ put: (UnsafeRawBufferPointer) -> Void) throws -> Void) throws {
        let part = partPath(for: path)
        let fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ImageFileError(path, "cannot create file (\(errnoText()))") }
        var failure: String?
        do {
            try body { raw in
                var done = 0
                while failure == nil && done < raw.count {
                    let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                    if n < 0 { if errno == EINTR { continue }; failure = errnoText(); return }
                    done += n
                }
            }
        } catch {
            close(fd)
            unlink(part)
            throw error
        }
        if failure == nil, fsync(fd) != 0 { failure = errnoText() }
        if close(fd) != 0, failure == nil { failure = errnoText() }
        if failure == nil, rename(part, path) != 0 { failure = errnoText() }
        if let failure {
            unlink(part)
            throw ImageFileError(path, "write failed (\(failure))")
        }
    }

    /// Checks, before any work starts, that a file can be created at `path`: its folder exists, is a folder, and
    /// accepts a new file (probed by creating and removing one, which also catches read-only file systems).
    public static func checkWritable(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let dir = folder.isEmpty ? "." : folder
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) else {
            throw ImageFileError(path, "output folder \(dir) does not exist")
        }
        guard isDir.boolValue else { throw ImageFileError(path, "\(dir) is not a folder") }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw ImageFileError(path, "is a folder, not a file name")
        }
        let probe = partPath(for: path) + ".probe"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ImageFileError(path, "cannot write in \(dir) (\(errnoText()))") }
        close(fd)
        unlink(probe)
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
