#include <cblas.h>
/* Debian's openblas-pthread starts its own threads; we size them next to our pool. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
