/* Portable reference kernels: dequantization and f32-activation dot products for every supported type.
 * They define the numbers: the SIMD kernels are tested against these, and these against gguf-py.
 * Each dequantizer evaluates the same float expression, in the same order, as gguf-py's numpy code
 * (e.g. (d * sc) * q - dmin * m), so results match it bit for bit; contraction into FMA is off for that reason. */
#pragma STDC FP_CONTRACT OFF
#include "qk_internal.h"

static void deq_f32(const void *row, float *y, int64_t n) { memcpy(y, row, (size_t)n * sizeof(float)); }

static void deq_f16(const void *row, float *y, int64_t n) {
    const qk_half *h = row;
    for (int64_t i = 0; i < n; i++) y[i] = qk_half_to_float(h[i]);
}

static void deq_bf16(const void *row, float *y, int64_t n) {
    const uint16_t *h = row;
    for (int64_t i = 0; i < n; i++) y[i] = qk_bf16_to_float(h[i]);
}

static void deq_q4_0(const void *row, float *y, int64_t n) {
    const qk_block_q4_0 *b = row;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float d = qk_half_to_float(b[i].d);
        for (int j = 0; j < 16; j++) {
            y[j] = d * (float)((b[i].qs[j] & 0xF) - 8);
            y[j + 16] = d * (float)((b[i].qs[j] >> 4) - 8);
        }
    }
}

static void deq_q4_1(const void *row, float *y, int64_t n) {
    const qk_block_q4_1 *b = row;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float d = qk_half_to_float(b[i].d), m = qk_half_to_float(b[i].m);
        for (int j = 0; j < 16; j++) {
            y[j] = d * (float)(b[i].qs[j] & 0xF) + m;
            y[j + 16] = d * (float)(b[i].qs[j] >> 4) + m;
        }
    }
}

static void deq_q5_0(const void *row, float *y, int64_t n) {
    const qk_block_q5_0 *b = row;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float d = qk_half_to_float(b[i].d);
        const uint32_t qh = qk_load_u32le(b[i].qh);
        for (int j = 0; j < 16; j++) {
            const int lo = (b[i].qs[j] & 0xF) | (int)(((qh >> j) & 1u) << 4);
            const int hi = (b[i].qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1u) << 4);
            y[j] = d * (float)(lo - 16);
            y[j + 16] = d * (float)(hi - 16);
        }
    }
}

static void deq_q5_1(const void *row, float *y, int64_t n) {
    const qk_block_q5_1 *b = row;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float d = qk_half_to_float(b[i].d), m = qk_half_to_float(b[i].m);
        const uint32_t qh = qk_load_u32le(b[i].qh);
        for (int j = 0; j < 16; j++) {
            const int lo = (b[i].qs[j] & 0xF) | (int)(((qh >> j) & 1u) << 4);
            const int hi = (b[i].qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1u) << 4);
            y[j] = d * (float)lo + m;
            y[j + 16] = d * (float)hi + m;
        }
    }
}

static void deq_q8_0(const void *row, float *y, int64_t n) {
    const qk_block_q8_0 *b = row;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float d = qk_half_to_float(b[i].d);
        for (int j = 0; j < 32; j++) y[j] = d * (float)b[i].qs[j];
    }
}

static void deq_q4_K(const void *row, float *y, int64_t n) {
    const qk_block_q4_K *b = row;
    for (int64_t i = 0; i < n / 256; i++) {
        const float d = qk_half_to_float(b[i].d), dmin = qk_half_to_float(b[i].dmin);
        const uint8_t *q = b[i].qs;
        for (int c = 0; c < 4; c++, q += 32) {
            uint8_t sc, m;
            qk_k4_scale_min(2 * c, b[i].scales, &sc, &m);
            const float d1 = d * (float)sc, m1 = dmin * (float)m;
            qk_k4_scale_min(2 * c + 1, b[i].scales, &sc, &m);
            const float d2 = d * (float)sc, m2 = dmin * (float)m;
            for (int l = 0; l < 32; l++) *y++ = d1 * (float)(q[l] & 0xF) - m1;
            for (int l = 0; l < 32; l++) *y++ = d2 * (float)(q[l] >> 4) - m2;
        }
    }
}

static void deq_q5_K(const void *row, float *y, int64_t n) {
    const qk_block_q5_K *b = row;
    for (int64_t i = 0; i < n / 256; i++) {
        const float d = qk_half_to_float(b[i].d), dmin = qk_half_to_float(b[i].dmin);
        const uint8_t *q = b[i].qs, *qh = b[i].qh;
        for (int c = 0; c < 4; c++, q += 32) {
            uint8_t sc, m;
            qk_k4_scale_min(2 * c, b[i].scales, &sc, &m);
            const float d1 = d * (float)sc, m1 = dmin * (float)m;
            qk_k4_scale_min(2 * c + 1, b[i].scales, &sc, &m);
            const float d2 = d * (float)sc, m2 = dmin * (float)m;
            for (int l = 0; l < 32; l++) *y++ = d1 * (float)((q[l] & 0xF) | (((qh[l] >> (2 * c)) & 1) << 4)) - m1;
            for (int l = 0; l < 32; l++) *y++ = d2 * (float)((q[l] >> 4) | (((qh[l] >> (2 * c + 1)) & 1) << 4)) - m2;
        }
    }
}

static void deq_q6_K(const void *row, float *y, int64_t n) {
    const qk_block_q6_K *b = row;
    for (int64_t i = 0; i < n / 256; i++) {
        const float d = qk_half_to_float(b[i].d);
        const uint8_t *ql = b[i].ql, *qh = b[i].qh;
        const int8_t *sc = b[i].scales;
        for (int half = 0; half < 2; half++, y += 128, ql += 64, qh += 32, sc += 8) {
            for (int l = 0; l < 32; l++) {
                const int is = l / 16;
                const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = (d * (float)sc[is + 0]) * (float)q1;
                y[l + 32] = (d * (float)sc[is + 2]) * (float)q2;
                y[l + 64] = (d * (float)sc[is + 4]) * (float)q3;
                y[l + 96] = (d * (float)sc[is + 6]) * (float)q4;
            }
        }
    }
}

static void deq_q8_K(const void *row, float *y, int64_t n) {
    const qk_block_q8_K *b = row;
    for (int64_t i = 0; i < n / 256; i++, y += 256)
        for (int j = 0; j < 256; j++) y[j] = b[i].d * (float)b[i].qs[j];
}

qk_dequant_fn qk__ref_dequant(uint32_t type) {
    switch (type) {
    case 0: return deq_f32;
    case 1: return deq_f16;
    case 2: return deq_q4_0;
    case 3: return deq_q4_1;
    case 6: return deq_q5_0;
    case 7: return deq_q5_1;
    case 8: return deq_q8_0;
    case 12: return deq_q4_K;
    case 13: return deq_q5_K;
    case 14: return deq_q6_K;
    case 15: return deq_q8_K;
    case 30: return deq_bf16;
    default: return NULL;
    }
}

static float dot_f32_ref(const void *row, const float *x, int64_t n) {
    const float *w = row;
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++) sum += w[i] * x[i];
    return sum;
}

static float dot_f16_ref(const void *row, const float *x, int64_t n) {
    const qk_half *w = row;
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++) sum += qk_half_to_float(w[i]) * x[i];
    return sum;
}

static float dot_bf16_ref(const void *row, const float *x, int64_t n) {
    const uint16_t *w = row;
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++) sum += qk_bf16_to_float(w[i]) * x[i];
    return sum;
}

/* The portable dot dequantizes one block at a time into a stack buffer and multiplies in f32:
 * the slow but obviously-right reference the SIMD kernels are checked against. Each block continues the
 * row's running sum in order, exactly as one loop over the whole row would. */
static inline float accumulate_ref(float sum, const float *a, const float *b, int n) {
    for (int j = 0; j < n; j++) sum += a[j] * b[j];
    return sum;
}
#define DEFINE_BLOCK_DOT(NAME, DEQ, BLOCK, BYTES) QK_DEFINE_BLOCK_DOT(NAME, DEQ, BLOCK, BYTES, accumulate_ref)

DEFINE_BLOCK_DOT(dot_q4_0_ref, deq_q4_0, 32, sizeof(qk_block_q4_0))
DEFINE_BLOCK_DOT(dot_q4_1_ref, deq_q4_1, 32, sizeof(qk_block_q4_1))
DEFINE_BLOCK_DOT(dot_q5_0_ref, deq_q5_0, 32, sizeof(qk_block_q5_0))
DEFINE_BLOCK_DOT(dot_q5_1_ref, deq_q5_1, 32, sizeof(qk_block_q5_1))
DEFINE_BLOCK_DOT(dot_q8_0_ref, deq_q8_0, 32, sizeof(qk_block_q8_0))
DEFINE_BLOCK_DOT(dot_q4_K_ref, deq_q4_K, 256, sizeof(qk_block_q4_K))
DEFINE_BLOCK_DOT(dot_q5_K_ref, deq_q5_K, 256, sizeof(qk_block_q5_K))
DEFINE_BLOCK_DOT(dot_q6_K_ref, deq_q6_K, 256, sizeof(qk_block_q6_K))
DEFINE_BLOCK_DOT(dot_q8_K_ref, deq_q8_K, 256, sizeof(qk_block_q8_K))

qk_dot_fn qk__ref_dot(uint32_t type) {
    switch (type) {
    case 0: return dot_f32_ref;
    case 1: return dot_f16_ref;
    case 2: return dot_q4_0_ref;
    case 3: return dot_q4_1_ref;
    case 6: return dot_q5_0_ref;
    case 7: return dot_q5_1_ref;
    case 8: return dot_q8_0_ref;
    case 12: return dot_q4_K_ref;
    case 13: return dot_q5_K_ref;
    case 14: return dot_q6_K_ref;
    case 15: return dot_q8_K_ref;
    case 30: return dot_bf16_ref;
    default: return NULL;
    }
}
