/* Row conversion between f16 and f32 (see qk_half.h): a portable path through qk_internal.h's exact
 * bit conversions, and a SIMD path chosen at run time: F16C on x86 (8 values per instruction), FCVTL/FCVTN
 * on arm64 (4). Both round to nearest even and keep subnormals, as the portable path does. */
#include "qk_internal.h"
#include "qk_half.h"

typedef void (*half_in_fn)(const uint16_t *x, float *y, int64_t n);
typedef void (*half_out_fn)(const float *x, uint16_t *y, int64_t n);

static void f16_to_f32_ref(const uint16_t *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = qk_half_to_float(x[i]);
}

static void f32_to_f16_ref(const float *x, uint16_t *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = qk_float_to_half(x[i]);
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define QK_F16C __attribute__((target("avx,f16c")))
#define SIMD_IMPL QK_IMPL_AVX2

QK_F16C static void f16_to_f32_simd(const uint16_t *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i))));
    for (; i < n; i++) y[i] = qk_half_to_float(x[i]);
}

QK_F16C static void f32_to_f16_simd(const float *x, uint16_t *y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(y + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++) y[i] = qk_float_to_half(x[i]);
}

/* Asked once per conversion, i.e. per attention tile; qk_cpu_features caches the detection. */
static int has_simd(void) {
    const uint32_t need = QK_CPU_AVX2 | QK_CPU_F16C;
    return (qk_cpu_features() & need) == need;
}
#elif defined(__aarch64__)
#include <arm_neon.h>
#define SIMD_IMPL QK_IMPL_NEON

/* The narrowing rounds in the FPCR mode, which Linux leaves at round to nearest even. */
static void f16_to_f32_simd(const uint16_t *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(x + i))));
    for (; i < n; i++) y[i] = qk_half_to_float(x[i]);
}

static void f32_to_f16_simd(const float *x, uint16_t *y, int64_t n) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) vst1_u16(y + i, vreinterpret_u16_f16(vcvt_f16_f32(vld1q_f32(x + i))));
    for (; i < n; i++) y[i] = qk_float_to_half(x[i]);
}

static int has_simd(void) { return qk_has_neon(); }
#else
#define SIMD_IMPL QK_IMPL_BEST
static int has_simd(void) { return 0; }
#define f16_to_f32_simd f16_to_f32_ref
#define f32_to_f16_simd f32_to_f16_ref
#endif

static half_in_fn pick_in(uint32_t impl) {
    if (impl == QK_IMPL_PORTABLE) return f16_to_f32_ref;
    if (impl == QK_IMPL_BEST) return has_simd() ? f16_to_f32_simd : f16_to_f32_ref;
    return impl == SIMD_IMPL && has_simd() ? f16_to_f32_simd : NULL;
}

static half_out_fn pick_out(uint32_t impl) {
    if (impl == QK_IMPL_PORTABLE) return f32_to_f16_ref;
    if (impl == QK_IMPL_BEST) return has_simd() ? f32_to_f16_simd : f32_to_f16_ref;
    return impl == SIMD_IMPL && has_simd() ? f32_to_f16_simd : NULL;
}

int qk_f16_to_f32(const uint16_t *x, float *y, int64_t n, uint32_t impl) {
    half_in_fn f = pick_in(impl);
    if (!f) return -1;
    f(x, y, n);
    return 0;
}

int qk_f32_to_f16(const float *x, uint16_t *y, int64_t n, uint32_t impl) {
    half_out_fn f = pick_out(impl);
    if (!f) return -1;
    f(x, y, n);
    return 0;
}

void qk_f16_to_f32_rows(const uint16_t *x, int64_t x_stride, float *y, int64_t y_stride, int64_t rows, int64_t n) {
    /* Attention converts a tile of a few hundred rows per call: resolve the kernel once per call. */
    half_in_fn f = pick_in(QK_IMPL_BEST);
    for (int64_t r = 0; r < rows; r++) f(x + r * x_stride, y + r * y_stride, n);
}
