// cpu_check: the release build runs AVX2 + FMA code (Package.swift's -target-cpu haswell). This target is compiled
// for the baseline x86-64 and its constructor runs before any Swift code: on a CPU without AVX2 or FMA it prints one
// line naming what is missing and exits with status 1, instead of dying later with "Illegal instruction". It can go
// when the engine picks its kernels at run time.
#pragma once

/// 1 when this CPU runs the build's code (always 1 off x86_64). Linking the target is what installs the check.
int stylelapse_cpu_supported(void);
