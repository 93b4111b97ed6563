#ifndef QUORUM_QK_SYNC_H
#define QUORUM_QK_SYNC_H
/* The few atomics the Swift thread pool needs for its spin phase, as inline functions on plain words
 * (Swift cannot use C11 _Atomic types directly). Acquire/release is enough: a release store of the
 * generation publishes the job written before it; an acquire load that sees it sees the job. */
#include <stdint.h>

static inline uint64_t qk_atomic_load_acquire(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void qk_atomic_store_release(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline uint64_t qk_atomic_add_acq_rel(uint64_t *p, uint64_t v) { return __atomic_add_fetch(p, v, __ATOMIC_ACQ_REL); }

/* A spin-wait hint (PAUSE on x86): lets the sibling hyperthread run and saves power while polling. */
static inline void qk_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
