/* The two products of single-query attention, reading the KV cache rows where they are (f32 or f16):
 * scores against every key, and the probability-weighted sum of the values. Decoding runs these once per
 * KV head and tile; converting the rows to f32 first and calling BLAS with a 1-to-8-row left matrix cost
 * several times more than the products themselves. An AVX2+F16C path, a NEON path and a portable one,
 * chosen per call. */
#include "qk_internal.h"

static void scores_ref(const float *q, int64_t group, int64_t dim, const void *keys, int32_t half,
                       int64_t stride, int64_t n, float scale, float *scores) {
    for (int64_t j = 0; j < n; j++) {
        for (int64_t h = 0; h < group; h++) {
            const float *qh = q + h * dim;
            float sum = 0;
            if (half) {
                const qk_half *k = (const qk_half *)keys + j * stride;
                for (int64_t d = 0; d < dim; d++) sum += qh[d] * qk_half_to_float(k[d]);
            } else {
                const float *k = (const float *)keys + j * stride;
                for (int64_t d = 0; d < dim; d++) sum += qh[d] * k[d];
            }
            scores[h * n + j] = scale * sum;
        }
    }
}

static void values_ref(const float *p, int64_t group, int64_t n, const void *values, int32_t half,
                       int64_t stride, int64_t dim, float *out, int32_t accumulate) {
    for (int64_t h = 0; h < group; h++) {
        float *o = out + h * dim;
        if (!accumulate) for (int64_t d = 0; d < dim; d++) o[d] = 0;
        for (int64_t j = 0; j < n; j++) {
            const float w = p[h * n + j];
            if (half) {
                const qk_half *v = (const qk_half *)values + j * stride;
                for (int64_t d = 0; d < dim; d++) o[d] += w * qk_half_to_float(v[d]);
            } else {
                const float *v = (const float *)values + j * stride;
                for (int64_t d = 0; d < dim; d++) o[d] += w * v[d];
            }
        }
    }
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define QK_AVX2 __attribute__((target("avx2,fma,f16c")))

QK_AVX2 static inline __m256 load8(const void *base, int32_t half, int64_t i) {
    return half ? _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)((const qk_half *)base + i)))
                : _mm256_loadu_ps((const float *)base + i);
}

QK_AVX2 static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* Up to four query heads per pass over a key row, two accumulators each (dim is a multiple of 16), so eight
 * independent FMA chains hide the FMA latency; the key row is converted once per pass. */
QK_AVX2 static void scores_avx2(const float *q, int64_t group, int64_t dim, const void *keys, int32_t half,
                                int64_t stride, int64_t n, float scale, float *scores) {
    for (int64_t h0 = 0; h0 < group; h0 += 4) {
        const int64_t hs = group - h0 < 4 ? group - h0 : 4;
        const float *q0 = q + h0 * dim;
        for (int64_t j = 0; j < n; j++) {
            const int64_t row = j * stride;
            __m256 a[4][2];
            for (int h = 0; h < 4; h++) a[h][0] = a[h][1] = _mm256_setzero_ps();
            for (int64_t d = 0; d < dim; d += 16) {
                const __m256 k0 = load8(keys, half, row + d), k1 = load8(keys, half, row + d + 8);
                for (int h = 0; h < hs; h++) {
                    a[h][0] = _mm256_fmadd_ps(_mm256_loadu_ps(q0 + h * dim + d), k0, a[h][0]);
                    a[h][1] = _mm256_fmadd_ps(_mm256_loadu_ps(q0 + h * dim + d + 8), k1, a[h][1]);
                }
            }
            for (int h = 0; h < hs; h++) scores[(h0 + h) * n + j] = scale * hsum8(_mm256_add_ps(a[h][0], a[h][1]));
        }
    }
}

/* Sixteen output values of up to four heads live in eight registers while every value row goes by. */
QK_AVX2 static void values_avx2(const float *p, int64_t group, int64_t n, const void *values, int32_t half,
                                int64_t stride, int64_t dim, float *out, int32_t accumulate) {
    for (int64_t h0 = 0; h0 < group; h0 += 4) {
        const int64_t hs = group - h0 < 4 ? group - h0 : 4;
        for (int64_t d = 0; d < dim; d += 16) {
            __m256 a[4][2];
            for (int h = 0; h < 4; h++) {
                float *o = out + (h0 + (h < hs ? h : 0)) * dim + d;
                a[h][0] = accumulate ? _mm256_loadu_ps(o) : _mm256_setzero_ps();
                a[h][1] = accumulate ? _mm256_loadu_ps(o + 8) : _mm256_setzero_ps();
            }
            for (int64_t j = 0; j < n; j++) {
                const __m256 v0 = load8(values, half, j * stride + d), v1 = load8(values, half, j * stride + d + 8);
                for (int h = 0; h < hs; h++) {
                    const __m256 w = _mm256_broadcast_ss(p + (h0 + h) * n + j);
                    a[h][0] = _mm256_fmadd_ps(w, v0, a[h][0]);
                    a[h][1] = _mm256_fmadd_ps(w, v1, a[h][1]);
                }
            }
            for (int h = 0; h < hs; h++) {
                _mm256_storeu_ps(out + (h0 + h) * dim + d, a[h][0]);
                _mm256_storeu_ps(out + (h0 + h) * dim + d + 8, a[h][1]);
            }
        }
    }
}

#define SIMD_SCORES scores_avx2
#define SIMD_VALUES values_avx2
static int use_simd(int64_t dim) { return dim % 16 == 0 && qk_has_avx2_set(); }

#elif defined(__aarch64__)
#include <arm_neon.h>

static inline float32x4_t load4(const void *base, int32_t half, int64_t i) {
    return half ? vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16((const qk_half *)base + i)))
                : vld1q_f32((const float *)base + i);
}

/* As scores_avx2: up to four query heads per pass over a key row, two 4-lane accumulators each. */
static void scores_neon(const float *q, int64_t group, int64_t dim, const void *keys, int32_t half,
                        int64_t stride, int64_t n, float scale, float *scores) {
    for (int64_t h0 = 0; h0 < group; h0 += 4) {
        const int64_t hs = group - h0 < 4 ? group - h0 : 4;
        const float *q0 = q + h0 * dim;
        for (int64_t j = 0; j < n; j++) {
            const int64_t row = j * stride;
            float32x4_t a[4][2];
            for (int h = 0; h < 4; h++) a[h][0] = a[h][1] = vdupq_n_f32(0.0f);
            for (int64_t d = 0; d < dim; d += 8) {
                const float32x4_t k0 = load4(keys, half, row + d), k1 = load4(keys, half, row + d + 4);
                for (int h = 0; h < hs; h++) {
                    a[h][0] = vfmaq_f32(a[h][0], vld1q_f32(q0 + h * dim + d), k0);
                    a[h][1] = vfmaq_f32(a[h][1], vld1q_f32(q0 + h * dim + d + 4), k1);
                }
            }
            for (int h = 0; h < hs; h++) scores[(h0 + h) * n + j] = scale * vaddvq_f32(vaddq_f32(a[h][0], a[h][1]));
        }
    }
}

/* As values_avx2: eight output values of up to four heads stay in registers while every value row goes by. */
static void values_neon(const float *p, int64_t group, int64_t n, const void *values, int32_t half,
                        int64_t stride, int64_t dim, float *out, int32_t accumulate) {
    for (int64_t h0 = 0; h0 < group; h0 += 4) {
        const int64_t hs = group - h0 < 4 ? group - h0 : 4;
        for (int64_t d = 0; d < dim; d += 8) {
            float32x4_t a[4][2];
            for (int h = 0; h < 4; h++) {
                const float *o = out + (h0 + (h < hs ? h : 0)) * dim + d;
                a[h][0] = accumulate ? vld1q_f32(o) : vdupq_n_f32(0.0f);
                a[h][1] = accumulate ? vld1q_f32(o + 4) : vdupq_n_f32(0.0f);
            }
            for (int64_t j = 0; j < n; j++) {
                const float32x4_t v0 = load4(values, half, j * stride + d), v1 = load4(values, half, j * stride + d + 4);
                for (int h = 0; h < hs; h++) {
                    const float w = p[(h0 + h) * n + j];
                    a[h][0] = vfmaq_n_f32(a[h][0], v0, w);
                    a[h][1] = vfmaq_n_f32(a[h][1], v1, w);
                }
            }
            for (int h = 0; h < hs; h++) {
                vst1q_f32(out + (h0 + h) * dim + d, a[h][0]);
                vst1q_f32(out + (h0 + h) * dim + d + 4, a[h][1]);
            }
        }
    }
}

#define SIMD_SCORES scores_neon
#define SIMD_VALUES values_neon
static int use_simd(int64_t dim) { return dim % 8 == 0 && qk_has_neon(); }

#else
static int use_simd(int64_t dim) { (void)dim; return 0; }
#define SIMD_SCORES scores_ref
#define SIMD_VALUES values_ref
#endif

void qk_attn_scores(const float *q, int64_t group, int64_t dim, const void *keys, int32_t half, int64_t stride,
                    int64_t n, float scale, float *scores, uint32_t impl) {
    if (impl != QK_IMPL_PORTABLE && use_simd(dim)) SIMD_SCORES(q, group, dim, keys, half, stride, n, scale, scores);
    else scores_ref(q, group, dim, keys, half, stride, n, scale, scores);
}

void qk_attn_values(const float *p, int64_t group, int64_t n, const void *values, int32_t half, int64_t stride,
                    int64_t dim, float *out, int32_t accumulate, uint32_t impl) {
    if (impl != QK_IMPL_PORTABLE && use_simd(dim)) SIMD_VALUES(p, group, n, values, half, stride, dim, out, accumulate);
    else values_ref(p, group, n, values, half, stride, dim, out, accumulate);
}
