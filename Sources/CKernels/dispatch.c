/* Chooses a kernel per type and implementation, and runs a matrix-vector product's row range. */
#include "qk_internal.h"


qk_dot_fn qk_dot_kernel(uint32_t type, uint32_t impl) {
    switch (impl) {
    case QK_IMPL_PORTABLE: return qk__ref_dot(type);
    case QK_IMPL_AVX2: return qk_has_avx2_set() ? qk__avx2_dot(type) : NULL;
    case QK_IMPL_BEST: {
        qk_dot_fn fast = qk_has_avx2_set() ? qk__avx2_dot(type) : NULL;
        return fast ? fast : qk__ref_dot(type);
    }
    default: return NULL;
    }
}

qk_dequant_fn qk_dequant_kernel(uint32_t type) { return qk_dequant_kernel_impl(type, QK_IMPL_BEST); }

qk_dequant_fn qk_dequant_kernel_impl(uint32_t type, uint32_t impl) {
    switch (impl) {
    case QK_IMPL_PORTABLE: return qk__ref_dequant(type);
    case QK_IMPL_AVX2: return qk_has_avx2_set() ? qk__avx2_dequant(type) : NULL;
    case QK_IMPL_BEST: {
        qk_dequant_fn fast = qk_has_avx2_set() ? qk__avx2_dequant(type) : NULL;
        return fast ? fast : qk__ref_dequant(type);
    }
    default: return NULL;
    }
}

void qk_matvec_rows(qk_dot_fn dot, const void *base, size_t row_bytes, const float *x, int64_t n,
                    float *out, int64_t row_begin, int64_t row_end) {
    const uint8_t *p = (const uint8_t *)base + (size_t)row_begin * row_bytes;
    for (int64_t r = row_begin; r < row_end; r++, p += row_bytes) out[r] = dot(p, x, n);
}

qk_qdot_fn qk_qdot_kernel(uint32_t type, uint32_t impl) {
    switch (impl) {
    case QK_IMPL_PORTABLE: return qk__ref_qdot(type);
    case QK_IMPL_AVX2: return qk_has_avx2_set() ? qk__avx2_qdot(type) : NULL;
    case QK_IMPL_BEST: {
        qk_qdot_fn fast = qk_has_avx2_set() ? qk__avx2_qdot(type) : NULL;
        return fast ? fast : qk__ref_qdot(type);
    }
    default: return NULL;
    }
}

void qk_matvec_rows_q(qk_qdot_fn dot, const void *base, size_t row_bytes, const void *xq, int64_t n,
                      float *out, int64_t row_begin, int64_t row_end) {
    const uint8_t *p = (const uint8_t *)base + (size_t)row_begin * row_bytes;
    for (int64_t r = row_begin; r < row_end; r++, p += row_bytes) out[r] = dot(p, xq, n);
}
