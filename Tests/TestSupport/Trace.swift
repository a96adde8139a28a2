// Trace: a run's --trace file (JSON lines), read as one dictionary per iteration.

import Foundation

public enum Trace {
    /// Every line of the JSON-lines trace at `path`.
    public static func read(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }
}
