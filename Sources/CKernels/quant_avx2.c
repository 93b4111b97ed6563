/* AVX2/FMA/F16C dot products of a quantized row with an f32 activation vector.
 * Compiled per function with a target attribute so the module still builds for generic x86_64;
 * dispatch.c hands them out only when qk_cpu_features() reports AVX2, FMA and F16C.
 * Shape of every kernel: unpack 8 quants to 8 int32 lanes, convert to f32, multiply with 8 activations;
 * sums are kept per (sub-)block and scaled once, so the block scale costs one FMA per 8-32 values. */
#include "qk_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define QK_AVX2 __attribute__((target("avx2,fma,f16c")))

QK_AVX2 static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* 8 bytes at p, zero-extended to 8 int32 lanes. */
QK_AVX2 static inline __m256i u8x8(const uint8_t *p) {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p));
}

QK_AVX2 static inline __m256 i32_to_ps(__m256i v) { return _mm256_cvtepi32_ps(v); }

/* Block scales: a half broadcast to all 8 lanes, then converted. Converting a single lane (_cvtsh_ss) let
 * the compiler insert the half into whatever register was live, here the accumulator, which chained every
 * block's scale to the previous block's FMA and made the loop 2-3x slower. Scalar scales (once per K-quant
 * super-block) use the integer conversion for the same reason. */
QK_AVX2 static inline __m256 half_splat(qk_half h) { return _mm256_cvtph_ps(_mm_set1_epi16((short)h)); }
#define half_f qk_half_to_float

QK_AVX2 static float dot_f32_avx2(const void *row, const float *x, int64_t n) {
    const float *w = row;
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i), a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 8), _mm256_loadu_ps(x + i + 8), a1);
        a2 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 16), _mm256_loadu_ps(x + i + 16), a2);
        a3 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 24), _mm256_loadu_ps(x + i + 24), a3);
    }
    for (; i + 8 <= n; i += 8) a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i), a0);
    float s = hsum8(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    for (; i < n; i++) s += w[i] * x[i];
    return s;
}

QK_AVX2 static float dot_f16_avx2(const void *row, const float *x, int64_t n) {
    const qk_half *w = row;
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        a0 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w + i))), _mm256_loadu_ps(x + i), a0);
        a1 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w + i + 8))), _mm256_loadu_ps(x + i + 8), a1);
        a2 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w + i + 16))), _mm256_loadu_ps(x + i + 16), a2);
        a3 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w + i + 24))), _mm256_loadu_ps(x + i + 24), a3);
    }
    for (; i + 8 <= n; i += 8)
        a0 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w + i))), _mm256_loadu_ps(x + i), a0);
    float s = hsum8(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    for (; i < n; i++) s += half_f(w[i]) * x[i];
    return s;
}

QK_AVX2 static inline __m256 bf16x8(const uint16_t *p) {
    __m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(v, 16));
}

QK_AVX2 static float dot_bf16_avx2(const void *row, const float *x, int64_t n) {
    const uint16_t *w = row;
    __m256 a0 = _mm256_setzero_ps(), a1 = a0;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        a0 = _mm256_fmadd_ps(bf16x8(w + i), _mm256_loadu_ps(x + i), a0);
        a1 = _mm256_fmadd_ps(bf16x8(w + i + 8), _mm256_loadu_ps(x + i + 8), a1);
    }
    for (; i + 8 <= n; i += 8) a0 = _mm256_fmadd_ps(bf16x8(w + i), _mm256_loadu_ps(x + i), a0);
    float s = hsum8(_mm256_add_ps(a0, a1));
    for (; i < n; i++) s += qk_bf16_to_float(w[i]) * x[i];
    return s;
}

QK_AVX2 static float dot_q8_0_avx2(const void *row, const float *x, int64_t n) {
    const qk_block_q8_0 *b = row;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0;
    const int64_t nb = n / 32;
    for (int64_t i = 0; i < nb; i++, x += 32) {
        const int8_t *q = b[i].qs;
        __m256 p0 = _mm256_mul_ps(i32_to_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)q))), _mm256_loadu_ps(x));
        __m256 p1 = _mm256_mul_ps(i32_to_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(q + 8)))), _mm256_loadu_ps(x + 8));
        p0 = _mm256_fmadd_ps(i32_to_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(q + 16)))), _mm256_loadu_ps(x + 16), p0);
        p1 = _mm256_fmadd_ps(i32_to_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(q + 24)))), _mm256_loadu_ps(x + 24), p1);
        const __m256 d = half_splat(b[i].d);
        /* Two accumulators alternate between blocks so consecutive blocks' FMAs do not wait on each other. */
        if (i & 1) acc1 = _mm256_fmadd_ps(d, _mm256_add_ps(p0, p1), acc1);
        else acc0 = _mm256_fmadd_ps(d, _mm256_add_ps(p0, p1), acc0);
    }
    return hsum8(_mm256_add_ps(acc0, acc1));
}

/* Sum over one 32-value legacy block of q[i] * x[i] and of x[i], where q arrives as two 16-byte halves
 * of int32-ready bytes: lo16 = values 0..15, hi16 = values 16..31, plus the 5th bits (Q5) already merged. */
QK_AVX2 static inline __m256 legacy_qx(const __m256i q[4], const float *x) {
    __m256 p0 = _mm256_mul_ps(i32_to_ps(q[0]), _mm256_loadu_ps(x));
    __m256 p1 = _mm256_mul_ps(i32_to_ps(q[1]), _mm256_loadu_ps(x + 8));
    p0 = _mm256_fmadd_ps(i32_to_ps(q[2]), _mm256_loadu_ps(x + 16), p0);
    p1 = _mm256_fmadd_ps(i32_to_ps(q[3]), _mm256_loadu_ps(x + 24), p1);
    return _mm256_add_ps(p0, p1);
}

QK_AVX2 static inline __m256 xsum32(const float *x) {
    return _mm256_add_ps(_mm256_add_ps(_mm256_loadu_ps(x), _mm256_loadu_ps(x + 8)),
                         _mm256_add_ps(_mm256_loadu_ps(x + 16), _mm256_loadu_ps(x + 24)));
}

/* Unpacks 16 nibble bytes to 32 int32 lanes in value order: low nibbles are values 0..15, high 16..31. */
QK_AVX2 static inline void nibbles32(const uint8_t *qs, __m256i q[4]) {
    const __m256i m4 = _mm256_set1_epi32(0xF);
    const __m256i a = u8x8(qs), b = u8x8(qs + 8);
    q[0] = _mm256_and_si256(a, m4);
    q[1] = _mm256_and_si256(b, m4);
    q[2] = _mm256_srli_epi32(a, 4);
    q[3] = _mm256_srli_epi32(b, 4);
}

/* ORs bit 4 into value i from bit i of the Q5 high-bit word: lane k of group g is value 8g + k. */
QK_AVX2 static inline void merge_q5_high(uint32_t qh, __m256i q[4]) {
    const __m256i bits = _mm256_set1_epi32((int)qh), one = _mm256_set1_epi32(1);
    __m256i shift = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (int g = 0; g < 4; g++) {
        const __m256i h = _mm256_and_si256(_mm256_srlv_epi32(bits, shift), one);
        q[g] = _mm256_or_si256(q[g], _mm256_slli_epi32(h, 4));
        shift = _mm256_add_epi32(shift, _mm256_set1_epi32(8));
    }
}

QK_AVX2 static float dot_q4_0_avx2(const void *row, const float *x, int64_t n) {
    const qk_block_q4_0 *b = row;
    __m256 acc = _mm256_setzero_ps();
    const __m256i eight = _mm256_set1_epi32(8);
    for (int64_t i = 0; i < n / 32; i++, x += 32) {
        __m256i q[4];
        nibbles32(b[i].qs, q);
        for (int g = 0; g < 4; g++) q[g] = _mm256_sub_epi32(q[g], eight);
        acc = _mm256_fmadd_ps(half_splat(b[i].d), legacy_qx(q, x), acc);
    }
    return hsum8(acc);
}

QK_AVX2 static float dot_q4_1_avx2(const void *row, const float *x, int64_t n) {
    const qk_block_q4_1 *b = row;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / 32; i++, x += 32) {
        __m256i q[4];
        nibbles32(b[i].qs, q);
        /* sum (d q + m) x = d sum(q x) + m sum(x) */
        acc = _mm256_fmadd_ps(half_splat(b[i].d), legacy_qx(q, x), acc);
        acc = _mm256_fmadd_ps(half_splat(b[i].m), xsum32(x), acc);
    }
    return hsum8(acc);
}

QK_AVX2 static float dot_q5_0_avx2(const void *row, const float *x, int64_t n) {
    const qk_block_q5_0 *b = row;
    __m256 acc = _mm256_setzero_ps();
    const __m256i sixteen = _mm256_set1_epi32(16);
    for (int64_t i = 0; i < n / 32; i++, x += 32) {
        __m256i q[4];
        nibbles32(b[i].qs, q);
        merge_q5_high(qk_load_u32le(b[i].qh), q);
        for (int g = 0; g < 4; g++) q[g] = _mm256_sub_epi32(q[g], sixteen);
        acc = _mm256_fmadd_ps(half_splat(b[i].d), legacy_qx(q, x), acc);
    }
    return hsum8(acc);
}

QK_AVX2 static float dot_q5_1_avx2(const void *row, const float *x, int64_t n) {
    const qk_block_q5_1 *b = row;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / 32; i++, x += 32) {
        __m256i q[4];
        nibbles32(b[i].qs, q);
        merge_q5_high(qk_load_u32le(b[i].qh), q);
        acc = _mm256_fmadd_ps(half_splat(b[i].d), legacy_qx(q, x), acc);
        acc = _mm256_fmadd_ps(half_splat(b[i].m), xsum32(x), acc);
    }
    return hsum8(acc);
}

/* Q4_K and Q5_K share their shape: 4 chunks of 64 values; within chunk c the low nibbles of qs[32c..32c+31]
 * are sub-block 2c (values 64c..64c+31) and the high nibbles sub-block 2c+1. Per sub-block we need
 * sum(q x) (scaled by d*sc) and sum(x) (scaled by dmin*m), so the min costs one FMA per 32 values.
 * With qh non-NULL (Q5_K), bit k of qh[l] adds 16 to value l of sub-block k. */
QK_AVX2 static inline __m256 k4_superblock(float d, float dmin, const uint8_t *scales, const uint8_t *qs,
                                           const uint8_t *qh, const float *x, __m256 acc) {
    const __m256i m4 = _mm256_set1_epi32(0xF), one = _mm256_set1_epi32(1);
    uint8_t sc[8], m[8];
    qk_k4_unpack_scales(scales, sc, m);
    for (int c = 0; c < 4; c++, qs += 32, x += 64) {
        __m256 lo_qx = _mm256_setzero_ps(), hi_qx = lo_qx, lo_x = lo_qx, hi_x = lo_qx;
        for (int g = 0; g < 4; g++) {
            const __m256i v = u8x8(qs + 8 * g);
            __m256i lo = _mm256_and_si256(v, m4), hi = _mm256_srli_epi32(v, 4);
            if (qh) {
                const __m256i h = u8x8(qh + 8 * g);
                lo = _mm256_or_si256(lo, _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(h, 2 * c), one), 4));
                hi = _mm256_or_si256(hi, _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(h, 2 * c + 1), one), 4));
            }
            const __m256 xl = _mm256_loadu_ps(x + 8 * g), xh = _mm256_loadu_ps(x + 32 + 8 * g);
            lo_qx = _mm256_fmadd_ps(i32_to_ps(lo), xl, lo_qx);
            hi_qx = _mm256_fmadd_ps(i32_to_ps(hi), xh, hi_qx);
            lo_x = _mm256_add_ps(lo_x, xl);
            hi_x = _mm256_add_ps(hi_x, xh);
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d * (float)sc[2 * c]), lo_qx, acc);
        acc = _mm256_fnmadd_ps(_mm256_set1_ps(dmin * (float)m[2 * c]), lo_x, acc);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d * (float)sc[2 * c + 1]), hi_qx, acc);
        acc = _mm256_fnmadd_ps(_mm256_set1_ps(dmin * (float)m[2 * c + 1]), hi_x, acc);
    }
    return acc;
}

QK_AVX2 static float dot_q4_K_avx2(const void *row, const float *x, int64_t n) {
    const qk_block_q4_K *b = row;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / 256; i++, x += 256)
        acc = k4_superblock(half_f(b[i].d), half_f(b[i].dmin), b[i].scales, b[i].qs, NULL, x, acc);
    return hsum8(acc);
}

QK_AVX2 static float dot_q5_K_avx2(const void *row, const float *x, int64_t n) {
    const qk_block_q5_K *b = row;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / 256; i++, x += 256)
        acc = k4_superblock(half_f(b[i].d), half_f(b[i].dmin), b[i].scales, b[i].qs, b[i].qh, x, acc);
    return hsum8(acc);
}

/* Q6_K: per half of 128 values and per group of 8 l's, one load each of ql[l], ql[l+32], qh[l] yields the
 * four 8-lane quant vectors for values l, l+32, l+64, l+96 (see qk_block_q6_K). Sub-blocks are 16 values,
 * so each 8-lane vector has a single scale. Four accumulators, one per quarter, keep the FMAs independent. */
QK_AVX2 static float dot_q6_K_avx2(const void *row, const float *x, int64_t n) {
    const qk_block_q6_K *b = row;
    const __m256i m4 = _mm256_set1_epi32(0xF), m2 = _mm256_set1_epi32(3), off = _mm256_set1_epi32(32);
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (int64_t i = 0; i < n / 256; i++) {
        const float d = half_f(b[i].d);
        const uint8_t *ql = b[i].ql, *qh = b[i].qh;
        const int8_t *sc = b[i].scales;
        const float *xb = x + 256 * i;
        for (int half = 0; half < 2; half++, ql += 64, qh += 32, sc += 8, xb += 128) {
            for (int l = 0; l < 32; l += 8) {
                const int is = l / 16;
                const __m256i a = u8x8(ql + l), c = u8x8(ql + 32 + l), h = u8x8(qh + l);
                const __m256i q1 = _mm256_sub_epi32(_mm256_or_si256(_mm256_and_si256(a, m4),
                    _mm256_slli_epi32(_mm256_and_si256(h, m2), 4)), off);
                const __m256i q2 = _mm256_sub_epi32(_mm256_or_si256(_mm256_and_si256(c, m4),
                    _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(h, 2), m2), 4)), off);
                const __m256i q3 = _mm256_sub_epi32(_mm256_or_si256(_mm256_srli_epi32(a, 4),
                    _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(h, 4), m2), 4)), off);
                const __m256i q4 = _mm256_sub_epi32(_mm256_or_si256(_mm256_srli_epi32(c, 4),
                    _mm256_slli_epi32(_mm256_srli_epi32(h, 6), 4)), off);
                a0 = _mm256_fmadd_ps(_mm256_set1_ps(d * (float)sc[is + 0]),
                                     _mm256_mul_ps(i32_to_ps(q1), _mm256_loadu_ps(xb + l)), a0);
                a1 = _mm256_fmadd_ps(_mm256_set1_ps(d * (float)sc[is + 2]),
                                     _mm256_mul_ps(i32_to_ps(q2), _mm256_loadu_ps(xb + l + 32)), a1);
                a2 = _mm256_fmadd_ps(_mm256_set1_ps(d * (float)sc[is + 4]),
                                     _mm256_mul_ps(i32_to_ps(q3), _mm256_loadu_ps(xb + l + 64)), a2);
                a3 = _mm256_fmadd_ps(_mm256_set1_ps(d * (float)sc[is + 6]),
                                     _mm256_mul_ps(i32_to_ps(q4), _mm256_loadu_ps(xb + l + 96)), a3);
            }
        }
    }
    return hsum8(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
}

qk_dot_fn qk__avx2_dot(uint32_t type) {
    switch (type) {
    case 0: return dot_f32_avx2;
    case 1: return dot_f16_avx2;
    case 2: return dot_q4_0_avx2;
    case 3: return dot_q4_1_avx2;
    case 6: return dot_q5_0_avx2;
    case 7: return dot_q5_1_avx2;
    case 8: return dot_q8_0_avx2;
    case 12: return dot_q4_K_avx2;
    case 13: return dot_q5_K_avx2;
    case 14: return dot_q6_K_avx2;
    case 30: return dot_bf16_avx2;
    default: return NULL;
    }
}

#else
qk_dot_fn qk__avx2_dot(uint32_t type) { (void)type; return NULL; }
#endif
