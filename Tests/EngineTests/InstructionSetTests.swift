// The kernels chosen at run time: the best copy is what the CPU's flags (as Linux reports them in /proc/cpuinfo)
// allow; every copy this CPU runs passes the naive twins; the copies with FMA give the same bits as each other; each
// copy gives the same bits on 1 and 2 workers.

import Engine
import Foundation
import TestSupport
import XCTest

final class InstructionSetTests: XCTestCase {
    override func tearDown() { try? InstructionSet.use(.best) }

    func testTheBestIsWhatTheCPUsFlagsAllow() throws {
        #if arch(x86_64)
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else {
            return XCTFail("no flags line in /proc/cpuinfo")
        }
        let flags = Set(line.split(separator: ":")[1].split(separator: " ").map(String.init))
        let avx2 = ["avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "movbe", "popcnt", "abm"].allSatisfy(flags.contains)
        let avx512 = avx2 && ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
        XCTAssertEqual(InstructionSet.avx2.isSupported, avx2)
        XCTAssertEqual(InstructionSet.avx512.isSupported, avx512)
        XCTAssertEqual(InstructionSet.best, avx512 ? .avx512 : avx2 ? .avx2 : .baseline)
        print("this CPU: best kernels \(InstructionSet.best); runs \(InstructionSet.allCases.filter(\.isSupported))")
        #else
        XCTAssertEqual(InstructionSet.best, .baseline)
        #endif
        XCTAssertTrue(InstructionSet.baseline.isSupported)
        XCTAssertEqual(InstructionSet.current, InstructionSet.best)
    }

    func testEveryCopyThisCPURunsMatchesTheNaiveTwins() throws {
        for isa in InstructionSet.allCases where isa.isSupported {
            try InstructionSet.use(isa)
            XCTAssertEqual(InstructionSet.current, isa)
            for strategy in ConvStrategy.allCases { ConvTests.check(strategy) }
            KernelTwinTests.gram()
            KernelTwinTests.poolingReLUAndLosses()
        }
    }

    /// A convolution of each strategy (forward with ReLU, backward accumulated), the Gram matrix and its backward,
    /// MSE and total variation, on `workers`, with the kernels that run now.
    func outputs(workers: Int) -> [[Float]] {
        var rng = SeededRandom(seed: 11)
        let parallel = Parallel(workers: workers)
        let shape = Shape(channels: 40, height: 29, width: 37), out = Shape(channels: 48, height: 29, width: 37)
        let input = rng.floats(shape.count), weights = rng.floats(48 * 40 * 9), bias = rng.floats(48)
        let gradOut = rng.floats(out.count)
        var results: [[Float]] = []
        for strategy in ConvStrategy.allCases {
            let conv = Conv2D(weights: weights, bias: bias, inChannels: 40, outChannels: 48, strategy: strategy)
            let y = BlockedTensor(out), gx = BlockedTensor(shape, chw: input)
            conv.forward(BlockedTensor(shape, chw: input), into: y, relu: true, parallel: parallel)
            conv.backwardInput(BlockedTensor(out, chw: gradOut), into: gx, accumulate: true, parallel: parallel)
            results += [y.chw(), gx.chw()]
        }
        let x = BlockedTensor(shape, chw: input)
        var g = [Float](repeating: 0, count: 40 * 40)
        Gram.forward(x, normalization: 1000, into: &g, parallel: parallel)
        let gx = BlockedTensor(shape)
        Gram.backward(rng.floats(40 * 40), features: x, normalization: 1000, into: gx, accumulate: false, parallel: parallel)
        let other = BlockedTensor(shape, chw: rng.floats(shape.count))
        results += [g, gx.chw(), [Float(MeanSquaredError.forward(x, other)), Float(TotalVariation.forward(x))]]
        return results
    }

    func testCopiesWithFMAGiveTheSameBitsOnAnyNumberOfWorkers() throws {
        var fused: [[Float]]?
        for isa in InstructionSet.allCases where isa.isSupported {
            try InstructionSet.use(isa)
            let one = outputs(workers: 1)
            XCTAssertEqual(one, outputs(workers: 2), "\(isa): 1 and 2 workers")
            guard isa != .baseline else { continue }   // multiply-then-add on x86-64: other bits (twins above)
            if let fused { XCTAssertEqual(one, fused, "\(isa) against the other FMA copy") }
            fused = one
        }
    }
}
