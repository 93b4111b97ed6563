/* Memory read bandwidth, the roofline for decode: every active weight byte is read once per token.
 * Reads a 1 GiB buffer with N threads (sum of 64-bit words, so nothing is optimised away) and prints GB/s. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct { const uint64_t *p; size_t n; uint64_t sum; } Slice;

static void *reader(void *arg) {
    Slice *s = arg;
    uint64_t a = 0, b = 0, c = 0, d = 0;
    for (size_t i = 0; i + 4 <= s->n; i += 4) { a += s->p[i]; b += s->p[i + 1]; c += s->p[i + 2]; d += s->p[i + 3]; }
    s->sum = a + b + c + d;
    return NULL;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    if (threads < 1 || threads > 256) threads = 2;
    size_t bytes = (size_t)1 << 30, n = bytes / 8;
    uint64_t *buf = aligned_alloc(64, bytes);
    if (!buf) { fprintf(stderr, "bandwidth: cannot allocate 1 GiB\n"); return 1; }
    memset(buf, 1, bytes);
    double best = 0;
    for (int rep = 0; rep < 5; rep++) {
        pthread_t tid[256];
        Slice s[256];
        double t0 = now();
        for (int i = 0; i < threads; i++) {
            s[i].p = buf + n / threads * i; s[i].n = n / threads; s[i].sum = 0;
            pthread_create(&tid[i], NULL, reader, &s[i]);
        }
        uint64_t total = 0;
        for (int i = 0; i < threads; i++) { pthread_join(tid[i], NULL); total += s[i].sum; }
        double gbs = bytes / (now() - t0) / 1e9;
        if (total == 42) printf("#");  /* keeps the sum alive */
        if (gbs > best) best = gbs;
    }
    printf("{\"threads\": %d, \"read_gb_per_s\": %.2f}\n", threads, best);
    free(buf);
    return 0;
}
