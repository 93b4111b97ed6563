#include <stdlib.h>
#include <string.h>
#include "qk_internal.h"
#if defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

/* Detected once: kernels ask at every call (racing first calls store the same answer). */
static volatile int64_t detected = -1;

static uint32_t detect(void) {
    uint32_t f = 0;
    /* A CPU without the SIMD features, on demand: the fallback path is then testable on any machine. */
    const char *forced = getenv("QUORUM_KERNELS");
    if (forced && strcmp(forced, "portable") == 0) return 0;
#if defined(__x86_64__) || defined(__i386__)
    const int no_avx512 = forced && strcmp(forced, "avx2") == 0;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) f |= QK_CPU_AVX2;
    if (__builtin_cpu_supports("fma")) f |= QK_CPU_FMA;
    if (!no_avx512) {
        if (__builtin_cpu_supports("avx512f")) f |= QK_CPU_AVX512F;
        if (__builtin_cpu_supports("avx512bw")) f |= QK_CPU_AVX512BW;
        if (__builtin_cpu_supports("avx512vl")) f |= QK_CPU_AVX512VL;
        if (__builtin_cpu_supports("avx512vnni")) f |= QK_CPU_AVX512VNNI;
#ifdef QK_AVX512_EMULATED
        /* Test builds (Tests/kernels/run-avx512.sh) run the AVX-512 dots through SIMDe on any AVX2 CPU. */
        if (f & QK_CPU_AVX2) f |= QK_CPU_AVX512F | QK_CPU_AVX512BW | QK_CPU_AVX512VL | QK_CPU_AVX512VNNI;
#endif
    }
    /* F16C has no __builtin_cpu_supports name in older compilers; every AVX2 CPU we know has it. */
    if (f & QK_CPU_AVX2) f |= QK_CPU_F16C;
#elif defined(__aarch64__)
    f |= QK_CPU_NEON;
#if defined(__linux__) && defined(HWCAP_ASIMDDP)
    if (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) f |= QK_CPU_NEON_DOTPROD;
#endif
#endif
    return f;
}

uint32_t qk_cpu_features(void) {
    if (detected < 0) detected = detect();
    return (uint32_t)detected;
}

int qk_has_avx2_set(void) {
    const uint32_t need = QK_CPU_AVX2 | QK_CPU_FMA | QK_CPU_F16C;
    return (qk_cpu_features() & need) == need;
}

int qk_has_neon(void) { return (qk_cpu_features() & QK_CPU_NEON) != 0; }

int qk_has_neon_dotprod(void) {
    const uint32_t need = QK_CPU_NEON | QK_CPU_NEON_DOTPROD;
    return (qk_cpu_features() & need) == need;
}

int qk_has_avx512_set(void) {
    const uint32_t need = QK_CPU_AVX512F | QK_CPU_AVX512BW | QK_CPU_AVX512VL | QK_CPU_AVX512VNNI;
    return qk_has_avx2_set() && (qk_cpu_features() & need) == need;
}
