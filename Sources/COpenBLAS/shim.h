/* The OpenBLAS entry points the engine uses, as function pointer types: Kernels loads Debian's libopenblas.so.0
 * (openblas-pthread) with dlopen on first use instead of linking it. The library starts its own threads when it
 * is loaded, and they spin for about 0.1 s before they sleep: a process that never multiplies matrices (the
 * index, graph and CLI commands, a language server before its model loads) must not pay for that on 2 cores. */
#ifndef QUORUM_COPENBLAS_SHIM_H
#define QUORUM_COPENBLAS_SHIM_H

/* CBLAS's enum values, fixed by the CBLAS standard (cblas.h). */
enum { QuorumCblasRowMajor = 101, QuorumCblasNoTrans = 111, QuorumCblasTrans = 112 };

typedef void (*quorum_cblas_sgemm_fn)(int order, int transA, int transB, int m, int n, int k, float alpha,
                                      const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
typedef void (*quorum_openblas_set_num_threads_fn)(int num_threads);
typedef int (*quorum_openblas_get_num_threads_fn)(void);

#endif
