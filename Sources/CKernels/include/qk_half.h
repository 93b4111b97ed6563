#ifndef QUORUM_QK_HALF_H
#define QUORUM_QK_HALF_H
/* f16 <-> f32 conversion of whole rows, for the KV cache: keys and values are rounded to halves once when
 * a position is written, and turned back into floats a tile at a time when attention reads them.
 * impl is one of QK_IMPL_* (ckernels.h): QK_IMPL_BEST uses F16C when the running CPU has it, the portable
 * path otherwise; every implementation gives bit-identical results (round to nearest even). */
#include <stdint.h>
#include "ckernels.h"

/* y[i] = (float)x[i] for i in [0, n). Returns 0, or -1 when impl is unknown or unsupported on this CPU. */
int qk_f16_to_f32(const uint16_t *x, float *y, int64_t n, uint32_t impl);
/* y[i] = (half)x[i], rounded to nearest even; beyond ±65504 gives ±infinity. Returns 0 or -1 as above. */
int qk_f32_to_f16(const float *x, uint16_t *y, int64_t n, uint32_t impl);
/* rows × n halves, rows x_stride halves apart, into rows × n floats y_stride floats apart (QK_IMPL_BEST). */
void qk_f16_to_f32_rows(const uint16_t *x, int64_t x_stride, float *y, int64_t y_stride, int64_t rows, int64_t n);

#endif
