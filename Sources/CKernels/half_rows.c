/* Row conversion between f16 and f32 (see qk_half.h): a portable path through qk_internal.h's exact
 * bit conversions, and an F16C path (8 values per instruction) chosen at run time. */
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

QK_F16C static void f16_to_f32_f16c(const uint16_t *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i))));
    for (; i < n; i++) y[i] = qk_half_to_float(x[i]);
}

QK_F16C static void f32_to_f16_f16c(const float *x, uint16_t *y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(y + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++) y[i] = qk_float_to_half(x[i]);
}

/* Asked once per conversion, i.e. per attention tile; qk_cpu_features caches the detection. */
static int has_f16c(void) {
    const uint32_t need = QK_CPU_AVX2 | QK_CPU_F16C;
    return (qk_cpu_features() & need) == need;
}
#else
static int has_f16c(void) { return 0; }
#define f16_to_f32_f16c f16_to_f32_ref
#define f32_to_f16_f16c f32_to_f16_ref
#endif

static half_in_fn pick_in(uint32_t impl) {
    switch (impl) {
    case QK_IMPL_PORTABLE: return f16_to_f32_ref;
    case QK_IMPL_AVX2: return has_f16c() ? f16_to_f32_f16c : NULL;
    case QK_IMPL_BEST: return has_f16c() ? f16_to_f32_f16c : f16_to_f32_ref;
    default: return NULL;
    }
}

static half_out_fn pick_out(uint32_t impl) {
    switch (impl) {
    case QK_IMPL_PORTABLE: return f32_to_f16_ref;
    case QK_IMPL_AVX2: return has_f16c() ? f32_to_f16_f16c : NULL;
    case QK_IMPL_BEST: return has_f16c() ? f32_to_f16_f16c : f32_to_f16_ref;
    default: return NULL;
    }
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
