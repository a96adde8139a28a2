// cpu_features: what this CPU can run, from CPUID and XGETBV (x86-64 only; elsewhere every answer is 0). The
// engine picks its kernels from these at start (Engine's InstructionSet).
#pragma once

/// 1 when the CPU and the OS support everything `-target-cpu haswell` code may use: AVX, AVX2, FMA, F16C, BMI1,
/// BMI2, LZCNT, MOVBE, POPCNT, with the AVX state enabled by the OS.
int stylelapse_cpu_has_avx2(void);

/// 1 when the CPU and the OS support `-target-cpu skylake-avx512` code: the above plus AVX-512 F, CD, BW, DQ and
/// VL, with the opmask and upper-ZMM state enabled by the OS.
int stylelapse_cpu_has_avx512(void);
