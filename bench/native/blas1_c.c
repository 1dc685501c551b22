/* blas1_c: native reference for dot and axpy on f64 vectors, as gcc -O3 -march=native compiles a
 * plain loop (no -ffast-math, so the dot reduction stays in order unless written otherwise: we time
 * both the plain loop and a 4-accumulator version a tuned BLAS would use).
 * Build: gcc -O3 -march=native -o blas1_c blas1_c.c
 * Use:   ./blas1_c [n] [seconds]   -> one JSON line: per kernel median/min ms per call, GFLOP/s, GB/s */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static int cmpd(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

__attribute__((noinline)) static double dot_plain(int n, const double *x, const double *y) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

__attribute__((noinline)) static double dot_acc4(int n, const double *x, const double *y) {
  /* 8 independent partial sums: gcc vectorises this into two or more vector accumulators */
  double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) s[j] += x[i + j] * y[i + j];
  double t = 0.0;
  for (; i < n; i++) t += x[i] * y[i];
  for (int j = 0; j < 8; j++) t += s[j];
  return t;
}

__attribute__((noinline)) static void axpy(int n, double a, const double *x, double *y) {
  for (int i = 0; i < n; i++) y[i] += a * x[i];
}

static volatile double sink;

/* kind 0: dot_plain, 1: dot_acc4, 2: axpy */
static void run(int kind, int n, double *x, double *y) {
  if (kind == 0) sink = dot_plain(n, x, y);
  else if (kind == 1) sink = dot_acc4(n, x, y);
  else axpy(n, 1e-9, x, y);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000000;
  double budget = argc > 2 ? atof(argv[2]) : 1.0;
  double *x = aligned_alloc(64, ((sizeof(double) * n + 63) / 64) * 64);
  double *y = aligned_alloc(64, ((sizeof(double) * n + 63) / 64) * 64);
  for (int i = 0; i < n; i++) { x[i] = 1.0 + (double)(i % 7) / 7.0; y[i] = 1.0 - (double)(i % 5) / 5.0; }
  const char *names[3] = {"dot_plain", "dot_acc8", "axpy"};
  const double flops[3] = {2.0 * n, 2.0 * n, 2.0 * n}, bytes[3] = {16.0 * n, 16.0 * n, 24.0 * n};
  printf("{\"n\": %d", n);
  for (int k = 0; k < 3; k++) {
    run(k, n, x, y); /* warm-up */
    double t0 = now(); run(k, n, x, y); double one = now() - t0;
    int batch = one < 0.002 ? (int)(0.002 / (one > 1e-9 ? one : 1e-9)) + 1 : 1;
    static double samples[4096]; int ns = 0; double start = now();
    while ((ns < 15 || now() - start < budget) && ns < 4096) {
      t0 = now();
      for (int b = 0; b < batch; b++) run(k, n, x, y);
      samples[ns++] = (now() - t0) / batch;
    }
    qsort(samples, ns, sizeof(double), cmpd);
    double med = samples[ns / 2];
    printf(", \"%s\": {\"ms\": %.6f, \"min_ms\": %.6f, \"gflops\": %.4f, \"GBps\": %.3f, \"samples\": %d}", names[k], med * 1e3,
           samples[0] * 1e3, flops[k] / med * 1e-9, bytes[k] / med * 1e-9, ns);
  }
  printf("}\n");
  free(x); free(y);
  return 0;
}
