// `stylelapse bench iteration --size N`: seconds per Gatys iteration at N×N (forward to the deepest objective layer,
// gradient to the image, the report's Adam step) and peak resident memory.

import ArgumentParser
import Engine
import Foundation
import Network
import Objective
import Optimization

struct BenchIteration: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iteration",
        abstract: "Seconds per iteration of the report's objective and Adam step at N×N, and peak memory.")

    @Option(help: "Image side in pixels (content and style are N×N).") var size: Int = 512
    @Option(help: "Measured repeats (the median is reported), after one warm-up.") var repeats: Int = 5
    @Option(help: "Worker threads (default: all cores).") var threads: Int?
    @Option(help: "Weights file (default: where tools/fetch-weights puts them).") var weights: String?
    @Flag(help: "One JSON object instead of text.") var json = false

    func validate() throws {
        guard size >= 16 else { throw ValidationError("--size must be at least 16") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
    }

    func run() throws {
        let path = weights ?? WeightsLocation.defaultPath
        guard FileManager.default.fileExists(atPath: path) else { throw WeightsError(path, "no weights file; run tools/fetch-weights") }
        let parallel = Parallel(workers: threads ?? System.activeProcessorCount)
        let network = try VGGNetwork.load(path)
        let shape = Shape(channels: 3, height: size, width: size)
        // Smooth synthetic pictures: the cost does not depend on what the pixels show.
        func picture(_ phase: Float) -> [Float] {
            (0..<shape.count).map { i in
                let (c, y, x) = (i / shape.pixels, i / size % size, i % size)
                return 127.5 + 100 * sinf(Float(x) / 9 + phase + Float(c)) * cosf(Float(y) / 7 - phase)
            }
        }
        let objective = StyleObjective(network: network, settings: .report, content: BlockedTensor(shape, chw: picture(0)),
                                       style: BlockedTensor(shape, chw: picture(1)), parallel: parallel)
        var x = picture(0.3)
        var adam = Adam(count: x.count, settings: .report)
        let image = BlockedTensor(shape), gradient = BlockedTensor(shape)
        let seconds = Measure.median(repeats: repeats) {
            image.load(chw: x)
            _ = objective.evaluate(image, gradient: gradient)
            adam.step(&x, gradient: gradient.chw(), lower: 0, upper: 255)
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peakMB = Double(usage.ru_maxrss) / 1024
        if json {
            let object: [String: Any] = ["size": size, "seconds_per_iteration": seconds, "peak_rss_mb": peakMB,
                                         "threads": parallel.workers, "repeats": repeats]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(String(format: "%d×%d: %.3f s per iteration (median of %d), peak memory %.0f MB, %d threads", size, size,
                         seconds, repeats, peakMB, parallel.workers))
        }
    }
}
