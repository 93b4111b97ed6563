/* The x86 int8 dot kernels of weights against Q8_0/Q8_K activations, written once and compiled twice:
 * quant_q8_avx2.c (AVX2) and quant_q8_avx512.c (AVX-512 VNNI, 256-bit EVEX forms) include this file after
 * defining
 *   QK_TARGET             the function attribute that enables the instruction set,
 *   QK_NAME(kernel)       the kernel's name with the variant's suffix,
 *   QK_DPBUSD(acc, u, s)  acc + Σ u·s over each group of 4 unsigned × signed bytes, as int32 lanes,
 *   QK_DPWSSD(acc, a, b)  acc + Σ a·b over each pair of int16, as int32 lanes,
 *   QK_VNNI               (VNNI only) to take the one-instruction forms where they change the code's shape.
 * AVX2 spells those sums VPMADDUBSW + VPMADDWD (+ VPADDD); VNNI has VPDPBUSD and VPDPWSSD. The int16 pairs
 * of VPMADDUBSW cannot saturate here: unsigned 4-6 bit weights (<= 63) against int8 activations
 * (|q| <= 127), or |w| <= 128 against sign(w)·x, stay below 32767. So both variants compute the portable
 * integer sums of quant_q8.c exactly; they differ only in float summation order. */

QK_TARGET static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* Decoding reads every weight once per token, from memory: ask for the lines 1 KB ahead of the block being
 * summed. With two threads streaming 512 MB of Q4_K rows on a 2-core EPYC VM this took the kernel from 23.5 to
 * 27.9 GB/s (median of 8; the memory reads 29-30 GB/s): the hardware prefetcher alone stays too close behind.
 * A prefetch past the end of a matrix is harmless: it never faults. */
#ifndef QK_PREFETCH_AHEAD
#define QK_PREFETCH_AHEAD 1024
#endif
#define QK_PREFETCH(p, lines)                                                                        \
    do {                                                                                             \
        for (int line_ = 0; line_ < (lines); line_++)                                                \
            _mm_prefetch((const char *)(p) + QK_PREFETCH_AHEAD + 64 * line_, _MM_HINT_T0);           \
    } while (0)

/* Block scales: a half broadcast to all 8 lanes, then converted. Converting a single lane (_cvtsh_ss) let
 * the compiler insert the half into whatever register was live, here the accumulator, which chained every
 * block's scale to the previous block's FMA and made the loop 2-3x slower. Scalar scales (once per K-quant
 * super-block) use the integer conversion for the same reason. */
QK_TARGET static inline __m256 half_splat(qk_half h) { return _mm256_cvtph_ps(_mm_set1_epi16((short)h)); }

/* Σ w·x over 32 signed byte pairs, as 8 int32 partial sums: |w| (unsigned) against sign(w)·x. */
QK_TARGET static inline __m256i dot_i8_i8(__m256i w, __m256i x) {
    return QK_DPBUSD(_mm256_setzero_si256(), _mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
}

/* 32 nibbles from 16 bytes: lower 128-bit lane = low nibbles (values 0..15), upper = high (16..31). */
QK_TARGET static inline __m256i nibbles_32(const uint8_t *qs) {
    const __m128i raw = _mm_loadu_si128((const __m128i *)qs);
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(raw, 4), raw);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

QK_TARGET static float QK_NAME(qdot_q8_0)(const void *row, const void *xq, int64_t n) {
    const qk_block_q8_0 *w = row, *x = xq;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / 32; i++) {
        QK_PREFETCH(w + i, 1);
        const __m256i p = dot_i8_i8(_mm256_loadu_si256((const __m256i *)w[i].qs), _mm256_loadu_si256((const __m256i *)x[i].qs));
        const __m256 d = _mm256_mul_ps(half_splat(w[i].d), half_splat(x[i].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(p), acc);
    }
    return hsum8(acc);
}

QK_TARGET static float QK_NAME(qdot_q4_0)(const void *row, const void *xq, int64_t n) {
    const qk_block_q4_0 *w = row;
    const qk_block_q8_0 *x = xq;
    __m256 acc = _mm256_setzero_ps();
    const __m256i eight = _mm256_set1_epi8(8);
    for (int64_t i = 0; i < n / 32; i++) {
        QK_PREFETCH(w + i, 1);
        const __m256i q = _mm256_sub_epi8(nibbles_32(w[i].qs), eight);
        const __m256i p = dot_i8_i8(q, _mm256_loadu_si256((const __m256i *)x[i].qs));
        acc = _mm256_fmadd_ps(_mm256_mul_ps(half_splat(w[i].d), half_splat(x[i].d)), _mm256_cvtepi32_ps(p), acc);
    }
    return hsum8(acc);
}


/* Q5_0 against Q8_0 in 19 instructions a block instead of 28: the fifth bits come from one broadcast of qh,
 * the nibbles from a 128-bit broadcast and a per-lane shift, the weights stay unsigned (0..31) so VPMADDUBSW
 * takes them as they are and the -16 offset is a second VPMADDUBSW of 16 against x (pairs stay within
 * int16: 2·31·127 and 2·16·127), and the two scales are table loads. The integer sums are the same. */
QK_TARGET static float QK_NAME(qdot_q5_0)(const void *row, const void *xq, int64_t n) {
    const qk_block_q5_0 *w = row;
    const qk_block_q8_0 *x = xq;
    __m256 acc = _mm256_setzero_ps();
    const __m256i sixteen = _mm256_set1_epi8(16), m4 = _mm256_set1_epi8(0x0F), ones = _mm256_set1_epi16(1);
    const __m256i spread = _mm256_set_epi64x(0x0303030303030303LL, 0x0202020202020202LL, 0x0101010101010101LL, 0);
    const __m256i others = _mm256_set1_epi64x(0x7fbfdfeff7fbfdfeLL), all = _mm256_set1_epi64x(-1);
    const __m256i shifts = _mm256_set_epi64x(4, 4, 0, 0);
    for (int64_t i = 0; i < n / 32; i++) {
        QK_PREFETCH(w + i, 1);
        /* Byte i = 0xFF when bit i of qh is set: each byte gathers the source byte holding its bit, ORs in a
         * mask with every other bit set, and compares with all-ones. */
        const __m256i bits = _mm256_set1_epi32((int)qk_load_u32le(w[i].qh));
        const __m256i high = _mm256_cmpeq_epi8(_mm256_or_si256(_mm256_shuffle_epi8(bits, spread), others), all);
        /* Low lane: the low nibbles (values 0..15); high lane: the high nibbles (16..31). */
        const __m256i raw = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)w[i].qs));
        const __m256i q = _mm256_or_si256(_mm256_and_si256(_mm256_srlv_epi64(raw, shifts), m4), _mm256_and_si256(high, sixteen));
        const __m256i xv = _mm256_loadu_si256((const __m256i *)x[i].qs);
#ifdef QK_VNNI
        const __m256i p = _mm256_sub_epi32(_mm256_dpbusd_epi32(_mm256_setzero_si256(), q, xv),
                                           _mm256_dpbusd_epi32(_mm256_setzero_si256(), sixteen, xv));
        (void)ones;
#else
        const __m256i p16 = _mm256_sub_epi16(_mm256_maddubs_epi16(q, xv), _mm256_maddubs_epi16(sixteen, xv));
        const __m256i p = _mm256_madd_epi16(p16, ones);
#endif
        const __m256 d = _mm256_set1_ps(qk__half_table[w[i].d] * qk__half_table[x[i].d]);
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(p), acc);
    }
    return hsum8(acc);
}

/* Each 128-bit lane of v filled with that lane's int16 element e: one VPSHUFB. The empty asm hides the
 * constant control from the compiler, which otherwise rewrites the shuffle as PSHUFLW/PSHUFHW + PSHUFD, two
 * instructions per splat in the hottest loop of a K-quant decode. */
QK_TARGET static inline __m256i splat_i16(__m256i v, int e) {
    __m256i control = _mm256_set1_epi16((short)((2 * e) | ((2 * e + 1) << 8)));
    __asm__("" : "+x"(control));
    return _mm256_shuffle_epi8(v, control);
}

/* Q4_K/Q5_K super-block against Q8_K: chunk c's 32 bytes give sub-blocks 2c (low nibbles) and 2c+1 (high),
 * each weighted by its 6-bit scale inside VPMADDWD. The 12 scale bytes are unpacked with word operations into
 * one register of 8 scales and 8 mins (int16); a chunk's scales are VPSHUFB splats of it, where broadcasting
 * each scale from memory took three instructions apiece and was a fifth of the loop. The mins meet the
 * activation bsums in one more VPMADDWD (each min paired with the two 16-value sums of its sub-block). Both
 * results stay vectors across super-blocks: one horizontal sum per row. */
QK_TARGET static inline void k45_superblock(float d, float dmin, const uint8_t *scales, const uint8_t *qs,
                                          const uint8_t *qh, const qk_block_q8_K *x, __m256 *acc, __m256 *mins) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    const __m256i hbits = qh ? _mm256_loadu_si256((const __m256i *)qh) : _mm256_setzero_si256();
    const uint32_t u0 = qk_load_u32le(scales), u1 = qk_load_u32le(scales + 4), u2 = qk_load_u32le(scales + 8);
    const uint32_t s_lo = u0 & 0x3f3f3f3fu, m_lo = u1 & 0x3f3f3f3fu;
    const uint32_t s_hi = (u2 & 0x0f0f0f0fu) | (((u0 >> 6) & 0x03030303u) << 4);
    const uint32_t m_hi = ((u2 >> 4) & 0x0f0f0f0fu) | (((u1 >> 6) & 0x03030303u) << 4);
    /* sc0..sc7 as int16 in both lanes. */
    const __m256i sc = _mm256_cvtepu8_epi16(_mm_set_epi32((int)s_hi, (int)s_lo, (int)s_hi, (int)s_lo));
    __m256i isum = _mm256_setzero_si256();
    for (int c = 0; c < 4; c++) {
        const __m256i q = _mm256_loadu_si256((const __m256i *)(qs + 32 * c));
        __m256i lo = _mm256_and_si256(q, m4), hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);
        if (qh) {
            /* 16-bit shifts leak bits across bytes, but the 0x01 mask keeps only each byte's own bit. */
            lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * c), one), 4));
            hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * c + 1), one), 4));
        }
        const __m256i x_lo = _mm256_loadu_si256((const __m256i *)(x->qs + 64 * c));
        const __m256i x_hi = _mm256_loadu_si256((const __m256i *)(x->qs + 64 * c + 32));
        isum = QK_DPWSSD(isum, _mm256_maddubs_epi16(lo, x_lo), splat_i16(sc, 2 * c));
        isum = QK_DPWSSD(isum, _mm256_maddubs_epi16(hi, x_hi), splat_i16(sc, 2 * c + 1));
    }
    /* m0 m0 m1 m1 ... m7 m7 as int16 against bsums[0..15]: lane j = m_j · (bsums[2j] + bsums[2j+1]). */
    const __m128i m8 = _mm_set_epi32(0, 0, (int)m_hi, (int)m_lo);
    const __m256i m16 = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(m8, m8));
    const __m256i msum = _mm256_madd_epi16(m16, _mm256_loadu_si256((const __m256i *)x->bsums));
    *mins = _mm256_fmadd_ps(_mm256_set1_ps(dmin * x->d), _mm256_cvtepi32_ps(msum), *mins);
    *acc = _mm256_fmadd_ps(_mm256_set1_ps(d * x->d), _mm256_cvtepi32_ps(isum), *acc);
}

QK_TARGET static float QK_NAME(qdot_q4_K)(const void *row, const void *xq, int64_t n) {
    const qk_block_q4_K *w = row;
    const qk_block_q8_K *x = xq;
    __m256 acc = _mm256_setzero_ps(), mins = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / 256; i++) {
        QK_PREFETCH(w + i, 3);
        k45_superblock(qk__half_table[w[i].d], qk__half_table[w[i].dmin], w[i].scales, w[i].qs, NULL, x + i, &acc, &mins);
    }
    return hsum8(_mm256_sub_ps(acc, mins));
}

QK_TARGET static float QK_NAME(qdot_q5_K)(const void *row, const void *xq, int64_t n) {
    const qk_block_q5_K *w = row;
    const qk_block_q8_K *x = xq;
    __m256 acc = _mm256_setzero_ps(), mins = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / 256; i++) {
        QK_PREFETCH(w + i, 3);
        k45_superblock(qk__half_table[w[i].d], qk__half_table[w[i].dmin], w[i].scales, w[i].qs, w[i].qh, x + i, &acc, &mins);
    }
    return hsum8(_mm256_sub_ps(acc, mins));
}

/* Q6_K against Q8_K: per half, one 32-byte load each of ql[0..31], ql[32..63], qh[0..31] gives the four
 * 32-value quarters (unsigned 0..63). A quarter spans two 16-value groups, so its scales are a VPSHUFB of
 * the half's 8 scales (int16, both lanes) putting group g's scale in the low lane and g+1's in the high one.
 * The −32 offset is applied through the activation bsums, Σ sc·(q − 32)·x = Σ sc·q·x − 32·Σ sc·bsum, with
 * one VPMADDWD of the 16 scales against the 16 bsums per super-block. */
QK_TARGET static float QK_NAME(qdot_q6_K)(const void *row, const void *xq, int64_t n) {
    const qk_block_q6_K *w = row;
    const qk_block_q8_K *x = xq;
    const __m256i m4 = _mm256_set1_epi8(0x0F), m2 = _mm256_set1_epi8(3);
    /* Low lane: int16 element 2k; high lane: element 2k+1 (k = quarter). */
    const __m256i quarter_scale[4] = {
        _mm256_setr_epi8(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3),
        _mm256_setr_epi8(4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7),
        _mm256_setr_epi8(8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11),
        _mm256_setr_epi8(12, 13, 12, 13, 12, 13, 12, 13, 12, 13, 12, 13, 12, 13, 12, 13, 14, 15, 14, 15, 14, 15, 14, 15, 14, 15, 14, 15, 14, 15, 14, 15),
    };
    __m256 acc = _mm256_setzero_ps(), offsets = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / 256; i++) {
        QK_PREFETCH(w + i, 4);
        __m256i isum = _mm256_setzero_si256();
        const __m128i sc8 = _mm_loadu_si128((const __m128i *)w[i].scales);
        for (int half = 0; half < 2; half++) {
            const uint8_t *ql = w[i].ql + 64 * half, *qh = w[i].qh + 32 * half;
            const int8_t *a = x[i].qs + 128 * half;
            /* This half's 8 scales, int16, in both lanes. */
            const __m256i sc = _mm256_broadcastsi128_si256(_mm_cvtepi8_epi16(half ? _mm_srli_si128(sc8, 8) : sc8));
            const __m256i l0 = _mm256_loadu_si256((const __m256i *)ql), l1 = _mm256_loadu_si256((const __m256i *)(ql + 32));
            const __m256i h = _mm256_loadu_si256((const __m256i *)qh);
            __m256i q[4];
            q[0] = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_slli_epi16(_mm256_and_si256(h, m2), 4));
            q[1] = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 2), m2), 4));
            q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 4), m2), 4));
            q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 6), m2), 4));
            for (int k = 0; k < 4; k++) {
                const __m256i p = _mm256_maddubs_epi16(q[k], _mm256_loadu_si256((const __m256i *)(a + 32 * k)));
                isum = QK_DPWSSD(isum, p, _mm256_shuffle_epi8(sc, quarter_scale[k]));
            }
        }
        const __m256i offset = _mm256_madd_epi16(_mm256_cvtepi8_epi16(sc8), _mm256_loadu_si256((const __m256i *)x[i].bsums));
        const float d = qk__half_table[w[i].d] * x[i].d;
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(isum), acc);
        offsets = _mm256_fmadd_ps(_mm256_set1_ps(d * 32.0f), _mm256_cvtepi32_ps(offset), offsets);
    }
    return hsum8(_mm256_sub_ps(acc, offsets));
}

QK_DEFINE_QDOT_TABLE()
