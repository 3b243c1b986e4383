/* @module Bench target: N raw syscalls of one number, timed; writes "ns_per_call" to a file.
 * usage: notify-target NR N OUTFILE */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  long nr = atol(argv[1]), n = atol(argv[2]);
  struct timespec a, b;
  for (long i = 0; i < n / 10; i++) syscall(nr); /* warm-up */
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) syscall(nr);
  clock_gettime(CLOCK_MONOTONIC, &b);
  double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double)n;
  FILE *f = fopen(argv[3], "w");
  if (f == NULL) return 1;
  fprintf(f, "%.1f\n", ns);
  fclose(f);
  return 0;
}
