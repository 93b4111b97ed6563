/* f32 of every f16 bit pattern, for the block scales of the x86 int8 dots: one load instead of a broadcast
 * and a conversion per scale (the Q5_0 loop is bound by instruction count, not memory). A model's scales take
 * a few hundred distinct values, so the part in use stays in cache. */
#include <pthread.h>
#include "qk_internal.h"

float qk__half_table[65536];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void fill(void) {
    for (uint32_t h = 0; h < 65536; h++) qk__half_table[h] = qk_half_to_float((qk_half)h);
}

void qk__half_table_init(void) { pthread_once(&once, fill); }
