/* NEON int8 dot products with SDOT (ARMv8.2 dot product: 16 byte products summed into 4 int32 lanes in one
 * instruction, where base NEON takes two widening multiplies and two pairwise adds): the kernels of
 * qdot_neon.h, chosen where the CPU reports it (Graviton 2 and later, Ampere, Apple, Cortex-A76 and later). */
#include "qk_internal.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#define QK_TARGET __attribute__((target("arch=armv8.2-a+dotprod")))
#define QK_NAME(kernel) kernel##_neon_dotprod
#define QK_DOT16(acc, a, b) vdotq_s32((acc), (a), (b))
#include "qdot_neon.h"

qk_qdot_fn qk__neon_dotprod_qdot(uint32_t type) {
    switch (type) {
    case 2: return qdot_q4_0_neon_dotprod;
    case 6: return qdot_q5_0_neon_dotprod;
    case 8: return qdot_q8_0_neon_dotprod;
    case 12: return qdot_q4_K_neon_dotprod;
    case 13: return qdot_q5_K_neon_dotprod;
    case 14: return qdot_q6_K_neon_dotprod;
    default: return NULL;
    }
}

#else
qk_qdot_fn qk__neon_dotprod_qdot(uint32_t type) { (void)type; return NULL; }
#endif
