// The CPU check (see include/cpu_check.h), run as a constructor before main.
#include "cpu_check.h"
#include <stdio.h>
#include <unistd.h>

int stylelapse_cpu_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 1;
#endif
}

__attribute__((constructor)) static void stylelapse_check_cpu(void) {
#if defined(__x86_64__)
    if (stylelapse_cpu_supported()) return;
    const char *missing = !__builtin_cpu_supports("avx2")
        ? (!__builtin_cpu_supports("fma") ? "AVX2 and FMA" : "AVX2") : "FMA";
    fprintf(stderr, "stylelapse: this CPU has no %s, which this build of StyleLapse needs (an x86-64 from 2013 on: "
                    "Intel Haswell, AMD Zen or later)\n", missing);
    _exit(1);
#endif
}
