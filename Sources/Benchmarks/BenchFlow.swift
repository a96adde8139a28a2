// `stylelapse bench flow --clip CLIP`: seconds per optical-flow pair (DIS, both ways as `clip` computes them) on a
// clip's neighbouring frames at a size, the median over the pairs.

import ArgumentParser
import Commands
import Engine
import Foundation
import ImageFiles
import OpticalFlow
import Stylization

struct BenchFlow: ParsableCommand, RuleChecked {
    static let configuration = CommandConfiguration(
        commandName: "flow",
        abstract: "Seconds per optical-flow pair (DIS from one frame to the next) on a clip's frames at a size.",
        discussion: "Example: stylelapse bench flow --clip walk.mp4 --size 512x288 --pairs 10")

    @Option(help: "The clip whose neighbouring frames are measured.") var clip: String
    @Option(help: "WIDTHxHEIGHT the frames are resized to (default 512x288).") var size: String = "512x288"
    @Option(help: "Pairs measured (the median is reported), after one warm-up.") var pairs: Int = 10
    @Option(help: "Worker threads (default: all cores).") var threads: Int?
    @Flag(help: "One JSON object instead of text.") var json = false

    var dimensions: (width: Int, height: Int)? {
        let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
        return parts.count == 2 && parts.allSatisfy({ $0 >= 16 }) ? (parts[0], parts[1]) : nil
    }

    func check() throws {
        guard dimensions != nil else { throw ValidationError("--size takes WIDTHxHEIGHT, each at least 16, e.g. 512x288") }
        guard pairs >= 1 else { throw ValidationError("--pairs must be at least 1") }
        try Rules.requireThreads(threads)
    }

    func run() throws {
        let (w, h) = dimensions!
        let parallel = Parallel(workers: threads ?? System.activeProcessorCount)
        let reader = try ClipReader(path: clip)
        var previous: GreyImage?
        var seconds: [Double] = []
        try reader.forEachFrame { frame in
            let picture = frame.picture.resized(width: w, height: h)
            let grey = GreyImage(planarRGB: picture.planar, width: w, height: h)
            if let previous {
                let start = ContinuousClock.now
                _ = DISFlow.flow(from: grey, to: previous, parallel: parallel)
                seconds.append((ContinuousClock.now - start).seconds)
            }
            previous = grey
            return seconds.count < pairs + 1
        }
        guard seconds.count >= 2 else { throw ValidationError("\(clip) has too few frames for one measured pair") }
        let measured = Array(seconds.dropFirst()).sorted()
        let median = measured[measured.count / 2]
        if json {
            print("{\"size\": [\(w), \(h)], \"pairs\": \(measured.count), \"median_seconds\": \(median), \"threads\": \(parallel.workers)}")
        } else {
            print(String(format: "DIS flow at %d×%d: %.4f s per pair (median of %d, %d threads; %.4f…%.4f)", w, h, median,
                         measured.count, parallel.workers, measured.first!, measured.last!))
        }
    }
}
