// The kernels for any CPU of the architecture: x86-64's baseline (SSE2, no FMA: multiply, then add) or, on ARM64,
// NEON (which always has fused multiply-add). This module is compiled with no CPU flags.
import Kernels

public enum BaselineTarget: KernelTarget {
    /// 2 pixels × 16 channels: 8 of SSE2's 16 registers (16 of NEON's 32).
    public typealias Tile = Pixels2
    public typealias Chains = Pixels3
    #if arch(x86_64)
    public static var fused: Bool { false }
    #else
    public static var fused: Bool { true }
    #endif
}

public enum BaselineKernels: KernelSet { public typealias Target = BaselineTarget }
