#ifndef QUORUM_CKERNELS_H
#define QUORUM_CKERNELS_H
/* Quorum's own C kernels: fixed-layout GGUF quant blocks, dequantization and SIMD dot products.
 * This header is the single public face of the module; Swift reaches it through the Kernels module.
 * Type ids are the GGML ids GGUF files store (0 = F32, 1 = F16, 8 = Q8_0, 12 = Q4_K, ...). */
#include <stddef.h>
#include <stdint.h>
#include "qk_blocks.h"
#include "qk_sync.h"

/* Returns a bit set of the CPU features the kernels can use (see QK_CPU_* below). */
#define QK_CPU_AVX2    (1u << 0)
#define QK_CPU_FMA     (1u << 1)
#define QK_CPU_F16C    (1u << 2)
#define QK_CPU_AVX512F (1u << 3)
#define QK_CPU_AVX512VNNI (1u << 4)
#define QK_CPU_NEON    (1u << 5)
#define QK_CPU_AVX512BW (1u << 6)
#define QK_CPU_AVX512VL (1u << 7)
#define QK_CPU_NEON_DOTPROD (1u << 8)
uint32_t qk_cpu_features(void);

/* Dot product of one quantized row of n values (n a multiple of the type's block size) with n f32 values.
 * Rows must be at least 2-byte aligned (4 for Q8_K), as they are inside a GGUF data section. */
typedef float (*qk_dot_fn)(const void *row, const float *x, int64_t n);
/* Dequantizes one row of n values into y. */
typedef void (*qk_dequant_fn)(const void *row, float *y, int64_t n);

/* Which implementation to ask for; QK_IMPL_BEST picks the fastest the running CPU supports: AVX-512 VNNI
 * int8 dots where the CPU has AVX512F/BW/VL/VNNI (QK_IMPL_AVX512: those dots, and the AVX2 kernels for
 * everything else), AVX2 (with FMA and F16C) on other x86-64, NEON on arm64 (QK_IMPL_NEON_DOTPROD: SDOT int8
 * dots and NEON for the rest, where the CPU has the ARMv8.2 dot product), else the portable C. Setting
 * QUORUM_KERNELS=portable in the environment makes qk_cpu_features report nothing, so every choice falls back
 * to the portable kernels (how a CPU without the features behaves; tests use it); QUORUM_KERNELS=avx2 hides
 * AVX-512 only. */
#define QK_IMPL_PORTABLE 0
#define QK_IMPL_AVX2 1
#define QK_IMPL_NEON 2
#define QK_IMPL_AVX512 3
#define QK_IMPL_NEON_DOTPROD 4
#define QK_IMPL_BEST 255

/* The dot kernel for a type id and implementation, or NULL when there is none (unknown type, or no SIMD
 * version of it, or the CPU lacks the features the implementation needs). */
qk_dot_fn qk_dot_kernel(uint32_t type, uint32_t impl);
/* The fastest dequantization kernel for a type id on this CPU, or NULL for an unsupported type.
 * Every implementation gives bit-identical results. */
qk_dequant_fn qk_dequant_kernel(uint32_t type);
/* The dequantization kernel of one implementation (QK_IMPL_*), or NULL when there is none. */
qk_dequant_fn qk_dequant_kernel_impl(uint32_t type, uint32_t impl);

/* out[r] = dot(row r, x) for r in [row_begin, row_end); rows are row_bytes apart from base.
 * The matrix-vector product's inner loop, kept in C so one thread's share is a single call. */
void qk_matvec_rows(qk_dot_fn dot, const void *base, size_t row_bytes, const float *x, int64_t n,
                    float *out, int64_t row_begin, int64_t row_end);

/* The int8 activation path (what llama.cpp's CPU backend does): activations are quantized once per
 * matrix-vector product, to Q8_0 blocks for the 32-value weight types and to Q8_K super-blocks for the
 * K-quants, and each dot then runs on integers with one float multiply per block. Faster than the f32 path,
 * at the cost of the activation rounding (about 0.4% of a block's largest value). */

/* Quantizes n f32 values (a multiple of 32) to Q8_0 blocks: d = max|x| / 127 stored as f16, q = round(x / d). */
void qk_quantize_row_q8_0(const float *x, void *y, int64_t n);
/* Quantizes n f32 values (a multiple of 256) to Q8_K super-blocks: d = max|x| / 127 as f32, plus bsums. */
void qk_quantize_row_q8_K(const float *x, void *y, int64_t n);

/* The same with a chosen implementation (QK_IMPL_PORTABLE, or any other for the fastest); all give identical bytes. */
void qk_quantize_row_q8_0_impl(const float *x, void *y, int64_t n, uint32_t impl);
void qk_quantize_row_q8_K_impl(const float *x, void *y, int64_t n, uint32_t impl);

/* The activation type id a weight type's int8 dot takes: 8 (Q8_0) or 15 (Q8_K); 0 when it has none. */
uint32_t qk_qdot_activation_type(uint32_t type);

/* Dot product of one quantized row with n activations already quantized to its activation type. */
typedef float (*qk_qdot_fn)(const void *row, const void *xq, int64_t n);
/* The int8 dot kernel for a weight type id and implementation (QK_IMPL_*), or NULL. */
qk_qdot_fn qk_qdot_kernel(uint32_t type, uint32_t impl);

/* out[r] = qdot(row r, xq) for r in [row_begin, row_end). */
void qk_matvec_rows_q(qk_qdot_fn dot, const void *base, size_t row_bytes, const void *xq, int64_t n,
                      float *out, int64_t row_begin, int64_t row_end);

/* Single-query attention over cache rows that are f32 (half = 0) or f16 bit patterns (half = 1), `stride`
 * values apart. impl: QK_IMPL_PORTABLE, or any other for the fastest (AVX2+F16C when present and dim % 16 == 0,
 * NEON on arm64 when dim % 8 == 0).
 * scores[h * n + j] = scale * Σ_d q[h * dim + d] * key_j[d] for h < group, j < n. */
void qk_attn_scores(const float *q, int64_t group, int64_t dim, const void *keys, int32_t half, int64_t stride,
                    int64_t n, float scale, float *scores, uint32_t impl);
/* out[h * dim + d] = (accumulate ? out[h * dim + d] : 0) + Σ_j p[h * n + j] * value_j[d]. */
void qk_attn_values(const float *p, int64_t group, int64_t n, const void *values, int32_t half, int64_t stride,
                    int64_t dim, float *out, int32_t accumulate, uint32_t impl);

#endif
