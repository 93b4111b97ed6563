/* NEON dequantization (the f32 slabs the batched product hands to BLAS in prefill) and f32-activation dot
 * products. Each dequantizer evaluates exactly the float expression of its portable twin in quant_ref.c,
 * multiply then subtract, never fused (FP_CONTRACT off), so the results are bit-identical to it. The
 * f32-activation dots of quantized rows dequantize one block with these and multiply with FMA. */
#pragma STDC FP_CONTRACT OFF
#include "qk_internal.h"

#if defined(__aarch64__)
#include <arm_neon.h>
#include "qk_neon.h"

/* 16 bytes of small unsigned integers, as four float vectors of 4. */
static inline void u8x16_to_f32(uint8x16_t v, float32x4_t out[4]) {
    const uint16x8_t lo = vmovl_u8(vget_low_u8(v)), hi = vmovl_high_u8(v);
    out[0] = vcvtq_f32_u32(vmovl_u16(vget_low_u16(lo)));
    out[1] = vcvtq_f32_u32(vmovl_high_u16(lo));
    out[2] = vcvtq_f32_u32(vmovl_u16(vget_low_u16(hi)));
    out[3] = vcvtq_f32_u32(vmovl_high_u16(hi));
}

static inline void s8x16_to_f32(int8x16_t v, float32x4_t out[4]) {
    const int16x8_t lo = vmovl_s8(vget_low_s8(v)), hi = vmovl_high_s8(v);
    out[0] = vcvtq_f32_s32(vmovl_s16(vget_low_s16(lo)));
    out[1] = vcvtq_f32_s32(vmovl_high_s16(lo));
    out[2] = vcvtq_f32_s32(vmovl_s16(vget_low_s16(hi)));
    out[3] = vcvtq_f32_s32(vmovl_high_s16(hi));
}

/* y[0..15] = d · q (q signed, already offset). */
static inline void store_scaled16(float *y, float d, int8x16_t q) {
    float32x4_t f[4];
    s8x16_to_f32(q, f);
    for (int k = 0; k < 4; k++) vst1q_f32(y + 4 * k, vmulq_n_f32(f[k], d));
}

/* y[0..15] = d · q − m (q unsigned). */
static inline void store_affine16(float *y, float d, float m, uint8x16_t q) {
    float32x4_t f[4];
    u8x16_to_f32(q, f);
    const float32x4_t mv = vdupq_n_f32(m);
    for (int k = 0; k < 4; k++) vst1q_f32(y + 4 * k, vsubq_f32(vmulq_n_f32(f[k], d), mv));
}

static void deq_f16_neon(const void *row, float *y, int64_t n) {
    const qk_half *h = row;
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(h + i))));
    for (; i < n; i++) y[i] = qk_half_to_float(h[i]);
}

static void deq_bf16_neon(const void *row, float *y, int64_t n) {
    const uint16_t *h = row;
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(h + i), 16)));
    for (; i < n; i++) y[i] = qk_bf16_to_float(h[i]);
}

static void deq_q8_0_neon(const void *row, float *y, int64_t n) {
    const qk_block_q8_0 *b = row;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float d = qk_half_to_float(b[i].d);
        store_scaled16(y, d, vld1q_s8(b[i].qs));
        store_scaled16(y + 16, d, vld1q_s8(b[i].qs + 16));
    }
}


/* Q4_0 and Q5_0: y = d · (q − offset), values j (low nibbles) then j+16 (high nibbles). */
static inline void deq_legacy_block(float d, const uint8_t *qs, const uint8_t *qh_bytes, int offset, float *y) {
    const uint8x16_t raw = vld1q_u8(qs);
    uint8x16_t lo = vandq_u8(raw, vdupq_n_u8(0x0F)), hi = vshrq_n_u8(raw, 4);
    if (qh_bytes) {
        const uint32_t qh = qk_load_u32le(qh_bytes);
        lo = vorrq_u8(lo, q5_high16(qh, 0));
        hi = vorrq_u8(hi, q5_high16(qh, 16));
    }
    const int8x16_t off = vdupq_n_s8((int8_t)offset);
    store_scaled16(y, d, vsubq_s8(vreinterpretq_s8_u8(lo), off));
    store_scaled16(y + 16, d, vsubq_s8(vreinterpretq_s8_u8(hi), off));
}

static void deq_q4_0_neon(const void *row, float *y, int64_t n) {
    const qk_block_q4_0 *b = row;
    for (int64_t i = 0; i < n / 32; i++) deq_legacy_block(qk_half_to_float(b[i].d), b[i].qs, NULL, 8, y + 32 * i);
}

static void deq_q5_0_neon(const void *row, float *y, int64_t n) {
    const qk_block_q5_0 *b = row;
    for (int64_t i = 0; i < n / 32; i++) deq_legacy_block(qk_half_to_float(b[i].d), b[i].qs, b[i].qh, 16, y + 32 * i);
}

/* Q4_K/Q5_K: y = (d·sc)·q − dmin·m per 32-value sub-block, as in deq_q4_K. */
static inline void deq_k45_block(float d, float dmin, const uint8_t *scales, const uint8_t *qs, const uint8_t *qh,
                                 float *y) {
    const uint8x16_t m4 = vdupq_n_u8(0x0F), sixteen = vdupq_n_u8(16);
    uint8_t sc[8], m[8];
    qk_k4_unpack_scales(scales, sc, m);
    for (int c = 0; c < 4; c++, qs += 32, y += 64) {
        const float d1 = d * (float)sc[2 * c], m1 = dmin * (float)m[2 * c];
        const float d2 = d * (float)sc[2 * c + 1], m2 = dmin * (float)m[2 * c + 1];
        for (int g = 0; g < 2; g++) {
            const uint8x16_t v = vld1q_u8(qs + 16 * g);
            uint8x16_t lo = vandq_u8(v, m4), hi = vshrq_n_u8(v, 4);
            if (qh) {
                const uint8x16_t h = vld1q_u8(qh + 16 * g);
                lo = vorrq_u8(lo, vandq_u8(vtstq_u8(h, vdupq_n_u8((uint8_t)(1u << (2 * c)))), sixteen));
                hi = vorrq_u8(hi, vandq_u8(vtstq_u8(h, vdupq_n_u8((uint8_t)(2u << (2 * c)))), sixteen));
            }
            store_affine16(y + 16 * g, d1, m1, lo);
            store_affine16(y + 32 + 16 * g, d2, m2, hi);
        }
    }
}

static void deq_q4_K_neon(const void *row, float *y, int64_t n) {
    const qk_block_q4_K *b = row;
    for (int64_t i = 0; i < n / 256; i++)
        deq_k45_block(qk_half_to_float(b[i].d), qk_half_to_float(b[i].dmin), b[i].scales, b[i].qs, NULL, y + 256 * i);
}

static void deq_q5_K_neon(const void *row, float *y, int64_t n) {
    const qk_block_q5_K *b = row;
    for (int64_t i = 0; i < n / 256; i++)
        deq_k45_block(qk_half_to_float(b[i].d), qk_half_to_float(b[i].dmin), b[i].scales, b[i].qs, b[i].qh, y + 256 * i);
}

/* Q6_K: y = (d·sc)·(q − 32), quarters of each 128-value half as in deq_q6_K. */
static void deq_q6_K_neon(const void *row, float *y, int64_t n) {
    const qk_block_q6_K *b = row;
    const uint8x16_t m4 = vdupq_n_u8(0x0F), m2 = vdupq_n_u8(3);
    const int8x16_t off = vdupq_n_s8(32);
    for (int64_t i = 0; i < n / 256; i++) {
        const float d = qk_half_to_float(b[i].d);
        const uint8_t *ql = b[i].ql, *qh = b[i].qh;
        const int8_t *sc = b[i].scales;
        for (int half = 0; half < 2; half++, y += 128, ql += 64, qh += 32, sc += 8) {
            for (int part = 0; part < 2; part++) {
                const int l = 16 * part;
                const uint8x16_t a = vld1q_u8(ql + l), c = vld1q_u8(ql + 32 + l), h = vld1q_u8(qh + l);
                const uint8x16_t q1 = vorrq_u8(vandq_u8(a, m4), vshlq_n_u8(vandq_u8(h, m2), 4));
                const uint8x16_t q2 = vorrq_u8(vandq_u8(c, m4), vshlq_n_u8(vandq_u8(vshrq_n_u8(h, 2), m2), 4));
                const uint8x16_t q3 = vorrq_u8(vshrq_n_u8(a, 4), vshlq_n_u8(vandq_u8(vshrq_n_u8(h, 4), m2), 4));
                const uint8x16_t q4 = vorrq_u8(vshrq_n_u8(c, 4), vshlq_n_u8(vshrq_n_u8(h, 6), 4));
                store_scaled16(y + l, d * (float)sc[part + 0], vsubq_s8(vreinterpretq_s8_u8(q1), off));
                store_scaled16(y + l + 32, d * (float)sc[part + 2], vsubq_s8(vreinterpretq_s8_u8(q2), off));
                store_scaled16(y + l + 64, d * (float)sc[part + 4], vsubq_s8(vreinterpretq_s8_u8(q3), off));
                store_scaled16(y + l + 96, d * (float)sc[part + 6], vsubq_s8(vreinterpretq_s8_u8(q4), off));
            }
        }
    }
}

qk_dequant_fn qk__neon_dequant(uint32_t type) {
    switch (type) {
    case 1: return deq_f16_neon;
    case 2: return deq_q4_0_neon;
    case 6: return deq_q5_0_neon;
    case 8: return deq_q8_0_neon;
    case 12: return deq_q4_K_neon;
    case 13: return deq_q5_K_neon;
    case 14: return deq_q6_K_neon;
    case 30: return deq_bf16_neon;
    default: return NULL;
    }
}

/* Σ w·x over n floats with four independent FMA chains. */
static inline float dot_f32_lanes(const float *w, const float *x, int64_t n) {
    float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0, a2 = a0, a3 = a0;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        a0 = vfmaq_f32(a0, vld1q_f32(w + i), vld1q_f32(x + i));
        a1 = vfmaq_f32(a1, vld1q_f32(w + i + 4), vld1q_f32(x + i + 4));
        a2 = vfmaq_f32(a2, vld1q_f32(w + i + 8), vld1q_f32(x + i + 8));
        a3 = vfmaq_f32(a3, vld1q_f32(w + i + 12), vld1q_f32(x + i + 12));
    }
    for (; i + 4 <= n; i += 4) a0 = vfmaq_f32(a0, vld1q_f32(w + i), vld1q_f32(x + i));
    float s = vaddvq_f32(vaddq_f32(vaddq_f32(a0, a1), vaddq_f32(a2, a3)));
    for (; i < n; i++) s += w[i] * x[i];
    return s;
}

static float dot_f32_neon(const void *row, const float *x, int64_t n) { return dot_f32_lanes(row, x, n); }

static float dot_f16_neon(const void *row, const float *x, int64_t n) {
    const qk_half *w = row;
    float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const float16x8_t h = vreinterpretq_f16_u16(vld1q_u16(w + i));
        a0 = vfmaq_f32(a0, vcvt_f32_f16(vget_low_f16(h)), vld1q_f32(x + i));
        a1 = vfmaq_f32(a1, vcvt_high_f32_f16(h), vld1q_f32(x + i + 4));
    }
    float s = vaddvq_f32(vaddq_f32(a0, a1));
    for (; i < n; i++) s += qk_half_to_float(w[i]) * x[i];
    return s;
}

/* A quantized row against f32 activations: one block dequantized on the stack, then an FMA dot. */
static inline float accumulate_neon(float sum, const float *a, const float *b, int n) { return sum + dot_f32_lanes(a, b, n); }
#define DEFINE_NEON_BLOCK_DOT(NAME, DEQ, BLOCK, BYTES) QK_DEFINE_BLOCK_DOT(NAME, DEQ, BLOCK, BYTES, accumulate_neon)

DEFINE_NEON_BLOCK_DOT(dot_q4_0_neon, deq_q4_0_neon, 32, sizeof(qk_block_q4_0))
DEFINE_NEON_BLOCK_DOT(dot_q5_0_neon, deq_q5_0_neon, 32, sizeof(qk_block_q5_0))
DEFINE_NEON_BLOCK_DOT(dot_q8_0_neon, deq_q8_0_neon, 32, sizeof(qk_block_q8_0))
DEFINE_NEON_BLOCK_DOT(dot_q4_K_neon, deq_q4_K_neon, 256, sizeof(qk_block_q4_K))
DEFINE_NEON_BLOCK_DOT(dot_q5_K_neon, deq_q5_K_neon, 256, sizeof(qk_block_q5_K))
DEFINE_NEON_BLOCK_DOT(dot_q6_K_neon, deq_q6_K_neon, 256, sizeof(qk_block_q6_K))

qk_dot_fn qk__neon_dot(uint32_t type) {
    switch (type) {
    case 0: return dot_f32_neon;
    case 1: return dot_f16_neon;
    case 2: return dot_q4_0_neon;
    case 6: return dot_q5_0_neon;
    case 8: return dot_q8_0_neon;
    case 12: return dot_q4_K_neon;
    case 13: return dot_q5_K_neon;
    case 14: return dot_q6_K_neon;
    default: return NULL;
    }
}

#else
qk_dequant_fn qk__neon_dequant(uint32_t type) { (void)type; return NULL; }
qk_dot_fn qk__neon_dot(uint32_t type) { (void)type; return NULL; }
#endif
