#ifndef QUORUM_QK_NEON_H
#define QUORUM_QK_NEON_H
/* NEON helpers shared by the dequantizers and the int8 dots (arm64 only; include after arm_neon.h). */
#include <arm_neon.h>
#include <stdint.h>

/* Byte l of the result is 16 when bit (first + l) of qh is set, else 0, for l in 0..15: the fifth bits of
 * Q5_0 values. A table lookup copies the qh byte holding each lane's bit into the lane, and a test against
 * the lane's bit mask keeps it. Base ARMv8-A instructions, so every variant may call it. */
static inline uint8x16_t q5_high16(uint32_t qh, int first) {
    static const uint8_t bit_masks[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    const uint8_t b = (uint8_t)(first / 8);
    const uint8_t index[16] = {b, b, b, b, b, b, b, b, (uint8_t)(b + 1), (uint8_t)(b + 1), (uint8_t)(b + 1),
                               (uint8_t)(b + 1), (uint8_t)(b + 1), (uint8_t)(b + 1), (uint8_t)(b + 1), (uint8_t)(b + 1)};
    const uint8x16_t bytes = vqtbl1q_u8(vreinterpretq_u8_u32(vdupq_n_u32(qh)), vld1q_u8(index));
    return vandq_u8(vtstq_u8(bytes, vld1q_u8(bit_masks)), vdupq_n_u8(16));
}

#endif
