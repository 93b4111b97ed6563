/* The SIMD kernels this machine cannot run natively against the portable ones (`make test-kernels`):
 *   - "neon": the NEON kernels, built for arm64 and run under qemu-aarch64 (run-arm64.sh), and
 *     "neon-dotprod": that level with the SDOT int8 dots (qemu's default CPU has the dot product; run-arm64.sh
 *     also runs "neon" on a Cortex-A53, which lacks it, where the dispatch must fall back to base NEON);
 *   - "avx512": the AVX-512 VNNI int8 dots, built against SIMDe's portable versions of the AVX-512
 *     instructions, which also makes cpu.c report AVX-512 (run-avx512.sh); that level's other kernels are
 *     the AVX2 ones, checked the same way.
 * Every check goes through the public dispatch of ckernels.h with the level under test and QK_IMPL_PORTABLE,
 * on random rows of every type:
 *   - activation quantizers: identical bytes, also for NaN, infinite, zero and subnormal inputs;
 *   - dequantization: identical bits (NaN only as NaN);
 *   - int8 dots and f32 dots: both within 1e-5 of Σ|w·x| of a double-precision sum over the same values;
 *   - f16 row conversions: identical bits (NaN only as NaN), including subnormals and overflow;
 *   - attention scores and values, f32 and f16 rows: within 1e-5 of the magnitude sum.
 * Usage: kernel_parity neon|neon-dotprod|avx512 [portable]; with "portable" (run with QUORUM_KERNELS=portable) it only
 * checks that QK_IMPL_BEST resolves to the portable kernels. Prints "N passed, M failed". */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ckernels.h"
#include "qk_half.h"

static int passed, failed;
/* The implementation level under test, and the one its f16 row conversions belong to. */
static uint32_t impl = QK_IMPL_NEON, half_impl = QK_IMPL_NEON;
static void check(int ok, const char *what, int type, int trial) {
    if (ok) { passed++; return; }
    failed++;
    if (failed <= 30) printf("FAIL %s (type %d, trial %d)\n", what, type, trial);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static float uniform(float lo, float hi) { return lo + (hi - lo) * (float)((next() >> 11) * (1.0 / 9007199254740992.0)); }

/* f32 -> f16 bits through the portable conversion (the one under test elsewhere). */
static uint16_t half_of(float f) {
    uint16_t h;
    qk_f32_to_f16(&f, &h, 1, QK_IMPL_PORTABLE);
    return h;
}

struct type_info { int id; int block; int bytes; const char *name; };
static const struct type_info types[] = {
    {2, 32, 18, "Q4_0"}, {6, 32, 22, "Q5_0"}, {8, 32, 34, "Q8_0"},
    {12, 256, 144, "Q4_K"}, {13, 256, 176, "Q5_K"}, {14, 256, 210, "Q6_K"},
};

/* Random bytes, with the scale fields set to finite halves of a realistic size. */
static void random_row(const struct type_info *t, uint8_t *row, int blocks) {
    for (int i = 0; i < blocks * t->bytes; i++) row[i] = (uint8_t)next();
    for (int b = 0; b < blocks; b++) {
        uint8_t *p = row + b * t->bytes;
        uint16_t d = half_of(uniform(-0.05f, 0.05f)), dmin = half_of(uniform(0.0f, 0.02f));
        switch (t->id) {
        case 2: case 6: case 8: memcpy(p, &d, 2); break;
        case 12: case 13: memcpy(p, &d, 2); memcpy(p + 2, &dmin, 2); break;
        case 14: memcpy(p + 208, &d, 2); break;
        }
    }
}

static double magnitude_tolerance(const float *w, const float *x, int64_t n) {
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += fabs((double)w[i] * (double)x[i]);
    return 1e-5 * s + 1e-30;
}

static double exact_dot(const float *w, const float *x, int64_t n) {
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += (double)w[i] * (double)x[i];
    return s;
}

static int same_floats(const float *a, const float *b, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        if (isnan(a[i]) && isnan(b[i])) continue;
        if (memcmp(&a[i], &b[i], sizeof(float)) != 0) return 0;
    }
    return 1;
}

static void test_type(const struct type_info *t) {
    const int n = 1024, blocks = n / t->block;
    uint8_t *row = malloc((size_t)blocks * t->bytes);
    float *x = malloc(n * sizeof(float)), *w = malloc(n * sizeof(float)), *w2 = malloc(n * sizeof(float));
    float *xd = malloc(n * sizeof(float));
    const uint32_t act = qk_qdot_activation_type((uint32_t)t->id);
    const size_t act_bytes = act == 8 ? (size_t)(n / 32) * 34 : (size_t)(n / 256) * 292;
    uint8_t *xq = malloc(act_bytes), *xq2 = malloc(act_bytes);
    for (int trial = 0; trial < 40; trial++) {
        random_row(t, row, blocks);
        const float spread = trial % 4 == 0 ? 1e-3f : trial % 4 == 1 ? 1.0f : trial % 4 == 2 ? 30.0f : 1e4f;
        for (int i = 0; i < n; i++) x[i] = uniform(-spread, spread);
        if (trial % 8 == 7) for (int i = 0; i < 32; i++) x[i] = 0.0f;  /* an all-zero block: scale 0 */

        /* Dequantization: identical bits. */
        qk_dequant_fn deq_ref = qk_dequant_kernel_impl((uint32_t)t->id, QK_IMPL_PORTABLE);
        qk_dequant_fn deq_simd = qk_dequant_kernel_impl((uint32_t)t->id, impl);
        check(deq_simd != NULL, "SIMD dequantizer exists", t->id, trial);
        if (!deq_simd) break;
        deq_ref(row, w, n);
        deq_simd(row, w2, n);
        check(same_floats(w, w2, n), "dequantize bit-identical", t->id, trial);

        /* f32-activation dot. */
        qk_dot_fn dot_simd = qk_dot_kernel((uint32_t)t->id, impl), dot_ref = qk_dot_kernel((uint32_t)t->id, QK_IMPL_PORTABLE);
        check(dot_simd != NULL, "SIMD f32 dot exists", t->id, trial);
        if (dot_simd) {
            const double want = exact_dot(w, x, n), tol = magnitude_tolerance(w, x, n);
            check(fabs(dot_simd(row, x, n) - want) <= tol, "f32 dot SIMD", t->id, trial);
            check(fabs(dot_ref(row, x, n) - want) <= tol, "f32 dot portable", t->id, trial);
        }

        /* Activation quantizer: identical bytes. */
        if (act == 8) {
            qk_quantize_row_q8_0_impl(x, xq, n, QK_IMPL_PORTABLE);
            qk_quantize_row_q8_0_impl(x, xq2, n, impl);
        } else {
            qk_quantize_row_q8_K_impl(x, xq, n, QK_IMPL_PORTABLE);
            qk_quantize_row_q8_K_impl(x, xq2, n, impl);
        }
        check(memcmp(xq, xq2, act_bytes) == 0, "activation quantizer bytes", t->id, trial);

        /* int8 dot: both kernels against the double sum over the same integers' values. */
        qk_dequant_kernel_impl(act, QK_IMPL_PORTABLE)(xq, xd, n);
        qk_qdot_fn q_ref = qk_qdot_kernel((uint32_t)t->id, QK_IMPL_PORTABLE), q_simd = qk_qdot_kernel((uint32_t)t->id, impl);
        check(q_simd != NULL, "SIMD int8 dot exists", t->id, trial);
        if (q_simd) {
            const double want = exact_dot(w, xd, n), tol = magnitude_tolerance(w, xd, n);
            const float got = q_simd(row, xq, n), ref = q_ref(row, xq, n);
            check(fabs(got - want) <= tol, "int8 dot SIMD", t->id, trial);
            check(fabs(ref - want) <= tol, "int8 dot portable", t->id, trial);
        }
    }
    free(row); free(x); free(w); free(w2); free(xd); free(xq); free(xq2);
}

/* Quantizers on hostile activations: NaN, ±infinity, subnormals, huge values. */
static void test_quantizer_edges(void) {
    const int n = 512;
    float x[512];
    uint8_t a[512 / 256 * 292 + 64], b[512 / 256 * 292 + 64];
    for (int trial = 0; trial < 20; trial++) {
        for (int i = 0; i < n; i++) {
            const uint64_t r = next() % 16;
            x[i] = r == 0 ? NAN : r == 1 ? INFINITY : r == 2 ? -INFINITY : r == 3 ? 1e-40f : r == 4 ? -3e38f : uniform(-2, 2);
        }
        if (trial % 2) {
            /* Exact ties: with max |x| = 127 the scale is 1, and k + 0.5 must round away from zero. */
            for (int i = 0; i < n; i++) x[i] = (float)((int)(next() % 253) - 126) + (i % 2 ? 0.5f : -0.5f);
            for (int i = 0; i < n; i += 32) x[i] = 127.0f;
        }
        qk_quantize_row_q8_0_impl(x, a, n, QK_IMPL_PORTABLE);
        qk_quantize_row_q8_0_impl(x, b, n, impl);
        check(memcmp(a, b, (size_t)(n / 32) * 34) == 0, "Q8_0 quantizer, hostile input", 8, trial);
        qk_quantize_row_q8_K_impl(x, a, n, QK_IMPL_PORTABLE);
        qk_quantize_row_q8_K_impl(x, b, n, impl);
        check(memcmp(a, b, (size_t)(n / 256) * 292) == 0, "Q8_K quantizer, hostile input", 15, trial);
    }
}

static void test_f16_types(void) {
    const int n = 1000;  /* not a multiple of 4 or 8: the scalar tails run too */
    uint16_t h[1000], h2[1000];
    float a[1000], b[1000], x[1000];
    for (int trial = 0; trial < 20; trial++) {
        for (int i = 0; i < n; i++) h[i] = (uint16_t)next();
        qk_f16_to_f32(h, a, n, QK_IMPL_PORTABLE);
        check(qk_f16_to_f32(h, b, n, half_impl) == 0, "SIMD f16->f32 exists", 1, trial);
        check(same_floats(a, b, n), "f16->f32 bit-identical", 1, trial);
        for (int i = 0; i < n; i++) {
            const uint64_t r = next() % 8;
            x[i] = r == 0 ? uniform(-1e-6f, 1e-6f) : r == 1 ? uniform(-70000, 70000) : r == 2 ? NAN : uniform(-10, 10);
        }
        qk_f32_to_f16(x, h, n, QK_IMPL_PORTABLE);
        qk_f32_to_f16(x, h2, n, half_impl);
        int same = 1;
        for (int i = 0; i < n; i++) {
            const int nan1 = (h[i] & 0x7c00) == 0x7c00 && (h[i] & 0x3ff), nan2 = (h2[i] & 0x7c00) == 0x7c00 && (h2[i] & 0x3ff);
            if (nan1 && nan2) continue;
            if (h[i] != h2[i]) same = 0;
        }
        check(same, "f32->f16 bit-identical", 1, trial);

        /* f32 and f16 rows through the f32-activation dot (odd length for f32: tails). */
        for (int i = 0; i < n; i++) { a[i] = uniform(-1, 1); x[i] = uniform(-1, 1); }
        qk_f32_to_f16(a, h, n, QK_IMPL_PORTABLE);
        qk_f16_to_f32(h, b, n, QK_IMPL_PORTABLE);
        qk_dot_fn f32dot = qk_dot_kernel(0, impl), f16dot = qk_dot_kernel(1, impl);
        check(f32dot && fabs(f32dot(a, x, n - 3) - exact_dot(a, x, n - 3)) <= magnitude_tolerance(a, x, n - 3), "f32 dot", 0, trial);
        check(f16dot && fabs(f16dot(h, x, n) - exact_dot(b, x, n)) <= magnitude_tolerance(b, x, n), "f16 dot", 1, trial);
        qk_dequant_fn deq16 = qk_dequant_kernel_impl(1, impl), deqbf = qk_dequant_kernel_impl(30, impl);
        for (int i = 0; i < n; i++) h[i] = (uint16_t)next();
        qk_dequant_kernel_impl(1, QK_IMPL_PORTABLE)(h, a, n);
        check(deq16 != NULL, "SIMD f16 dequantizer exists", 1, trial);
        if (deq16) { deq16(h, b, n); check(same_floats(a, b, n), "f16 dequantize", 1, trial); }
        qk_dequant_kernel_impl(30, QK_IMPL_PORTABLE)(h, a, n);
        check(deqbf != NULL, "SIMD bf16 dequantizer exists", 30, trial);
        if (deqbf) { deqbf(h, b, n); check(same_floats(a, b, n), "bf16 dequantize", 30, trial); }
    }
}

static void test_attention(void) {
    enum { group = 6, dim = 128, rows = 37, stride = 136 };
    static float q[group * dim], keys[rows * stride], p[group * rows], s1[group * rows], s2[group * rows];
    static float o1[group * dim], o2[group * dim], kf[rows * stride];
    static uint16_t kh[rows * stride];
    for (int trial = 0; trial < 12; trial++) {
        const int half = trial % 2, accumulate = (trial / 2) % 2;
        for (int i = 0; i < group * dim; i++) q[i] = uniform(-1, 1);
        for (int i = 0; i < rows * stride; i++) keys[i] = uniform(-2, 2);
        qk_f32_to_f16(keys, kh, rows * stride, QK_IMPL_PORTABLE);
        qk_f16_to_f32(kh, kf, rows * stride, QK_IMPL_PORTABLE);
        const float *kv = half ? kf : keys;  /* the values the products really see */
        const void *src = half ? (const void *)kh : (const void *)keys;
        qk_attn_scores(q, group, dim, src, half, stride, rows, 0.125f, s1, QK_IMPL_PORTABLE);
        qk_attn_scores(q, group, dim, src, half, stride, rows, 0.125f, s2, impl);
        int ok = 1;
        for (int h = 0; h < group; h++)
            for (int j = 0; j < rows; j++) {
                const double tol = 0.125 * magnitude_tolerance(q + h * dim, kv + j * stride, dim);
                if (fabs(s1[h * rows + j] - s2[h * rows + j]) > 2 * tol) ok = 0;
            }
        check(ok, half ? "attention scores, f16 keys" : "attention scores, f32 keys", 0, trial);
        for (int i = 0; i < group * rows; i++) p[i] = uniform(0, 1);
        for (int i = 0; i < group * dim; i++) o1[i] = o2[i] = uniform(-1, 1);
        qk_attn_values(p, group, rows, src, half, stride, dim, o1, accumulate, QK_IMPL_PORTABLE);
        qk_attn_values(p, group, rows, src, half, stride, dim, o2, accumulate, impl);
        ok = 1;
        for (int h = 0; h < group; h++)
            for (int d = 0; d < dim; d++) {
                double mag = 1.0;
                for (int j = 0; j < rows; j++) mag += fabs((double)p[h * rows + j] * kv[j * stride + d]);
                if (fabs(o1[h * dim + d] - o2[h * dim + d]) > 2e-5 * mag) ok = 0;
            }
        check(ok, "attention values", 0, trial);
    }
}

/* QK_IMPL_BEST resolves to the level under test, or to the portable kernels when QUORUM_KERNELS=portable. */
static void test_dispatch(int expect_portable) {
    const uint32_t want = expect_portable ? QK_IMPL_PORTABLE : impl;
    const uint32_t features = qk_cpu_features();
    /* On arm64 the best int8 dots are the SDOT ones wherever the CPU has them, whatever level is under test. */
    const uint32_t want_q = !expect_portable && impl != QK_IMPL_AVX512 && (features & QK_CPU_NEON_DOTPROD)
        ? QK_IMPL_NEON_DOTPROD : want;
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
        const uint32_t id = (uint32_t)types[k].id;
        check(qk_qdot_kernel(id, QK_IMPL_BEST) == qk_qdot_kernel(id, want_q) && qk_qdot_kernel(id, want_q) != NULL,
              "best int8 dot", (int)id, 0);
        check(qk_dequant_kernel(id) == qk_dequant_kernel_impl(id, want) && qk_dequant_kernel(id) != NULL, "best dequant", (int)id, 0);
        check(qk_dot_kernel(id, QK_IMPL_BEST) == qk_dot_kernel(id, want) && qk_dot_kernel(id, want) != NULL, "best dot", (int)id, 0);
    }
    const uint32_t need = impl == QK_IMPL_NEON ? QK_CPU_NEON : impl == QK_IMPL_NEON_DOTPROD ? QK_CPU_NEON | QK_CPU_NEON_DOTPROD
        : QK_CPU_AVX2 | QK_CPU_AVX512F | QK_CPU_AVX512BW | QK_CPU_AVX512VL | QK_CPU_AVX512VNNI;
    check(expect_portable ? features == 0 : (features & need) == need, "cpu features", 0, 0);
    if (impl != QK_IMPL_AVX512) check(qk_qdot_kernel(8, QK_IMPL_AVX2) == NULL, "no AVX2 kernels on arm64", 8, 0);
    if (impl == QK_IMPL_NEON && !(features & QK_CPU_NEON_DOTPROD))
        check(qk_qdot_kernel(8, QK_IMPL_NEON_DOTPROD) == NULL, "no SDOT kernels without the dot product", 8, 0);
    if (impl == QK_IMPL_NEON_DOTPROD && !expect_portable)
        check(qk_qdot_kernel(8, QK_IMPL_NEON_DOTPROD) != qk_qdot_kernel(8, QK_IMPL_NEON), "SDOT dots differ from base NEON", 8, 0);
    if (impl == QK_IMPL_AVX512 && !expect_portable)
        check(qk_qdot_kernel(8, QK_IMPL_AVX512) != qk_qdot_kernel(8, QK_IMPL_AVX2), "VNNI dots differ from AVX2", 8, 0);
    if (expect_portable) check(qk_qdot_kernel(8, impl) == NULL, "SIMD refused when forced portable", 8, 0);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "avx512") == 0) { impl = QK_IMPL_AVX512; half_impl = QK_IMPL_AVX2; }
    else if (argc > 1 && strcmp(argv[1], "neon-dotprod") == 0) { impl = QK_IMPL_NEON_DOTPROD; half_impl = QK_IMPL_NEON; }
    else if (argc < 2 || strcmp(argv[1], "neon") != 0) {
        fprintf(stderr, "usage: kernel_parity neon|neon-dotprod|avx512 [portable]\n");
        return 2;
    }
    const char *mode = argc > 2 ? argv[2] : "best";
    if (strcmp(mode, "portable") == 0) {
        test_dispatch(1);
    } else {
        test_dispatch(0);
        for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) test_type(&types[k]);
        test_quantizer_edges();
        test_f16_types();
        test_attention();
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
