/* NEON (AArch64 Advanced SIMD) int8 dot products of quantized weights with Q8_0/Q8_K activations, and the
 * activation quantizers. The core step is SMULL/SMULL2 (16 int8 × int8 products widened to int16, which
 * cannot overflow: |w|, |x| <= 128) and SADALP (pairs added into int32 lanes). Only base ARMv8-A
 * instructions, so every arm64 CPU runs them. The integer sums equal the portable ones in quant_q8.c exactly;
 * the quantizers write the portable bytes (Tests/kernels-arm64 checks both under qemu). */
#include "qk_internal.h"

#if defined(__aarch64__)
#include <arm_neon.h>

/* acc + Σ a·b over 16 signed byte pairs, as 4 int32 partial sums. */
static inline int32x4_t dot16(int32x4_t acc, int8x16_t a, int8x16_t b) {
    acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(a), vget_low_s8(b)));
    return vpadalq_s16(acc, vmull_high_s8(a, b));
}

static inline float half_f(qk_half h) { return qk_half_to_float(h); }

static float qdot_q8_0_neon(const void *row, const void *xq, int64_t n) {
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
static float qdot_q4_0_neon(const void *row, const void *xq, int64_t n) {
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

/* Byte l of the result is 16 when bit (first + l) of qh is set, else 0, for l in 0..15: a table lookup
 * copies the qh byte holding each lane's bit into the lane, and a test against the lane's bit mask. */
static inline uint8x16_t q5_high16(uint32_t qh, int first) {
    static const uint8_t bit_masks[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    const uint8_t b = (uint8_t)(first / 8);
    const uint8_t index[16] = {b, b, b, b, b, b, b, b, (uint8_t)(b + 1), (uint8_t)(b + 1), (uint8_t)(b + 1),
                               (uint8_t)(b + 1), (uint8_t)(b + 1), (uint8_t)(b + 1), (uint8_t)(b + 1), (uint8_t)(b + 1)};
    const uint8x16_t bytes = vqtbl1q_u8(vreinterpretq_u8_u32(vdupq_n_u32(qh)), vld1q_u8(index));
    return vandq_u8(vtstq_u8(bytes, vld1q_u8(bit_masks)), vdupq_n_u8(16));
}

/* Q5_0: as Q4_0 with bit i of qh as bit 4 of value i; y = d·(q − 16). */
static float qdot_q5_0_neon(const void *row, const void *xq, int64_t n) {
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
static inline int32_t k45_min_sum(const uint8_t m[8], const int16_t *bsums) {
    const int16x8_t pairs = vpaddq_s16(vld1q_s16(bsums), vld1q_s16(bsums + 8));
    const int16x8_t mins = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(m)));
    return vaddvq_s32(vmlal_high_s16(vmull_s16(vget_low_s16(mins), vget_low_s16(pairs)), mins, pairs));
}

/* Q4_K/Q5_K super-block against Q8_K: chunk c's 32 bytes give sub-blocks 2c (low nibbles) and 2c+1 (high),
 * each sub-block's int32 sums weighted by its 6-bit scale. The float step is the portable one:
 * dx·(d·Σ sc·Σqx − dmin·Σ m·bsums), once per super-block. */
static inline float k45_superblock(float d, float dmin, const uint8_t *scales, const uint8_t *qs, const uint8_t *qh,
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

static float qdot_q4_K_neon(const void *row, const void *xq, int64_t n) {
    const qk_block_q4_K *w = row;
    const qk_block_q8_K *x = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / 256; i++)
        sum += k45_superblock(half_f(w[i].d), half_f(w[i].dmin), w[i].scales, w[i].qs, NULL, x + i);
    return sum;
}

static float qdot_q5_K_neon(const void *row, const void *xq, int64_t n) {
    const qk_block_q5_K *w = row;
    const qk_block_q8_K *x = xq;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / 256; i++)
        sum += k45_superblock(half_f(w[i].d), half_f(w[i].dmin), w[i].scales, w[i].qs, w[i].qh, x + i);
    return sum;
}

/* Q6_K against Q8_K: per 128-value half, ql[0..63] and qh[0..31] give four 32-value quarters; value
 * q − 32 fits int8, and each 16-value group's int32 sums are weighted by its int8 scale. */
static float qdot_q6_K_neon(const void *row, const void *xq, int64_t n) {
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

/* Rounds 4 lanes as the portable q8_round does: FCVTAS rounds half away from zero like roundf, turns NaN into
 * 0 and saturates infinities, and the clamp keeps ±127. */
static inline int32x4_t round_q8(float32x4_t v) {
    return vmaxq_s32(vminq_s32(vcvtaq_s32_f32(v), vdupq_n_s32(127)), vdupq_n_s32(-127));
}

/* Largest |x| of 32 values; FMAXNM ignores a NaN lane, as fmaxf does in the portable loop. */
static inline float amax32(const float *x) {
    float32x4_t m = vdupq_n_f32(0.0f);
    for (int k = 0; k < 8; k++) m = vmaxnmq_f32(m, vabsq_f32(vld1q_f32(x + 4 * k)));
    return vmaxnmvq_f32(m);
}

/* 32 values times id, rounded, narrowed to int8 in order into q. */
static inline void pack32(const float *x, float id, int8_t *q) {
    for (int k = 0; k < 2; k++, x += 16, q += 16) {
        const int16x8_t a = vcombine_s16(vqmovn_s32(round_q8(vmulq_n_f32(vld1q_f32(x), id))),
                                         vqmovn_s32(round_q8(vmulq_n_f32(vld1q_f32(x + 4), id))));
        const int16x8_t b = vcombine_s16(vqmovn_s32(round_q8(vmulq_n_f32(vld1q_f32(x + 8), id))),
                                         vqmovn_s32(round_q8(vmulq_n_f32(vld1q_f32(x + 12), id))));
        vst1q_s8(q, vcombine_s8(vqmovn_s16(a), vqmovn_s16(b)));
    }
}

void qk__neon_quantize_q8_0(const float *x, void *vy, int64_t n) {
    qk_block_q8_0 *y = vy;
    for (int64_t i = 0; i < n / 32; i++, x += 32) {
        const float d = amax32(x) / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
        y[i].d = qk_float_to_half(d);
        pack32(x, id, y[i].qs);
    }
}

void qk__neon_quantize_q8_K(const float *x, void *vy, int64_t n) {
    qk_block_q8_K *y = vy;
    for (int64_t i = 0; i < n / 256; i++, x += 256) {
        float amax = 0.0f;
        for (int k = 0; k < 8; k++) { const float m = amax32(x + 32 * k); amax = m > amax ? m : amax; }
        const float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
        y[i].d = d;
        for (int k = 0; k < 8; k++) pack32(x + 32 * k, id, y[i].qs + 32 * k);
        for (int g = 0; g < 16; g++) y[i].bsums[g] = (int16_t)vaddlvq_s8(vld1q_s8(y[i].qs + 16 * g));
    }
}

qk_qdot_fn qk__neon_qdot(uint32_t type) {
    switch (type) {
    case 2: return qdot_q4_0_neon;
    case 6: return qdot_q5_0_neon;
    case 8: return qdot_q8_0_neon;
    case 12: return qdot_q4_K_neon;
    case 13: return qdot_q5_K_neon;
    case 14: return qdot_q6_K_neon;
    default: return NULL;
    }
}

#else
/* Never called off arm64: dispatch only picks these when the CPU reports NEON. */
qk_qdot_fn qk__neon_qdot(uint32_t type) { (void)type; return NULL; }
void qk__neon_quantize_q8_0(const float *x, void *y, int64_t n) { (void)x; (void)y; (void)n; }
void qk__neon_quantize_q8_K(const float *x, void *y, int64_t n) { (void)x; (void)y; (void)n; }
#endif
