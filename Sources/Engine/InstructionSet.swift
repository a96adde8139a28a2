// InstructionSet: which copy of the kernels runs — chosen once at start from what the CPU has (CPUID), or forced
// (benchmarks, tests, `--isa`). The kernels are written once (module Kernels) and compiled per instruction set
// (KernelsBaseline, KernelsAVX2, KernelsAVX512); everything else is built for the architecture's baseline.

import CPUFeatures
import Kernels
import KernelsBaseline
import Synchronization
#if arch(x86_64)
import KernelsAVX2
import KernelsAVX512
#endif

public enum InstructionSet: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Any CPU of the architecture: SSE2 on x86-64 (multiply, then add), NEON on ARM64.
    case baseline
    /// x86-64 with AVX2 and FMA: 4 pixels × 16 channels a tile.
    case avx2
    /// x86-64 with AVX-512 (F, CD, BW, DQ, VL): 12 pixels × 16 channels a tile.
    case avx512

    public var description: String { rawValue }

    /// Whether this CPU (and its OS) runs the instruction set's kernels.
    public var isSupported: Bool {
        switch self {
        case .baseline: true
        case .avx2: stylelapse_cpu_has_avx2() != 0
        case .avx512: stylelapse_cpu_has_avx512() != 0
        }
    }

    /// The best this CPU runs: what the engine uses unless told otherwise.
    public static let best: InstructionSet = [.avx512, .avx2].first { $0.isSupported } ?? .baseline

    /// The instruction set the engine's kernels run now.
    public static var current: InstructionSet { active.withLock { $0 } }

    /// Runs the kernels of `isa` from now on (they give the same results as any other with FMA; the baseline
    /// without FMA rounds each product). Throws, changing nothing, when the CPU lacks it.
    public static func use(_ isa: InstructionSet) throws(Unsupported) {
        guard isa.isSupported else { throw Unsupported(isa: isa) }
        active.withLock { $0 = isa }
    }

    /// An instruction set this CPU does not run.
    public struct Unsupported: Error, CustomStringConvertible {
        public let isa: InstructionSet
        public init(isa: InstructionSet) { self.isa = isa }
        public var description: String {
            "this CPU does not run the \(isa) kernels (it runs: \(InstructionSet.allCases.filter(\.isSupported).map(\.rawValue).joined(separator: ", ")))"
        }
    }

    private static let active = Mutex(best)

    /// The kernels that run now (read once per kernel call by the engine's loops).
    static var kernels: any KernelSet.Type { current.kernels }

    /// The FMA peak's loop in the kernels that run now: `iterations` steps of independent 16-wide multiply-add
    /// chains (as many as cover the latency on every pipe); `peakFlops(iterations:)` FLOPs.
    public static func multiplyAddChains(iterations: Int, seed: Float) -> Float {
        kernels.multiplyAddChains(iterations: iterations, seed: seed)
    }

    public static func peakFlops(iterations: Int) -> Double { kernels.peakFlops(iterations: iterations) }

    var kernels: any KernelSet.Type {
        switch self {
        case .baseline: return BaselineKernels.self
        #if arch(x86_64)
        case .avx2: return AVX2Kernels.self
        case .avx512: return AVX512Kernels.self
        #else
        case .avx2, .avx512: return BaselineKernels.self   // never supported off x86-64
        #endif
        }
    }
}
