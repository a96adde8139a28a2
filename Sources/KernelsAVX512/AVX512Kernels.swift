// The kernels for x86-64 with AVX-512 (F, CD, BW, DQ, VL: Intel Skylake-SP and later, AMD Zen 4 and later):
// compiled with -target-cpu skylake-avx512. 32 zmm registers, each 16 channels.
#if arch(x86_64)
import Kernels

public enum AVX512Target: KernelTarget {
    /// 12 pixels × 16 channels: 12 zmm accumulators, one for the weights; each pixel's input is a broadcast operand
    /// of its FMA.
    public typealias Tile = Pixels12
    public typealias Chains = Pixels12
    public static var fused: Bool { true }
}

public enum AVX512Kernels: KernelSet { public typealias Target = AVX512Target }
#endif
