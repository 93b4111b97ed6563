#ifndef QUORUM_QK_INTERNAL_H
#define QUORUM_QK_INTERNAL_H
/* Helpers shared by the portable and SIMD kernels; not part of the module's public face. */
#include <stdint.h>
#include <string.h>
#include "ckernels.h"

/* Exact binary16 -> binary32 by bit manipulation, so the portable path needs no F16C and every
 * input (subnormals, infinities, NaNs) maps exactly as the hardware conversion does. */
static inline float qk_half_to_float(qk_half h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu, bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {
            /* Subnormal: shift the mantissa up until its leading 1 reaches the implicit-bit position. */
            uint32_t e = 0;
            while (!(mant & 0x400u)) { mant <<= 1; e++; }
            bits = sign | ((113u - e) << 23) | ((mant & 0x3ffu) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 112u) << 23) | (mant << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline float qk_bf16_to_float(uint16_t h) {
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* Unpacks sub-block j's (0..7) 6-bit scale and min from the 12 packed bytes of Q4_K/Q5_K:
 * bytes 0-3 hold scales 0-3 (low 6 bits) and the top 2 bits of scales 4-7, bytes 4-7 the same for mins,
 * bytes 8-11 the low 4 bits of scale (low nibble) and min (high nibble) 4-7. */
static inline void qk_k4_scale_min(int j, const uint8_t *q, uint8_t *sc, uint8_t *m) {
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (uint8_t)((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        *m = (uint8_t)((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

/* Exact binary32 -> binary16, rounding to nearest even (as F16C's VCVTPS2PH with rounding mode 0 does):
 * activation scales are stored as halves, and both sides of a dot must see the same rounded value. */
static inline qk_half qk_float_to_half(float f) {
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    const uint32_t sign = (x >> 16) & 0x8000u, absx = x & 0x7fffffffu;
    if (absx > 0x7f800000u) return (qk_half)(sign | 0x7e00u);   /* NaN stays a (quiet) NaN */
    if (absx >= 0x477ff000u) return (qk_half)(sign | 0x7c00u);  /* rounds past 65504: infinity */
    if (absx < 0x38800000u) {
        /* Below the smallest normal half (2^-14): the subnormal count of 2^-24 steps, rounded to even. */
        float v;
        memcpy(&v, &absx, sizeof v);
        float steps = v * 16777216.0f, whole = (float)(int32_t)steps, frac = steps - whole;
        int32_t q = (int32_t)whole;
        if (frac > 0.5f || (frac == 0.5f && (q & 1))) q++;
        return (qk_half)(sign | (uint32_t)q);
    }
    uint32_t h = ((((absx >> 23) - 112u) << 10) | ((absx & 0x7fffffu) >> 13));
    const uint32_t rest = absx & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) h++;  /* a carry into the exponent is still right */
    return (qk_half)(sign | h);
}

static inline uint32_t qk_load_u32le(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Unpacks the 12 scale bytes of a Q4_K/Q5_K super-block (the layout qk_k4_scale_min reads one
 * sub-block at a time) with 32-bit word operations, all 8 at once: the SIMD kernels use this, the portable
 * ones the per-sub-block form, so the tests comparing them also check the two decodings against each other. */
static inline void qk_k4_unpack_scales(const uint8_t *q, uint8_t sc[8], uint8_t m[8]) {
    const uint32_t u0 = qk_load_u32le(q), u1 = qk_load_u32le(q + 4), u2 = qk_load_u32le(q + 8);
    const uint32_t s_lo = u0 & 0x3f3f3f3fu, m_lo = u1 & 0x3f3f3f3fu;
    const uint32_t s_hi = (u2 & 0x0f0f0f0fu) | (((u0 >> 6) & 0x03030303u) << 4);
    const uint32_t m_hi = ((u2 >> 4) & 0x0f0f0f0fu) | (((u1 >> 6) & 0x03030303u) << 4);
    memcpy(sc, &s_lo, 4); memcpy(sc + 4, &s_hi, 4);
    memcpy(m, &m_lo, 4); memcpy(m + 4, &m_hi, 4);
}


/* The AVX2 kernels also use FMA and F16C: whether all three are present (cached, cheap to ask per call). */
int qk_has_avx2_set(void);
/* Whether the NEON kernels may run (arm64, unless QUORUM_KERNELS=portable). */
int qk_has_neon(void);
/* Whether the SDOT int8 dots may run (arm64 CPUs with the ARMv8.2 dot product). */
int qk_has_neon_dotprod(void);
/* The SDOT int8 dots (quant_q8_neon_dotprod.c); NULL off arm64. */
qk_qdot_fn qk__neon_dotprod_qdot(uint32_t type);
/* Whether the AVX-512 VNNI int8 dots may run: the AVX2 set plus AVX512F, BW, VL and VNNI. */
int qk_has_avx512_set(void);
/* f32 of every f16 bit pattern (half_table.c); qk__half_table_init fills it once, before a kernel using it
 * is handed out. */
extern float qk__half_table[65536];
void qk__half_table_init(void);
/* The AVX-512 VNNI int8 dots (quant_q8_avx512.c); NULL off x86. */
qk_qdot_fn qk__avx512_qdot(uint32_t type);

/* The type-id table of one int8-dot variant (qdot_x86.h, qdot_neon.h), whose kernels are named through that
 * file's QK_NAME: qdot_table_<suffix>(type) is the kernel for a weight type id, or NULL. */
#define QK_DEFINE_QDOT_TABLE()                                      \
    static qk_qdot_fn QK_NAME(qdot_table)(uint32_t type) {          \
        switch (type) {                                             \
        case 2: return QK_NAME(qdot_q4_0);                          \
        case 6: return QK_NAME(qdot_q5_0);                          \
        case 8: return QK_NAME(qdot_q8_0);                          \
        case 12: return QK_NAME(qdot_q4_K);                         \
        case 13: return QK_NAME(qdot_q5_K);                         \
        case 14: return QK_NAME(qdot_q6_K);                         \
        default: return NULL;                                       \
        }                                                           \
    }

/* A dot of a quantized row with f32 activations, one block at a time: DEQ dequantizes a block of BLOCK values
 * (BYTES bytes) into a stack buffer and ACCUMULATE(sum, buffer, x, BLOCK) returns sum plus its dot with x. The
 * portable and NEON f32-activation dots of the block types are this loop. */
#define QK_DEFINE_BLOCK_DOT(NAME, DEQ, BLOCK, BYTES, ACCUMULATE)                \
    static float NAME(const void *row, const float *x, int64_t n) {             \
        float buf[BLOCK], sum = 0.0f;                                            \
        const uint8_t *p = row;                                                  \
        for (int64_t i = 0; i < n; i += BLOCK, p += (BYTES), x += BLOCK) {       \
            DEQ(p, buf, BLOCK);                                                  \
            sum = ACCUMULATE(sum, buf, x, BLOCK);                                \
        }                                                                        \
        return sum;                                                              \
    }

/* Per-implementation dot tables, filled in quant_ref.c and quant_avx2.c; dispatch.c chooses among them. */
qk_dot_fn qk__ref_dot(uint32_t type);
qk_dot_fn qk__avx2_dot(uint32_t type);
qk_qdot_fn qk__ref_qdot(uint32_t type);
qk_qdot_fn qk__avx2_qdot(uint32_t type);
qk_dequant_fn qk__ref_dequant(uint32_t type);
qk_dequant_fn qk__avx2_dequant(uint32_t type);
/* AVX2 activation quantizers (quant_q8_avx2.c); only called when the CPU has AVX2, FMA and F16C. */
void qk__avx2_quantize_q8_0(const float *x, void *y, int64_t n);
void qk__avx2_quantize_q8_K(const float *x, void *y, int64_t n);
/* The NEON twins (quant_q8_neon.c, quant_deq_neon.c); NULL or never called off arm64. */
qk_dot_fn qk__neon_dot(uint32_t type);
qk_qdot_fn qk__neon_qdot(uint32_t type);
qk_dequant_fn qk__neon_dequant(uint32_t type);
void qk__neon_quantize_q8_0(const float *x, void *y, int64_t n);
void qk__neon_quantize_q8_K(const float *x, void *y, int64_t n);

#endif
