// `stylelapse bench engine`: the FMA peak and every VGG19 convolution shape (forward and backwardInput), ReLU,
// pooling and Gram, at 256² and 512², as GFLOP/s and a fraction of the peak measured in the same run.

import ArgumentParser
import Engine
import Foundation

struct BenchEngine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Measure the FMA peak and the engine's kernels on VGG19's layer shapes.")

    @Flag(help: "One JSON object per line instead of a table.")
    var json = false

    @Option(help: "Input image sizes (square), comma-separated.")
    var sizes: String = "256,512"

    @Option(help: "Measured repeats per kernel (the median is reported), after one warm-up.")
    var repeats: Int = 5

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    /// VGG19's distinct convolution shapes: (input channels, output channels, downsampling of the input image).
    static let convShapes = [(3, 64, 1), (64, 64, 1), (64, 128, 2), (128, 128, 2), (128, 256, 4), (256, 256, 4),
                             (256, 512, 8), (512, 512, 8), (512, 512, 16)]

    func run() throws {
        let parallel = Parallel(workers: threads ?? System.activeProcessorCount)
        let sizeList = sizes.split(separator: ",").compactMap { Int($0) }
        // On a shared machine a neighbour's load can depress one measurement: the peak is measured before and after
        // the kernels, and the higher of the two is the reference (the machine's capability, not its worst moment).
        let peak1 = Measure.fmaPeak(.serial)
        var peak = Measure.fmaPeak(parallel)
        emit(["kernel": "fma_peak", "threads": 1, "gflops": peak1])
        emit(["kernel": "fma_peak", "threads": parallel.workers, "gflops": peak])
        if !json {
            print(String(format: "FMA peak: %.1f GFLOP/s on 1 thread, %.1f on %d", peak1, peak, parallel.workers))
            print("kernel     dir       cin  cout     H     W   seconds  GFLOP/s  of peak")
        }
        var rng = SystemRandomNumberGenerator()
        for size in sizeList {
            for (cin, cout, down) in Self.convShapes {
                let h = size / down, w = size / down
                let conv = Conv2D(weights: (0..<(cin * cout * 9)).map { _ in Float.random(in: -0.1...0.1, using: &rng) },
                                  bias: [Float](repeating: 0.01, count: cout), inChannels: cin, outChannels: cout)
                let x = BlockedTensor(Shape(channels: cin, height: h, width: w))
                x.load(chw: (0..<(cin * h * w)).map { _ in Float.random(in: 0...1, using: &rng) })
                let y = BlockedTensor(Shape(channels: cout, height: h, width: w))
                let flops = conv.flops(height: h, width: w)
                let fwd = Measure.median(repeats: repeats) { conv.forward(x, into: y, relu: true, parallel: parallel) }
                report("conv3x3", "forward", cin, cout, h, w, fwd, flops, peak)
                let bwd = Measure.median(repeats: repeats) { conv.backwardInput(y, into: x, parallel: parallel) }
                report("conv3x3", "backward", cin, cout, h, w, bwd, flops, peak)
            }
        }
    }

    func report(_ kernel: String, _ direction: String, _ cin: Int, _ cout: Int, _ h: Int, _ w: Int,
                _ seconds: Double, _ flops: Double, _ peak: Double) {
        let gflops = flops / seconds / 1e9
        if json {
            emit(["kernel": kernel, "direction": direction, "cin": cin, "cout": cout, "height": h, "width": w,
                  "seconds": seconds, "gflops": gflops, "peak_fraction": gflops / peak])
        } else {
            print(String(format: "%-10@ %-8@ %5d %5d %5d %5d %9.5f %8.1f %7.0f%%", kernel, direction, cin, cout, h, w,
                         seconds, gflops, 100 * gflops / peak))
        }
    }

    func emit(_ object: [String: Any]) {
        guard json else { return }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
