/* The NEON int8 dot kernels of weights against Q8_0/Q8_K activations, written once and compiled twice:
 * quant_q8_neon.c (base ARMv8-A, every arm64 CPU) and quant_q8_neon_dotprod.c (ARMv8.2 SDOT, where the CPU
 * has it), which include this file after defining
 *   QK_TARGET            the function attribute that enables the instructions (empty for the base set),
 *   QK_NAME(kernel)      the kernel's name with the variant's suffix,
 *   QK_DOT16(acc, a, b)  acc + Σ a·b over 16 signed byte pairs, as 4 int32 lanes: SMULL/SMULL2 + SADALP
 *                        (products widened to int16, which cannot overflow: |a|, |b| <= 128), or one SDOT.
 * Both compute the portable integer sums of quant_q8.c exactly (only which lane holds which partial sum
 * differs, and every kernel adds all lanes), so they differ from the portable kernels only in float
 * summation order. */

#include "qk_neon.h"

/* acc + Σ a·b over 16 signed byte pairs, as 4 int32 partial sums. */
QK_TARGET static inline int32x4_t dot16(int32x4_t acc, int8x16_t a, int8x16_t b) { return QK_DOT16(acc, a, b); }

QK_TARGET static inline float half_f(qk_half h) { return qk_half_to_float(h); }

QK_TARGET static float QK_NAME(qdot_q8_0)(const void *row, const void *xq, int64_t n) {
    const qk_block_q8_0 *w = row, *x = xq;
    float32x4_t acc = vdupq_n_f32(0.0f);
    for (int64_t i = 0; i < n / 32; i++) {
        int32x4_t p = dot16(vdupq_n_s32(0), vld1q_s8(w[i].qs), vld1q_s8(x[i].qs));
        p = dot16(p, vld1q_s8(w[i].qs + 16), vld1q_s8(x[i].qs + 16));
        acc = vfmaq_n_f32(acc, vcvtq_f32_s32(p), half_f(w[i].d) * half_f(x[i].d));
    }
    return vaddvq_f32(acc);
}

/* Q4_0: byte j holds value j (low nibble) and j+16 (high); y = d·(q − 8). */
QK_TARGET static float QK_NAME(qdot_q4_0)(const void *row, const void *xq, int64_t n) {
    const qk_block_q4_0 *w = row;
    const qk_block_q8_0 *x = xq;
    const uint8x16_t m4 = vdupq_n_u8(0x0F);
    const int8x16_t eight = vdupq_n_s8(8);
    float32x4_t acc = vdupq_n_f32(0.0f);
    for (int64_t i = 0; i < n / 32; i++) {
        const uint8x16_t raw = vld1q_u8(w[i].qs);
        const int8x16_t lo = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(raw, m4)), eight);
        const int8x16_t hi = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(raw, 4)), eight);
        int32x4_t p = dot16(vdupq_n_s32(0), lo, vld1q_s8(x[i].qs));
        p = dot16(p, hi, vld1q_s8(x[i].qs + 16));
        acc = vfmaq_n_f32(acc, vcvtq_f32_s32(p), half_f(w[i].d) * half_f(x[i].d));
    }
    return vaddvq_f32(acc);
}


/* Q5_0: as Q4_0 with bit i of qh as bit 4 of value i; y = d·(q − 16). */
QK_TARGET static float QK_NAME(qdot_q5_0)(const void *row, const void *xq, int64_t n) {
    const qk_block_q5_0 *w = row;
    const qk_block_q8_0 *x = xq;
    const uint8x16_t m4 = vdupq_n_u8(0x0F);
    const int8x16_t sixteen = vdupq_n_s8(16);
    float32x4_t acc = vdupq_n_f32(0.0f);
    for (int64_t i = 0; i < n / 32; i++) {
        const uint32_t qh = qk_load_u32le(w[i].qh);
        const uint8x16_t raw = vld1q_u8(w[i].qs);
        const uint8x16_t lo = vorrq_u8(vandq_u8(raw, m4), q5_high16(qh, 0));
        const uint8x16_t hi = vorrq_u8(vshrq_n_u8(raw, 4), q5_high16(qh, 16));
        int32x4_t p = dot16(vdupq_n_s32(0), vsubq_s8(vreinterpretq_s8_u8(lo), sixteen), vld1q_s8(x[i].qs));
        p = dot16(p, vsubq_s8(vreinterpretq_s8_u8(hi), sixteen), vld1q_s8(x[i].qs + 16));
        acc = vfmaq_n_f32(acc, vcvtq_f32_s32(p), half_f(w[i].d) * half_f(x[i].d));
    }
    return vaddvq_f32(acc);
}

/* Σ_j m_j · (bsums[2j] + bsums[2j+1]) for the 8 sub-block mins of a Q4_K/Q5_K super-block. */
QK_TARGET static inline int32_t k45_min_sum(const uint8_t m[8], const int16_t *bsums) {
    const int16x8_t pairs = vpaddq_s16(vld1q_s16(bsums), vld1q_s16(bsums + 8));
    const int16x8_t mins = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(m)));
    return vaddvq_s32(vmlal_high_s16(vmull_s16(vget_low_s16(mins), vget_low_s16(pairs)), mins, pairs));
}

/* Q4_K/Q5_K super-block against Q8_K: chunk c's 32 bytes give sub-blocks 2c (low nibbles) and 2c+1 (high),
 * each sub-block's int32 sums weighted by its 6-bit scale. The float step is the portable one:
 * dx·(d·Σ sc·Σqx − dmin·Σ m·bsums), once per super-block. */
QK_TARGET static inline float k45_superblock(float d, float dmin, const uint8_t *scales, const uint8_t *qs, const uint8_t *qh,
                                   const qk_block_q8_K *x) {
    const uint8x16_t m4 = vdupq_n_u8(0x0F), sixteen = vdupq_n_u8(16);
    uint8_t sc[8], m[8];
    qk_k4_unpack_scales(scales, sc, m);
    uint8x16_t h0 = vdupq_n_u8(0), h1 = vdupq_n_u8(0);
    if (qh) { h0 = vld1q_u8(qh); h1 = vld1q_u8(qh + 16); }
    int32x4_t isum = vdupq_n_s32(0);
    for (int c = 0; c < 4; c++) {
        const uint8x16_t q0 = vld1q_u8(qs + 32 * c), q1 = vld1q_u8(qs + 32 * c + 16);
        uint8x16_t lo0 = vandq_u8(q0, m4), lo1 = vandq_u8(q1, m4), hi0 = vshrq_n_u8(q0, 4), hi1 = vshrq_n_u8(q1, 4);
        if (qh) {
            const uint8x16_t bit_lo = vdupq_n_u8((uint8_t)(1u << (2 * c))), bit_hi = vdupq_n_u8((uint8_t)(2u << (2 * c)));
            lo0 = vorrq_u8(lo0, vandq_u8(vtstq_u8(h0, bit_lo), sixteen));
            lo1 = vorrq_u8(lo1, vandq_u8(vtstq_u8(h1, bit_lo), sixteen));
            hi0 = vorrq_u8(hi0, vandq_u8(vtstq_u8(h0, bit_hi), sixteen));
            hi1 = vorrq_u8(hi1, vandq_u8(vtstq_u8(h1, bit_hi), sixteen));
        }
        const int8_t *a = x->qs + 64 * c;
        int32x4_t s_lo = dot16(vdupq_n_s32(0), vreinterpretq_s8_u8(lo0), vld1q_s8(a));
        s_lo = dot16(s_lo, vreinterpretq_s8_u8(lo1), vld1q_s8(a + 16));
        int32x4_t s_hi = dot16(vdupq_n_s32(0), vreinterpretq_s8_u8(hi0), vld1q_s8(a + 32));
        s_hi = dot16(s_hi, vreinterpretq_s8_u8(hi1), vld1q_s8(a + 48));
        isum = vmlaq_n_s32(isum, s_lo, sc[2 * c]);
        isum = vmlaq_n_s32(isum, s_hi, sc[2 * c + 1]);
    }
    return x->d * (d * (float)vaddvq_s32(isum) - dmin * (float)k45_min_sum(m, x->bsums));
}

QK_TARGET static float QK_NAME(qdot_q4_K)(const void *row, const void *xq, int64_t n) {
    const qk_block_q4_K *w = row;
    const qk_block_q8_K *x = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / 256; i++)
        sum += k45_superblock(half_f(w[i].d), half_f(w[i].dmin), w[i].scales, w[i].qs, NULL, x + i);
    return sum;
}

QK_TARGET static float QK_NAME(qdot_q5_K)(const void *row, const void *xq, int64_t n) {
    const qk_block_q5_K *w = row;
    const qk_block_q8_K *x = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / 256; i++)
        sum += k45_superblock(half_f(w[i].d), half_f(w[i].dmin), w[i].scales, w[i].qs, w[i].qh, x + i);
    return sum;
}

/* Q6_K against Q8_K: per 128-value half, ql[0..63] and qh[0..31] give four 32-value quarters; value
 * q − 32 fits int8, and each 16-value group's int32 sums are weighted by its int8 scale. */
QK_TARGET static float QK_NAME(qdot_q6_K)(const void *row, const void *xq, int64_t n) {
    const qk_block_q6_K *w = row;
    const qk_block_q8_K *x = xq;
    const uint8x16_t m4 = vdupq_n_u8(0x0F), m2 = vdupq_n_u8(3);
    const int8x16_t off = vdupq_n_s8(32);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / 256; i++) {
        int32x4_t isum = vdupq_n_s32(0);
        for (int half = 0; half < 2; half++) {
            const uint8_t *ql = w[i].ql + 64 * half, *qh = w[i].qh + 32 * half;
            const int8_t *a = x[i].qs + 128 * half, *sc = w[i].scales + 8 * half;
            for (int part = 0; part < 2; part++) {  /* l in 0..15, then 16..31: one 16-value group per quarter */
                const uint8x16_t l0 = vld1q_u8(ql + 16 * part), l1 = vld1q_u8(ql + 32 + 16 * part);
                const uint8x16_t h = vld1q_u8(qh + 16 * part);
                const uint8x16_t q[4] = {
                    vorrq_u8(vandq_u8(l0, m4), vshlq_n_u8(vandq_u8(h, m2), 4)),
                    vorrq_u8(vandq_u8(l1, m4), vshlq_n_u8(vandq_u8(vshrq_n_u8(h, 2), m2), 4)),
                    vorrq_u8(vshrq_n_u8(l0, 4), vshlq_n_u8(vandq_u8(vshrq_n_u8(h, 4), m2), 4)),
                    vorrq_u8(vshrq_n_u8(l1, 4), vshlq_n_u8(vshrq_n_u8(h, 6), 4)),
                };
                for (int k = 0; k < 4; k++) {
                    const int8x16_t v = vsubq_s8(vreinterpretq_s8_u8(q[k]), off);
                    const int32x4_t p = dot16(vdupq_n_s32(0), v, vld1q_s8(a + 32 * k + 16 * part));
                    isum = vmlaq_n_s32(isum, p, sc[2 * k + part]);
                }
            }
        }
        sum += half_f(w[i].d) * x[i].d * (float)vaddvq_s32(isum);
    }
    return sum;
}

QK_DEFINE_QDOT_TABLE()
