/*
 * Baseline: PageRank supersteps in C, single thread, for bench/pagerank.ts.
 *
 * Same pull convention as the WebAssembly kernel (DESIGN.md): x'[v] = d * (sum over in-arcs u->v
 * of x[u]/outdeg[u] + dangling/n) + (1-d)/n with d = 0.85, start 1/n, in-arcs visited in CSC
 * order. Unlike the kernel, the dangling mass and the L1 change are plain double sums (no exact,
 * order-independent reduction): this is the fastest straightforward C, the bar to measure against.
 *
 * Input (little-endian binary file written by the bench): u32 n, u32 m, u32 inOffsets[n+1],
 * u32 inSources[m], u32 outDegree[n]. Usage: pagerank FILE SUPERSTEPS.
 * Output: one JSON line {"n","m","supersteps","seconds":[per superstep],"sum","x":[first 4]}.
 * Build: cc -O3 -march=native -o pagerank pagerank.c
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <time.h>

static void *read_exact(FILE *file, size_t count, size_t size) {
  void *buffer = malloc(count * size + 1);
  if (!buffer || fread(buffer, size, count, file) != count) {
    fprintf(stderr, "pagerank.c: short read or out of memory\n");
    exit(2);
  }
  return buffer;
}

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s FILE SUPERSTEPS\n", argv[0]);
    return 2;
  }
  FILE *file = fopen(argv[1], "rb");
  if (!file) {
    perror(argv[1]);
    return 2;
  }
  int supersteps = atoi(argv[2]);
  uint32_t header[2];
  if (fread(header, sizeof(uint32_t), 2, file) != 2) return 2;
  const uint32_t n = header[0], m = header[1];
  uint32_t *in_offsets = read_exact(file, (size_t)n + 1, sizeof(uint32_t));
  uint32_t *in_sources = read_exact(file, m, sizeof(uint32_t));
  uint32_t *out_degree = read_exact(file, n, sizeof(uint32_t));
  fclose(file);

  const double d = 0.85;
  double *x = malloc(sizeof(double) * (n + 1));
  double *next = malloc(sizeof(double) * (n + 1));
  double *share = malloc(sizeof(double) * (n + 1));
  double *seconds = malloc(sizeof(double) * (supersteps + 1));
  for (uint32_t v = 0; v < n; v++) x[v] = 1.0 / n;

  for (int step = 0; step < supersteps; step++) {
    double started = now_seconds();
    double dangling = 0;
    for (uint32_t u = 0; u < n; u++) {
      if (out_degree[u] == 0) {
        dangling += x[u];
        share[u] = 0;
      } else {
        share[u] = x[u] / out_degree[u];
      }
    }
    const double base = d * (dangling / n) + (1 - d) / n;
    double change = 0;
    for (uint32_t v = 0; v < n; v++) {
      double sum = 0;
      for (uint32_t k = in_offsets[v]; k < in_offsets[v + 1]; k++) sum += share[in_sources[k]];
      next[v] = d * sum + base;
      change += fabs(next[v] - x[v]);
    }
    double *swap = x;
    x = next;
    next = swap;
    seconds[step] = now_seconds() - started;
    /* keep the compiler from dropping the change computation */
    if (change < 0) printf("impossible\n");
  }

  double sum = 0;
  for (uint32_t v = 0; v < n; v++) sum += x[v];
  printf("{\"n\":%u,\"m\":%u,\"supersteps\":%d,\"seconds\":[", n, m, supersteps);
  for (int step = 0; step < supersteps; step++) printf("%s%.9g", step ? "," : "", seconds[step]);
  printf("],\"sum\":%.17g,\"x\":[", sum);
  for (uint32_t v = 0; v < 4 && v < n; v++) printf("%s%.17g", v ? "," : "", x[v]);
  printf("]}\n");
  return 0;
}
