/* AVX2 dequantization, for the f32 slabs the batched product hands to BLAS during prefill.
 * Each function evaluates exactly the float expression of its portable twin in quant_ref.c, with separate
 * multiply and subtract instructions (never fused), so the results are bit-identical to it and to gguf-py. */
#include "qk_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define QK_AVX2 __attribute__((target("avx2,fma,f16c")))

/* 8 bytes at p, zero-extended to 8 int32 lanes. */
QK_AVX2 static inline __m256i u8x8(const uint8_t *p) { return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p)); }

QK_AVX2 static inline void store_scaled(float *y, float d, __m256i q) {
    _mm256_storeu_ps(y, _mm256_mul_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(q)));
}

QK_AVX2 static void deq_f16_avx2(const void *row, float *y, int64_t n) {
    const qk_half *h = row;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(h + i))));
    for (; i < n; i++) y[i] = qk_half_to_float(h[i]);
}

QK_AVX2 static void deq_bf16_avx2(const void *row, float *y, int64_t n) {
    const uint16_t *h = row;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(h + i)));
        _mm256_storeu_ps(y + i, _mm256_castsi256_ps(_mm256_slli_epi32(v, 16)));
    }
    for (; i < n; i++) y[i] = qk_bf16_to_float(h[i]);
}

QK_AVX2 static void deq_q8_0_avx2(const void *row, float *y, int64_t n) {
    const qk_block_q8_0 *b = row;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float d = qk_half_to_float(b[i].d);
        for (int g = 0; g < 4; g++)
            store_scaled(y + 8 * g, d, _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(b[i].qs + 8 * g))));
    }
}

/* Q4_0 and Q5_0: qs bytes 0..15 give values j (low nibble) and j+16 (high nibble); for Q5_0 bit i of qh
 * adds 16 to value i. `offset` is 8 or 16. */
QK_AVX2 static inline void deq_legacy_block(float d, const uint8_t *qs, const uint8_t *qh_bytes, int offset, float *y) {
    const __m256i m4 = _mm256_set1_epi32(0xF), off = _mm256_set1_epi32(offset), one = _mm256_set1_epi32(1);
    const uint32_t qh = qh_bytes ? qk_load_u32le(qh_bytes) : 0;
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (int g = 0; g < 2; g++) {
        const __m256i v = u8x8(qs + 8 * g);
        __m256i lo = _mm256_and_si256(v, m4), hi = _mm256_srli_epi32(v, 4);
        if (qh_bytes) {
            const __m256i bits = _mm256_set1_epi32((int)qh);
            const __m256i shift_lo = _mm256_add_epi32(lanes, _mm256_set1_epi32(8 * g));
            const __m256i shift_hi = _mm256_add_epi32(shift_lo, _mm256_set1_epi32(16));
            lo = _mm256_or_si256(lo, _mm256_slli_epi32(_mm256_and_si256(_mm256_srlv_epi32(bits, shift_lo), one), 4));
            hi = _mm256_or_si256(hi, _mm256_slli_epi32(_mm256_and_si256(_mm256_srlv_epi32(bits, shift_hi), one), 4));
        }
        store_scaled(y + 8 * g, d, _mm256_sub_epi32(lo, off));
        store_scaled(y + 16 + 8 * g, d, _mm256_sub_epi32(hi, off));
    }
}

QK_AVX2 static void deq_q4_0_avx2(const void *row, float *y, int64_t n) {
    const qk_block_q4_0 *b = row;
    for (int64_t i = 0; i < n / 32; i++) deq_legacy_block(qk_half_to_float(b[i].d), b[i].qs, NULL, 8, y + 32 * i);
}

QK_AVX2 static void deq_q5_0_avx2(const void *row, float *y, int64_t n) {
    const qk_block_q5_0 *b = row;
    for (int64_t i = 0; i < n / 32; i++) deq_legacy_block(qk_half_to_float(b[i].d), b[i].qs, b[i].qh, 16, y + 32 * i);
}

/* Q4_K/Q5_K: y = (d·sc)·q − dmin·m per 32-value sub-block, as in deq_q4_K (multiply, then subtract). */
QK_AVX2 static inline void deq_k45_block(float d, float dmin, const uint8_t *scales, const uint8_t *qs,
                                         const uint8_t *qh, float *y) {
    const __m256i m4 = _mm256_set1_epi32(0xF), one = _mm256_set1_epi32(1);
    uint8_t sc[8], m[8];
    qk_k4_unpack_scales(scales, sc, m);
    for (int c = 0; c < 4; c++, qs += 32, y += 64) {
        const __m256 d1 = _mm256_set1_ps(d * (float)sc[2 * c]), m1 = _mm256_set1_ps(dmin * (float)m[2 * c]);
        const __m256 d2 = _mm256_set1_ps(d * (float)sc[2 * c + 1]), m2 = _mm256_set1_ps(dmin * (float)m[2 * c + 1]);
        for (int g = 0; g < 4; g++) {
            const __m256i v = u8x8(qs + 8 * g);
            __m256i lo = _mm256_and_si256(v, m4), hi = _mm256_srli_epi32(v, 4);
            if (qh) {
                const __m256i h = u8x8(qh + 8 * g);
                lo = _mm256_or_si256(lo, _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(h, 2 * c), one), 4));
                hi = _mm256_or_si256(hi, _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(h, 2 * c + 1), one), 4));
            }
            _mm256_storeu_ps(y + 8 * g, _mm256_sub_ps(_mm256_mul_ps(d1, _mm256_cvtepi32_ps(lo)), m1));
            _mm256_storeu_ps(y + 32 + 8 * g, _mm256_sub_ps(_mm256_mul_ps(d2, _mm256_cvtepi32_ps(hi)), m2));
        }
    }
}

QK_AVX2 static void deq_q4_K_avx2(const void *row, float *y, int64_t n) {
    const qk_block_q4_K *b = row;
    for (int64_t i = 0; i < n / 256; i++)
        deq_k45_block(qk_half_to_float(b[i].d), qk_half_to_float(b[i].dmin), b[i].scales, b[i].qs, NULL, y + 256 * i);
}

QK_AVX2 static void deq_q5_K_avx2(const void *row, float *y, int64_t n) {
    const qk_block_q5_K *b = row;
    for (int64_t i = 0; i < n / 256; i++)
        deq_k45_block(qk_half_to_float(b[i].d), qk_half_to_float(b[i].dmin), b[i].scales, b[i].qs, b[i].qh, y + 256 * i);
}

/* Q6_K: y = (d·sc)·(q − 32), quarters of each 128-value half as in deq_q6_K. */
QK_AVX2 static void deq_q6_K_avx2(const void *row, float *y, int64_t n) {
    const qk_block_q6_K *b = row;
    const __m256i m4 = _mm256_set1_epi32(0xF), m2 = _mm256_set1_epi32(3), off = _mm256_set1_epi32(32);
    for (int64_t i = 0; i < n / 256; i++) {
        const float d = qk_half_to_float(b[i].d);
        const uint8_t *ql = b[i].ql, *qh = b[i].qh;
        const int8_t *sc = b[i].scales;
        for (int half = 0; half < 2; half++, y += 128, ql += 64, qh += 32, sc += 8) {
            for (int l = 0; l < 32; l += 8) {
                const int is = l / 16;
                const __m256i a = u8x8(ql + l), c = u8x8(ql + 32 + l), h = u8x8(qh + l);
                const __m256i q1 = _mm256_or_si256(_mm256_and_si256(a, m4), _mm256_slli_epi32(_mm256_and_si256(h, m2), 4));
                const __m256i q2 = _mm256_or_si256(_mm256_and_si256(c, m4),
                                                   _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(h, 2), m2), 4));
                const __m256i q3 = _mm256_or_si256(_mm256_srli_epi32(a, 4),
                                                   _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(h, 4), m2), 4));
                const __m256i q4 = _mm256_or_si256(_mm256_srli_epi32(c, 4), _mm256_slli_epi32(_mm256_srli_epi32(h, 6), 4));
                store_scaled(y + l, d * (float)sc[is + 0], _mm256_sub_epi32(q1, off));
                store_scaled(y + l + 32, d * (float)sc[is + 2], _mm256_sub_epi32(q2, off));
                store_scaled(y + l + 64, d * (float)sc[is + 4], _mm256_sub_epi32(q3, off));
                store_scaled(y + l + 96, d * (float)sc[is + 6], _mm256_sub_epi32(q4, off));
            }
        }
    }
}

qk_dequant_fn qk__avx2_dequant(uint32_t type) {
    switch (type) {
    case 1: return deq_f16_avx2;
    case 2: return deq_q4_0_avx2;
    case 6: return deq_q5_0_avx2;
    case 8: return deq_q8_0_avx2;
    case 12: return deq_q4_K_avx2;
    case 13: return deq_q5_K_avx2;
    case 14: return deq_q6_K_avx2;
    case 30: return deq_bf16_avx2;
    default: return NULL;
    }
}

#else
qk_dequant_fn qk__avx2_dequant(uint32_t type) { (void)type; return NULL; }
#endif
