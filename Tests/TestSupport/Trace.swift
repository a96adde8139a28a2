// Trace: a run's --trace file (JSON lines), read as one dictionary per iteration.

import Foundation

public enum Trace {
    /// The iterations of the JSON-lines trace at `path`: every line but the events (a steer, the finish).
    public static func read(_ path: String) throws -> [[String: Any]] {
        try lines(path).filter { $0["event"] == nil }
    }

    /// The events of the trace at `path` (`"event": "steer"` or `"finish"`), in order.
    public static func events(_ path: String) throws -> [[String: Any]] {
        try lines(path).filter { $0["event"] != nil }
    }

    static func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    /// Waits (at most `seconds`) until a running command's trace, written as `path`.part, holds `lines` lines.
    public static func waitForLines(_ path: String, _ lines: Int, seconds: Double = 120) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: path + ".part", encoding: .utf8),
               text.split(separator: "\n").count >= lines { return }
            usleep(100_000)
        }
    }
}
