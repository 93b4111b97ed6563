#ifndef QUORUM_QK_SYNC_H
#define QUORUM_QK_SYNC_H
/* The few atomics the Swift thread pool needs for its spin phase, as inline functions on plain words
 * (Swift cannot use C11 _Atomic types directly). Acquire/release is enough: a release store of the
 * generation publishes the job written before it; an acquire load that sees it sees the job. */
#include <stdint.h>

static inline uint64_t qk_atomic_load_acquire(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void qk_atomic_store_release(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline uint64_t qk_atomic_add_acq_rel(uint64_t *p, uint64_t v) { return __atomic_add_fetch(p, v, __ATOMIC_ACQ_REL); }

/* Claims the next task of job `gen` from a word holding (generation << 32) | next-task-index.
 * Returns the task index, or -1 when the job has no task left or has been replaced by a newer job:
 * the generation check is what stops a late worker from running a task of a job it never saw published. */
static inline int64_t qk_claim_task(uint64_t *word, uint32_t gen, uint32_t tasks) {
    uint64_t cur = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    for (;;) {
        if ((uint32_t)(cur >> 32) != gen || (uint32_t)cur >= tasks) return -1;
        if (__atomic_compare_exchange_n(word, &cur, cur + 1, 1, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return (int64_t)(uint32_t)cur;
    }
}

/* A spin-wait hint (PAUSE on x86): lets the sibling hyperthread run and saves power while polling. */
static inline void qk_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
