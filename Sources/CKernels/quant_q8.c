/* The int8 activation path, portable reference: activation quantizers and integer dot products.
 * Per block the products are summed exactly in int32, then scaled once in float; the AVX2 versions
 * (quant_q8_avx2.c) compute the same integer sums, so they differ from these only in float rounding. */
#include <math.h>
#include "qk_internal.h"

/* round(v) as int8 in [-127, 127]. |x / d| <= 127 up to rounding of 1/d, so the clamp only catches a
 * rounding overshoot, and non-finite activations (a diverged model) become 0 instead of an undefined
 * float-to-int conversion. */
static inline int8_t q8_round(float v) {
    const float r = roundf(v);
    if (!(r == r)) return 0;
    return (int8_t)(r > 127.0f ? 127.0f : r < -127.0f ? -127.0f : r);
}

static void quantize_q8_0_ref(const float *x, void *vy, int64_t n) {
    qk_block_q8_0 *y = vy;
    for (int64_t i = 0; i < n / 32; i++, x += 32) {
        float amax = 0.0f;
        for (int j = 0; j < 32; j++) amax = fmaxf(amax, fabsf(x[j]));
        const float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
        y[i].d = qk_float_to_half(d);
        for (int j = 0; j < 32; j++) y[i].qs[j] = q8_round(x[j] * id);
    }
}

static void quantize_q8_K_ref(const float *x, void *vy, int64_t n) {
    qk_block_q8_K *y = vy;
    for (int64_t i = 0; i < n / 256; i++, x += 256) {
        float amax = 0.0f;
        for (int j = 0; j < 256; j++) amax = fmaxf(amax, fabsf(x[j]));
        const float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
        y[i].d = d;
        for (int j = 0; j < 256; j++) y[i].qs[j] = q8_round(x[j] * id);
        for (int g = 0; g < 16; g++) {
            int sum = 0;
            for (int j = 0; j < 16; j++) sum += y[i].qs[16 * g + j];
            y[i].bsums[g] = (int16_t)sum;
        }
    }
}

/* The AVX2 and NEON quantizers give the same bytes (tested); decoding quantizes every activation vector, so the
 * scalar roundf loop was several percent of a token. */

void qk_quantize_row_q8_0_impl(const float *x, void *y, int64_t n, uint32_t impl) {
    if (impl != QK_IMPL_PORTABLE && qk_has_avx2_set()) qk__avx2_quantize_q8_0(x, y, n);
    else if (impl != QK_IMPL_PORTABLE && qk_has_neon()) qk__neon_quantize_q8_0(x, y, n);
    else quantize_q8_0_ref(x, y, n);
}

void qk_quantize_row_q8_K_impl(const float *x, void *y, int64_t n, uint32_t impl) {
    if (impl != QK_IMPL_PORTABLE && qk_has_avx2_set()) qk__avx2_quantize_q8_K(x, y, n);
    else if (impl != QK_IMPL_PORTABLE && qk_has_neon()) qk__neon_quantize_q8_K(x, y, n);
    else quantize_q8_K_ref(x, y, n);
}

void qk_quantize_row_q8_0(const float *x, void *y, int64_t n) { qk_quantize_row_q8_0_impl(x, y, n, QK_IMPL_BEST); }
void qk_quantize_row_q8_K(const float *x, void *y, int64_t n) { qk_quantize_row_q8_K_impl(x, y, n, QK_IMPL_BEST); }

uint32_t qk_qdot_activation_type(uint32_t type) {
    switch (type) {
    case 2: case 6: case 8: return 8;
    case 12: case 13: case 14: return 15;
    default: return 0;
    }
}

static float qdot_q8_0_ref(const void *row, const void *xq, int64_t n) {
    const qk_block_q8_0 *w = row, *x = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / 32; i++) {
        int isum = 0;
        for (int j = 0; j < 32; j++) isum += w[i].qs[j] * x[i].qs[j];
        sum += qk_half_to_float(w[i].d) * qk_half_to_float(x[i].d) * (float)isum;
    }
    return sum;
}

static float qdot_q4_0_ref(const void *row, const void *xq, int64_t n) {
    const qk_block_q4_0 *w = row;
    const qk_block_q8_0 *x = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / 32; i++) {
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            isum += ((w[i].qs[j] & 0xF) - 8) * x[i].qs[j];
            isum += ((w[i].qs[j] >> 4) - 8) * x[i].qs[j + 16];
        }
        sum += qk_half_to_float(w[i].d) * qk_half_to_float(x[i].d) * (float)isum;
    }
    return sum;
}

static float qdot_q5_0_ref(const void *row, const void *xq, int64_t n) {
    const qk_block_q5_0 *w = row;
    const qk_block_q8_0 *x = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / 32; i++) {
        const uint32_t qh = qk_load_u32le(w[i].qh);
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            isum += (((w[i].qs[j] & 0xF) | (int)(((qh >> j) & 1u) << 4)) - 16) * x[i].qs[j];
            isum += (((w[i].qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1u) << 4)) - 16) * x[i].qs[j + 16];
        }
        sum += qk_half_to_float(w[i].d) * qk_half_to_float(x[i].d) * (float)isum;
    }
    return sum;
}

/* Q4_K and Q5_K against Q8_K: d·dx·Σ_j sc_j·Σ q·qx − dmin·dx·Σ_j m_j·Σ qx, the last sums from bsums. */
static float qdot_k45_ref(const qk_block_q4_K *w4, const qk_block_q5_K *w5, const void *xq, int64_t n) {
    const qk_block_q8_K *x = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / 256; i++) {
        const uint8_t *scales = w4 ? w4[i].scales : w5[i].scales;
        const uint8_t *qs = w4 ? w4[i].qs : w5[i].qs;
        const uint8_t *qh = w4 ? NULL : w5[i].qh;
        const float d = qk_half_to_float(w4 ? w4[i].d : w5[i].d), dmin = qk_half_to_float(w4 ? w4[i].dmin : w5[i].dmin);
        int isum = 0, msum = 0;
        for (int sb = 0; sb < 8; sb++) {
            uint8_t sc, m;
            qk_k4_scale_min(sb, scales, &sc, &m);
            const uint8_t *q = qs + 32 * (sb / 2);
            const int8_t *a = x[i].qs + 32 * sb;
            int s = 0;
            for (int l = 0; l < 32; l++) {
                int v = (sb & 1) ? (q[l] >> 4) : (q[l] & 0xF);
                if (qh) v |= ((qh[l] >> sb) & 1) << 4;
                s += v * a[l];
            }
            isum += sc * s;
            msum += m * (x[i].bsums[2 * sb] + x[i].bsums[2 * sb + 1]);
        }
        sum += x[i].d * (d * (float)isum - dmin * (float)msum);
    }
    return sum;
}

static float qdot_q4_K_ref(const void *row, const void *xq, int64_t n) { return qdot_k45_ref(row, NULL, xq, n); }
static float qdot_q5_K_ref(const void *row, const void *xq, int64_t n) { return qdot_k45_ref(NULL, row, xq, n); }

/* Q6_K against Q8_K: d·dx·Σ_g sc_g·Σ (q − 32)·qx over 16-value groups g. */
static float qdot_q6_K_ref(const void *row, const void *xq, int64_t n) {
    const qk_block_q6_K *w = row;
    const qk_block_q8_K *x = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / 256; i++) {
        int q[256];
        const uint8_t *ql = w[i].ql, *qh = w[i].qh;
        for (int half = 0; half < 2; half++, ql += 64, qh += 32) {
            int *o = q + 128 * half;
            for (int l = 0; l < 32; l++) {
                o[l] = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                o[l + 32] = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                o[l + 64] = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                o[l + 96] = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            }
        }
        int isum = 0;
        for (int g = 0; g < 16; g++) {
            int s = 0;
            for (int l = 0; l < 16; l++) s += q[16 * g + l] * x[i].qs[16 * g + l];
            isum += w[i].scales[g] * s;
        }
        sum += qk_half_to_float(w[i].d) * x[i].d * (float)isum;
    }
    return sum;
}

qk_qdot_fn qk__ref_qdot(uint32_t type) {
    switch (type) {
    case 2: return qdot_q4_0_ref;
    case 6: return qdot_q5_0_ref;
    case 8: return qdot_q8_0_ref;
    case 12: return qdot_q4_K_ref;
    case 13: return qdot_q5_K_ref;
    case 14: return qdot_q6_K_ref;
    default: return NULL;
    }
}
