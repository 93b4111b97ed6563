/* Chooses a kernel per type and implementation, and runs a matrix-vector product's row range. */
#include "qk_internal.h"

/* AVX-512 and SDOT bring only int8 dots; for the other kernel families their levels are AVX2 and NEON. */
static qk_dot_fn qk__avx512_dot(uint32_t type) { return qk__avx2_dot(type); }
static qk_dequant_fn qk__avx512_dequant(uint32_t type) { return qk__avx2_dequant(type); }
static qk_qdot_fn avx512_or_avx2_qdot(uint32_t type) {
    qk_qdot_fn f = qk__avx512_qdot(type);
    return f ? f : qk__avx2_qdot(type);
}
static qk_dot_fn qk__neon_dotprod_dot(uint32_t type) { return qk__neon_dot(type); }
static qk_dequant_fn qk__neon_dotprod_dequant(uint32_t type) { return qk__neon_dequant(type); }
static qk_qdot_fn dotprod_or_neon_qdot(uint32_t type) {
    qk_qdot_fn f = qk__neon_dotprod_qdot(type);
    return f ? f : qk__neon_qdot(type);
}

/* One kernel family's per-implementation tables. An implementation the CPU lacks gives NULL; QK_IMPL_BEST
 * takes this CPU's best SIMD kernel when it has one for the type, else the portable one. */
#define CHOOSE(KIND, AVX512, DOTPROD, type, impl)                                           \
    do {                                                                                   \
        switch (impl) {                                                                    \
        case QK_IMPL_PORTABLE: return qk__ref_##KIND(type);                                \
        case QK_IMPL_AVX2: return qk_has_avx2_set() ? qk__avx2_##KIND(type) : NULL;        \
        case QK_IMPL_AVX512: return qk_has_avx512_set() ? AVX512(type) : NULL;             \
        case QK_IMPL_NEON: return qk_has_neon() ? qk__neon_##KIND(type) : NULL;            \
        case QK_IMPL_NEON_DOTPROD: return qk_has_neon_dotprod() ? DOTPROD(type) : NULL;    \
        case QK_IMPL_BEST: {                                                               \
            if (qk_has_avx512_set() && AVX512(type)) return AVX512(type);                  \
            if (qk_has_avx2_set() && qk__avx2_##KIND(type)) return qk__avx2_##KIND(type);  \
            if (qk_has_neon_dotprod() && DOTPROD(type)) return DOTPROD(type);              \
            if (qk_has_neon() && qk__neon_##KIND(type)) return qk__neon_##KIND(type);      \
            return qk__ref_##KIND(type);                                                   \
        }                                                                                  \
        default: return NULL;                                                              \
        }                                                                                  \
    } while (0)

qk_dot_fn qk_dot_kernel(uint32_t type, uint32_t impl) { CHOOSE(dot, qk__avx512_dot, qk__neon_dotprod_dot, type, impl); }

qk_dequant_fn qk_dequant_kernel(uint32_t type) { return qk_dequant_kernel_impl(type, QK_IMPL_BEST); }

qk_dequant_fn qk_dequant_kernel_impl(uint32_t type, uint32_t impl) { CHOOSE(dequant, qk__avx512_dequant, qk__neon_dotprod_dequant, type, impl); }

qk_qdot_fn qk_qdot_kernel(uint32_t type, uint32_t impl) { CHOOSE(qdot, avx512_or_avx2_qdot, dotprod_or_neon_qdot, type, impl); }

void qk_matvec_rows(qk_dot_fn dot, const void *base, size_t row_bytes, const float *x, int64_t n,
                    float *out, int64_t row_begin, int64_t row_end) {
    const uint8_t *p = (const uint8_t *)base + (size_t)row_begin * row_bytes;
    for (int64_t r = row_begin; r < row_end; r++, p += row_bytes) out[r] = dot(p, x, n);
}

void qk_matvec_rows_q(qk_qdot_fn dot, const void *base, size_t row_bytes, const void *xq, int64_t n,
                      float *out, int64_t row_begin, int64_t row_end) {
    const uint8_t *p = (const uint8_t *)base + (size_t)row_begin * row_bytes;
    for (int64_t r = row_begin; r < row_end; r++, p += row_bytes) out[r] = dot(p, xq, n);
}
