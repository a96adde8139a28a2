// TraceEntry: one line of a trace (JSON lines): an iteration's record and the size it was optimised at.

import Foundation
import Objective
import Stylization

/// One iteration as a trace line holds it: `iteration`, `width`, `height`, `total`, `style`, `content`, `tv`,
/// `style_layers`, `evaluations`, `seconds`.
public struct TraceEntry: Codable, Equatable {
    /// The run-wide iteration and the size it was optimised at.
    public var iteration: Int, width: Int, height: Int
    /// The losses (style and content unweighted; total weighted).
    public var total: Double, style: Double, content: Double, tv: Double
    /// Each style layer's loss.
    public var styleLayers: [Double]
    /// Objective evaluations so far.
    public var evaluations: Int
    /// Seconds since the run started.
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case iteration, width, height, total, style, content, tv, styleLayers = "style_layers", evaluations, seconds
    }

    public init(_ event: IterationEvent) {
        let r = event.record
        (iteration, width, height, evaluations, seconds) = (r.iteration, event.width, event.height, r.evaluations, r.seconds)
        (total, style, content, tv, styleLayers) = (r.loss.total, r.loss.style, r.loss.content, r.loss.tv, r.loss.styleLayers)
    }

    /// The iteration record it holds.
    public var record: IterationRecord {
        IterationRecord(iteration: iteration, loss: LossBreakdown(total: total, style: style, content: content, tv: tv,
                                                                 styleLayers: styleLayers),
                        evaluations: evaluations, seconds: seconds)
    }

    /// The line, without its newline.
    public var line: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }

    /// The entries of a trace file (lines that do not parse are skipped; a missing file has none).
    public static func read(_ path: String) -> [TraceEntry] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(TraceEntry.self, from: Data($0.utf8)) }
    }
}
