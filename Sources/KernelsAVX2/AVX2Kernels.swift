// The kernels for x86-64 with AVX2 and FMA (Intel Haswell, AMD Zen and later): compiled with -target-cpu haswell.
#if arch(x86_64)
import Kernels

public enum AVX2Target: KernelTarget {
    /// 4 pixels × 16 channels: 8 of the 16 ymm registers, plus 2 for weights and up to 4 broadcasts (a 6-pixel
    /// tile spilled accumulators and ran at half the speed).
    public typealias Tile = Pixels4
    /// 6 × 2 ymm chains: FMA latency 4–5 cycles on two pipes.
    public typealias Chains = Pixels6
    public static var fused: Bool { true }
}

public enum AVX2Kernels: KernelSet { public typealias Target = AVX2Target }
#endif
