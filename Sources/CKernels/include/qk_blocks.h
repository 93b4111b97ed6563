#ifndef QUORUM_QK_BLOCKS_H
#define QUORUM_QK_BLOCKS_H
/* Fixed-layout GGUF/GGML quant blocks, written from the format as GGUF files store it.
 * Every struct is byte-exact with the file: no padding (2-byte alignment from the f16 fields, 4 for Q8_K),
 * and each size is checked below, so a layout mistake fails the build instead of corrupting numbers.
 * "d" is a block's scale, "m"/"dmin" its offset; values are y = d * q (+ m) unless said otherwise. */
#include <stdint.h>

/* IEEE 754 binary16 bits, stored little-endian in the file. */
typedef uint16_t qk_half;

#define QK_BLOCK_LEGACY 32   /* values per block of Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 */
#define QK_BLOCK_K 256       /* values per super-block of the K-quants */

/* Q4_0: 32 values, 18 bytes. qs[j] low nibble is value j, high nibble value j+16; y = d * (q - 8). */
typedef struct { qk_half d; uint8_t qs[16]; } qk_block_q4_0;
_Static_assert(sizeof(qk_block_q4_0) == 18, "Q4_0 block is 2 + 16 bytes");

/* Q4_1: 32 values, 20 bytes. Nibbles as Q4_0; y = d * q + m. */
typedef struct { qk_half d; qk_half m; uint8_t qs[16]; } qk_block_q4_1;
_Static_assert(sizeof(qk_block_q4_1) == 20, "Q4_1 block is 4 + 16 bytes");

/* Q5_0: 32 values, 22 bytes. Low 4 bits as Q4_0; bit i of the little-endian u32 qh is bit 4 of value i;
 * y = d * (q - 16). */
typedef struct { qk_half d; uint8_t qh[4]; uint8_t qs[16]; } qk_block_q5_0;
_Static_assert(sizeof(qk_block_q5_0) == 22, "Q5_0 block is 2 + 4 + 16 bytes");

/* Q5_1: 32 values, 24 bytes. Bits as Q5_0; y = d * q + m. */
typedef struct { qk_half d; qk_half m; uint8_t qh[4]; uint8_t qs[16]; } qk_block_q5_1;
_Static_assert(sizeof(qk_block_q5_1) == 24, "Q5_1 block is 4 + 4 + 16 bytes");

/* Q8_0: 32 values, 34 bytes. y = d * qs[i]. */
typedef struct { qk_half d; int8_t qs[32]; } qk_block_q8_0;
_Static_assert(sizeof(qk_block_q8_0) == 34, "Q8_0 block is 2 + 32 bytes");

/* Q4_K: 256 values, 144 bytes: 8 sub-blocks of 32, each with a 6-bit scale and a 6-bit min packed in
 * scales[12] (see qk_k4_scale_min). qs holds 4 chunks of 32 bytes; chunk c's low nibbles are sub-block 2c,
 * its high nibbles sub-block 2c+1. y = d * sc * q - dmin * m. */
typedef struct { qk_half d; qk_half dmin; uint8_t scales[12]; uint8_t qs[128]; } qk_block_q4_K;
_Static_assert(sizeof(qk_block_q4_K) == 144, "Q4_K block is 4 + 12 + 128 bytes");

/* Q5_K: 256 values, 176 bytes. As Q4_K plus qh[32]: bit k of qh[l] is bit 4 of value l of sub-block k. */
typedef struct { qk_half d; qk_half dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; } qk_block_q5_K;
_Static_assert(sizeof(qk_block_q5_K) == 176, "Q5_K block is 4 + 12 + 32 + 128 bytes");

/* Q6_K: 256 values, 210 bytes: 16 sub-blocks of 16 with int8 scales. Per half of 128 values (ql += 64,
 * qh += 32, scales += 8), for l in 0..<32: values l, l+32, l+64, l+96 take their low 4 bits from
 * ql[l] low, ql[l+32] low, ql[l] high, ql[l+32] high and their top 2 bits from qh[l] bits 0-1, 2-3, 4-5, 6-7;
 * y = d * scales[sub-block] * (q - 32). */
typedef struct { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; qk_half d; } qk_block_q6_K;
_Static_assert(sizeof(qk_block_q6_K) == 210, "Q6_K block is 128 + 64 + 16 + 2 bytes");

/* Q8_K: 256 values, 292 bytes; the int8 activation format of K-quant dots. bsums[j] = sum of qs[16j..16j+15].
 * y = d * qs[i], with d a full f32. */
typedef struct { float d; int8_t qs[256]; int16_t bsums[16]; } qk_block_q8_K;
_Static_assert(sizeof(qk_block_q8_K) == 292, "Q8_K block is 4 + 256 + 32 bytes");

#endif
