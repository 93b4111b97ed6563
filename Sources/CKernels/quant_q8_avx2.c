/* AVX2 int8 dot products of quantized weights with Q8_0/Q8_K activations (the kernels are in qdot_x86.h,
 * shared with the AVX-512 VNNI variant), and the AVX2 activation quantizers. */
#include "qk_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define QK_AVX2 __attribute__((target("avx2,fma,f16c")))
#define QK_TARGET QK_AVX2
#define QK_NAME(kernel) kernel##_avx2
#define QK_DPBUSD(acc, u, s) _mm256_add_epi32((acc), _mm256_madd_epi16(_mm256_maddubs_epi16((u), (s)), _mm256_set1_epi16(1)))
#define QK_DPWSSD(acc, a, b) _mm256_add_epi32((acc), _mm256_madd_epi16((a), (b)))
#include "qdot_x86.h"

/* 32 activations scaled by id and rounded as the portable q8_round does: NaN to 0, clamp to ±127, then
 * round half away from zero (add ±0.49999997 and truncate, exact for |v| < 2^23), as int32 lanes. */
QK_AVX2 static inline __m256i round_q8(__m256 v) {
    v = _mm256_and_ps(v, _mm256_cmp_ps(v, v, _CMP_ORD_Q));
    v = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(-127.0f)), _mm256_set1_ps(127.0f));
    const __m256 sign = _mm256_and_ps(v, _mm256_set1_ps(-0.0f));
    const __m256 half = _mm256_or_ps(sign, _mm256_set1_ps(0.49999997f));
    return _mm256_cvttps_epi32(_mm256_add_ps(v, half));
}

/* Largest |x| of 32 values; a NaN lane never wins (VMAXPS returns its second operand when either is NaN),
 * as fmaxf ignores NaN in the portable loop. */
QK_AVX2 static inline float amax32(const float *x) {
    const __m256 mask = _mm256_set1_ps(-0.0f);
    __m256 m = _mm256_setzero_ps();
    for (int k = 0; k < 4; k++) m = _mm256_max_ps(_mm256_andnot_ps(mask, _mm256_loadu_ps(x + 8 * k)), m);
    __m128 h = _mm_max_ps(_mm256_extractf128_ps(m, 1), _mm256_castps256_ps128(m));
    h = _mm_max_ps(_mm_movehl_ps(h, h), h);
    h = _mm_max_ss(_mm_movehdup_ps(h), h);
    return _mm_cvtss_f32(h);
}

/* 32 values times id, rounded, packed to int8 in order into q. */
QK_AVX2 static inline void pack32(const float *x, float id, int8_t *q) {
    const __m256 s = _mm256_set1_ps(id);
    const __m256i a = round_q8(_mm256_mul_ps(_mm256_loadu_ps(x), s)), b = round_q8(_mm256_mul_ps(_mm256_loadu_ps(x + 8), s));
    const __m256i c = round_q8(_mm256_mul_ps(_mm256_loadu_ps(x + 16), s)), d = round_q8(_mm256_mul_ps(_mm256_loadu_ps(x + 24), s));
    /* The packs work within 128-bit lanes; the permute puts the 4-byte groups back in order. */
    const __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
    _mm256_storeu_si256((__m256i *)q, _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
}

QK_AVX2 void qk__avx2_quantize_q8_0(const float *x, void *vy, int64_t n) {
    qk_block_q8_0 *y = vy;
    for (int64_t i = 0; i < n / 32; i++, x += 32) {
        const float d = amax32(x) / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
        y[i].d = qk_float_to_half(d);
        pack32(x, id, y[i].qs);
    }
}

QK_AVX2 void qk__avx2_quantize_q8_K(const float *x, void *vy, int64_t n) {
    qk_block_q8_K *y = vy;
    for (int64_t i = 0; i < n / 256; i++, x += 256) {
        float amax = 0.0f;
        for (int k = 0; k < 8; k++) { const float m = amax32(x + 32 * k); amax = m > amax ? m : amax; }
        const float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
        y[i].d = d;
        for (int k = 0; k < 8; k++) pack32(x + 32 * k, id, y[i].qs + 32 * k);
        for (int g = 0; g < 16; g++) {
            /* 16 int8 to int16, pairs summed to int32 by VPMADDWD, then a horizontal sum. */
            const __m256i w = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(y[i].qs + 16 * g)));
            const __m256i s = _mm256_madd_epi16(w, _mm256_set1_epi16(1));
            __m128i t = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
            t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0x4E));
            t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0xB1));
            y[i].bsums[g] = (int16_t)_mm_cvtsi128_si32(t);
        }
    }
}

qk_qdot_fn qk__avx2_qdot(uint32_t type) {
    qk__half_table_init();
    return qdot_table_avx2(type);
}

#else
/* Never called off x86: dispatch only picks these when the CPU reports AVX2. */
qk_qdot_fn qk__avx2_qdot(uint32_t type) { (void)type; return NULL; }
void qk__avx2_quantize_q8_0(const float *x, void *y, int64_t n) { (void)x; (void)y; (void)n; }
void qk__avx2_quantize_q8_K(const float *x, void *y, int64_t n) { (void)x; (void)y; (void)n; }
#endif
