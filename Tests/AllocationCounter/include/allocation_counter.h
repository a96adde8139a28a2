// allocation_counter: counts heap allocations in this process, for tests that show a loop allocates nothing.
// Linking this target into a test binary interposes malloc, calloc, realloc, posix_memalign, aligned_alloc and
// memalign (glibc's own are reached through their __libc_ names); every call adds one to a counter. Test-only:
// the product never links it.
#pragma once
#include <stdint.h>

/// Allocations (malloc, calloc, realloc, memalign families) since the process started, all threads.
uint64_t stylelapse_allocations(void);
