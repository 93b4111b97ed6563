/* NEON (AArch64 Advanced SIMD) int8 dot products of quantized weights with Q8_0/Q8_K activations, in base
 * ARMv8-A instructions so every arm64 CPU runs them (the kernels are in qdot_neon.h, shared with the SDOT
 * variant), and the activation quantizers, which write the portable bytes. Tests/kernels checks both under
 * qemu-aarch64. */
#include "qk_internal.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#define QK_TARGET
#define QK_NAME(kernel) kernel##_neon
#define QK_DOT16(acc, a, b) vpadalq_s16(vpadalq_s16((acc), vmull_s8(vget_low_s8(a), vget_low_s8(b))), vmull_high_s8((a), (b)))
#include "qdot_neon.h"

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
    return qdot_table_neon(type);
}

#else
/* Never called off arm64: dispatch only picks these when the CPU reports NEON. */
qk_qdot_fn qk__neon_qdot(uint32_t type) { (void)type; return NULL; }
void qk__neon_quantize_q8_0(const float *x, void *y, int64_t n) { (void)x; (void)y; (void)n; }
void qk__neon_quantize_q8_K(const float *x, void *y, int64_t n) { (void)x; (void)y; (void)n; }
#endif
