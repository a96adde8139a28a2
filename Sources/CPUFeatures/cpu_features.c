// cpu_features (see include/cpu_features.h). Compiled for the baseline of the architecture.
#include "cpu_features.h"

#if defined(__x86_64__)
#include <cpuid.h>

static unsigned long long xgetbv0(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

static int bits(unsigned int value, unsigned int mask) { return (value & mask) == mask; }

int stylelapse_cpu_has_avx2(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    // FMA (12), MOVBE (22), POPCNT (23), OSXSAVE (27), AVX (28), F16C (29).
    if (!bits(c, 1u << 12 | 1u << 22 | 1u << 23 | 1u << 27 | 1u << 28 | 1u << 29)) return 0;
    if ((xgetbv0() & 0x6) != 0x6) return 0;   // XMM and YMM state
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    if (!bits(b, 1u << 3 | 1u << 5 | 1u << 8)) return 0;   // BMI1, AVX2, BMI2
    if (!__get_cpuid(0x80000001, &a, &b, &c, &d)) return 0;
    return bits(c, 1u << 5);   // LZCNT
}

int stylelapse_cpu_has_avx512(void) {
    unsigned int a, b, c, d;
    if (!stylelapse_cpu_has_avx2()) return 0;
    if ((xgetbv0() & 0xE6) != 0xE6) return 0;   // plus opmask, ZMM0–15 upper halves, ZMM16–31
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    // AVX512F (16), DQ (17), CD (28), BW (30), VL (31).
    return bits(b, 1u << 16 | 1u << 17 | 1u << 28 | 1u << 30 | 1u << 31);
}
#else
int stylelapse_cpu_has_avx2(void) { return 0; }
int stylelapse_cpu_has_avx512(void) { return 0; }
#endif
