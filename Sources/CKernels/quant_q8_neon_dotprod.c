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
    return qdot_table_neon_dotprod(type);
}

#else
qk_qdot_fn qk__neon_dotprod_qdot(uint32_t type) { (void)type; return NULL; }
#endif
