#ifndef QUORUM_CKERNELS_H
#define QUORUM_CKERNELS_H
/* Quorum's own C kernels: fixed-layout GGUF quant blocks, dequantization and SIMD dot products.
 * Filled by the engine work; this header is the single public face of the module. */
#include <stddef.h>
#include <stdint.h>

/* Returns a bit set of the CPU features the kernels can use (see QK_CPU_* below). */
#define QK_CPU_AVX2    (1u << 0)
#define QK_CPU_FMA     (1u << 1)
#define QK_CPU_F16C    (1u << 2)
#define QK_CPU_AVX512F (1u << 3)
#define QK_CPU_AVX512VNNI (1u << 4)
#define QK_CPU_NEON    (1u << 5)
uint32_t qk_cpu_features(void);

#endif
