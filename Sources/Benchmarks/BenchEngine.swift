// `stylelapse bench engine`: the FMA peak and every VGG19 convolution shape (forward and backwardInput), ReLU,
// pooling and Gram, at 256² and 512², as GFLOP/s and a fraction of the peak measured in the same run.

import ArgumentParser
import Commands
import Engine
import Foundation
import Network
import Objective

struct BenchEngine: ParsableCommand, RuleChecked {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Measure the FMA peak and the engine's kernels on VGG19's layer shapes.",
        discussion: """
            GFLOP/s count 2·9·Cin·Cout·H·W per convolution, 2·C²·H·W per Gram product, and one operation per \
            element for ReLU and pooling, whatever the strategy (Winograd can pass 100 % of the peak); "of ideal" \
            divides instead the FLOPs the algorithm that ran really performs (Winograd's α² products per tile and \
            its transforms; the first layer's 27 lanes), so it cannot pass 100 %. Kernels: conv3x3 direct, \
            conv3x3w Winograd F(2×2), conv3x3w4 F(4×4) (points 0, ±7/10, ±3/2). The peak is a loop of independent \
            16-wide multiply-adds in the kernels that run (--isa) on 1 thread and on all workers, measured before and after \
            the kernels; the higher reading is the reference.

            Example: stylelapse bench engine --sizes 256,512 --json
            """)

    @Flag(help: "One JSON object per line instead of a table.")
    var json = false

    @Option(help: "Input image sizes (square), comma-separated.")
    var sizes: String = "256,512"

    @Option(help: "Measured repeats per kernel (the median is reported), after one warm-up.")
    var repeats: Int = 5

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @OptionGroup var kernels: ISAOption
    @Option(help: "Convolution strategy: auto (as the network uses), direct, winograd (F(2×2)) or winograd4x4 (F(4×4)).")
    var strategy: StrategyChoice = .auto

    /// `--strategy`: the engine's strategies, or the network's own choice per layer.
    enum StrategyChoice: String, CaseIterable, ExpressibleByArgument {
        case auto, direct, winograd, winograd4x4
        /// The strategy forced (nil: as the network chooses).
        var forced: ConvStrategy? { ConvStrategy(rawValue: rawValue) }
    }

    /// VGG19's distinct convolution shapes: (input channels, output channels, downsampling of the input image),
    /// from the network's table.
    static let convShapes: [(Int, Int, Int)] = VGGArchitecture.vgg19.layers.reduce(into: []) { shapes, l in
        let shape = (l.inChannels, l.outChannels, 1 << (l.layer.block - 1))
        if !shapes.contains(where: { $0 == shape }) { shapes.append(shape) }
    }
    /// The style layers' feature shapes (channels, downsampling): where Gram matrices are taken.
    static let gramShapes: [(Int, Int)] = ObjectiveSettings.report.styleLayers.map { s in
        (VGGArchitecture.vgg19.layers.first { $0.layer == s.layer }!.outChannels, 1 << (s.layer.block - 1))
    }

    struct Row {
        var kernel: String, direction: String, cin: Int, cout: Int, height: Int, width: Int
        var seconds: Double, flops: Double
        /// The FLOPs the algorithm that ran really performs (Conv2D.algorithmFlops; `flops` for the rest).
        var algorithmFlops: Double? = nil
        /// The algorithm's own FLOPs per second as a fraction of `peak` (GFLOP/s).
        func idealFraction(_ peak: Double) -> Double { (algorithmFlops ?? flops) / seconds / 1e9 / peak }
    }

    func check() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        try Rules.requireThreads(threads)
    }

    func run() throws {
        try kernels.apply()
        let parallel = Parallel(workers: threads ?? System.activeProcessorCount)
        let sizeList = sizes.split(separator: ",").compactMap { Int($0) }
        guard !sizeList.isEmpty, sizeList.allSatisfy({ $0 >= 32 && $0 % 16 == 0 }) else {   // 16: block 5 is 1×1, nothing to pool
            throw ValidationError("--sizes must be multiples of 16 from 32 on, e.g. 256,512")
        }
        let isa = InstructionSet.current.rawValue
        let peakBefore1 = Measure.fmaPeak(.serial), peakBefore = Measure.fmaPeak(parallel)
        var rows: [Row] = []
        for size in sizeList {
            rows += convRows(size, parallel)
            rows += otherRows(size, parallel)
        }
        let peak1 = max(peakBefore1, Measure.fmaPeak(.serial))
        let peak = max(peakBefore, Measure.fmaPeak(parallel))
        if json {
            emit(["kernel": "fma_peak", "threads": 1, "gflops": peak1, "isa": isa])
            emit(["kernel": "fma_peak", "threads": parallel.workers, "gflops": peak, "isa": isa])
            for r in rows {
                let gflops = r.flops / r.seconds / 1e9
                emit(["kernel": r.kernel, "direction": r.direction, "cin": r.cin, "cout": r.cout, "height": r.height,
                      "width": r.width, "seconds": r.seconds, "gflops": gflops, "peak_fraction": gflops / peak,
                      "ideal_fraction": r.idealFraction(peak),
                      "threads": parallel.workers, "isa": isa])
            }
            return
        }
        print(String(format: "FMA peak: %.1f GFLOP/s on 1 thread, %.1f on %d threads (the reference below); kernels: %@",
                     peak1, peak, parallel.workers, isa))
        print("kernel    direction   cin  cout     H     W   seconds  GFLOP/s  of peak  of ideal")
        for r in rows {
            let gflops = r.flops / r.seconds / 1e9
            print(r.kernel.padding(toLength: 9, withPad: " ", startingAt: 0) + " "
                + r.direction.padding(toLength: 9, withPad: " ", startingAt: 0)
                + String(format: "%5d %5d %5d %5d %9.5f %8.1f %7.0f%% %8.0f%%", r.cin, r.cout, r.height, r.width,
                         r.seconds, gflops, 100 * gflops / peak, 100 * r.idealFraction(peak)))
        }
    }

    func convRows(_ size: Int, _ parallel: Parallel) -> [Row] {
        var rows: [Row] = []
        var rng = SystemRandomNumberGenerator()
        for (cin, cout, down) in Self.convShapes {
            let (h, w) = (size / down, size / down)
            let conv = Conv2D(weights: (0..<(cin * cout * 9)).map { _ in Float.random(in: -0.1...0.1, using: &rng) },
                              bias: [Float](repeating: 0.01, count: cout), inChannels: cin, outChannels: cout,
                              strategy: strategy.forced)
            let x = BlockedTensor(Shape(channels: cin, height: h, width: w))
            x.load(chw: (0..<(cin * h * w)).map { _ in Float.random(in: 0...1, using: &rng) })
            let y = BlockedTensor(Shape(channels: cout, height: h, width: w))
            let flops = conv.flops(height: h, width: w)
            let fwd = Measure.median(repeats: repeats) { conv.forward(x, into: y, relu: true, parallel: parallel) }
            func kernel(_ s: ConvStrategy) -> String { ["direct": "conv3x3", "winograd": "conv3x3w", "winograd4x4": "conv3x3w4"][s.rawValue]! }
            rows.append(Row(kernel: kernel(conv.strategy), direction: "forward", cin: cin, cout: cout, height: h, width: w,
                            seconds: fwd, flops: flops, algorithmFlops: conv.algorithmFlops(height: h, width: w)))
            let bwd = Measure.median(repeats: repeats) { conv.backwardInput(y, into: x, parallel: parallel) }
            rows.append(Row(kernel: kernel(conv.backwardStrategy), direction: "backward", cin: cin, cout: cout, height: h, width: w,
                            seconds: bwd, flops: flops, algorithmFlops: conv.algorithmFlops(height: h, width: w, backward: true)))
        }
        return rows
    }

    func otherRows(_ size: Int, _ parallel: Parallel) -> [Row] {
        var rows: [Row] = []
        var rng = SystemRandomNumberGenerator()
        for (c, down) in Self.gramShapes {
            let s = Shape(channels: c, height: size / down, width: size / down)
            let x = BlockedTensor(s)
            x.load(chw: (0..<s.count).map { _ in Float.random(in: 0...1, using: &rng) })
            let y = BlockedTensor(s), gx = BlockedTensor(s)
            func row(_ kernel: String, _ direction: String, _ flops: Double, ideal: Double? = nil, _ body: () -> Void) {
                rows.append(Row(kernel: kernel, direction: direction, cin: c, cout: c, height: s.height, width: s.width,
                                seconds: Measure.median(repeats: repeats, body), flops: flops, algorithmFlops: ideal))
            }
            row("relu", "forward", Double(s.count)) { ReLU.forward(x, into: y, parallel: parallel) }
            row("relu", "backward", Double(s.count)) { ReLU.backward(x, output: y, into: gx, parallel: parallel) }
            let pooled = pooledShape(s)
            let p = BlockedTensor(pooled), argmax = MaxPoolArgmax(pooled)
            row("maxpool", "forward", Double(s.count)) {
                MaxPool2D.forward(x, into: p, argmax: argmax, parallel: parallel)
            }
            row("maxpool", "backward", Double(s.count)) {
                MaxPool2D.backward(p, argmax: argmax, into: gx, parallel: parallel)
            }
            var gram = [Float](repeating: 0, count: c * c)
            row("gram", "forward", Gram.flops(s),
                ideal: 2 * Double(GramSums(channels: c).productsPerPixel * s.pixels)) {
                Gram.forward(x, normalization: Double(s.pixels), into: &gram, parallel: parallel)
            }
            let packed = GramBackwardWeights(channels: c)   // packed once per evaluation, as the objective does
            packed.pack(gram, normalization: Double(s.pixels))
            row("gram", "backward", Gram.flops(s)) {
                Gram.backward(packed, features: x, into: gx, accumulate: false, parallel: parallel)
            }
        }
        return rows
    }

    func emit(_ object: [String: Any]) {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
