/* AVX-512 VNNI int8 dot products: the kernels of qdot_x86.h with VPDPBUSD and VPDPWSSD (EVEX, 256-bit, so
 * AVX512VL), which fuse the multiply, the pairwise sums and the accumulation that AVX2 spells as two or three
 * instructions. Chosen where the CPU has AVX512F, AVX512BW, AVX512VL and AVX512_VNNI (Ice Lake, Zen 4 and
 * later); the other kernels of that implementation level are the AVX2 ones.
 *
 * Built with QK_AVX512_EMULATED (Tests/avx512/run.sh), the same source compiles against SIMDe's portable
 * versions of those instructions, so it is tested on CPUs without AVX-512 too. */
#include "qk_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#ifdef QK_AVX512_EMULATED
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
#define QK_TARGET
#else
#include <immintrin.h>
#define QK_TARGET __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni")))
#endif
#define QK_VNNI 1
#define QK_NAME(kernel) kernel##_avx512
#define QK_DPBUSD(acc, u, s) _mm256_dpbusd_epi32((acc), (u), (s))
#define QK_DPWSSD(acc, a, b) _mm256_dpwssd_epi32((acc), (a), (b))
#include "qdot_x86.h"

qk_qdot_fn qk__avx512_qdot(uint32_t type) {
    qk__half_table_init();
    return qdot_table_avx512(type);
}

#else
qk_qdot_fn qk__avx512_qdot(uint32_t type) { (void)type; return NULL; }
#endif
