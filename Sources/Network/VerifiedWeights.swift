// VerifiedWeights: remembers that a weights file's data hash was checked, keyed by the file's state — device, inode,
// size, modification and change times — in a small file beside it (`NAME.verified`). A file launched again unchanged
// is not hashed again (80 MB each launch); any write to it changes its change time, which no program can set back,
// so a changed file is hashed, and refused, as before.

import Foundation

struct VerifiedWeights {
    /// The file's state: "device inode size mtime ctime" (nanoseconds).
    let stamp: String
    let path: String

    /// The state of the file at `path` now (nil: it cannot be examined).
    init?(_ path: String) {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        stamp = "\(s.st_dev) \(s.st_ino) \(s.st_size) \(s.st_mtim.tv_sec).\(s.st_mtim.tv_nsec) "
            + "\(s.st_ctim.tv_sec).\(s.st_ctim.tv_nsec)"
        self.path = path
    }

    var recordPath: String { path + ".verified" }

    /// Whether a check of this very state found the data hash `hash`.
    func remembers(_ hash: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: recordPath) else { return false }
        return String(decoding: data, as: UTF8.self) == record(hash)
    }

    /// Records that this state's data hash is `hash` (best effort: an unwritable folder only means hashing again).
    func remember(_ hash: String) {
        let temporary = recordPath + ".part-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(record(hash).utf8)) else { return }
        if rename(temporary, recordPath) != 0 { unlink(temporary) }
    }

    private func record(_ hash: String) -> String { "stylelapse weights check 1\n\(stamp)\n\(hash)\n" }
}
