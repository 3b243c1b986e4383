/** @module A small C program for the `run` tests, built with cc into a temporary directory: exact counts of syscalls from threads and forked children. */

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `target count N THREADS CHILDREN` makes N getppid calls in the main thread, N in each of THREADS
 * threads and N in each of CHILDREN forked children: N*(1+THREADS+CHILDREN) in all.
 * `target once FILE` makes one getppid and writes "ret errno" to FILE.
 * `target enosys FILE` writes "started", then calls getppid every ms until it fails, writes "errno E".
 */
const SOURCE = String.raw`
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
static long n;
static void calls(void) { for (long i = 0; i < n; i++) syscall(SYS_getppid); }
static void *thr(void *a) { (void)a; calls(); return NULL; }
static void put(const char *file, const char *text) { FILE *f = fopen(file, "w"); if (f) { fputs(text, f); fclose(f); } }
int main(int argc, char **argv) {
  if (argc >= 5 && strcmp(argv[1], "count") == 0) {
    n = atol(argv[2]); int t = atoi(argv[3]), c = atoi(argv[4]);
    pthread_t th[64];
    for (int i = 0; i < t; i++) pthread_create(&th[i], NULL, thr, NULL);
    for (int i = 0; i < c; i++) if (fork() == 0) { calls(); _exit(0); }
    calls();
    for (int i = 0; i < t; i++) pthread_join(th[i], NULL);
    while (wait(NULL) > 0) {}
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "once") == 0) {
    long r = syscall(SYS_getppid); char b[64]; snprintf(b, sizeof b, "%ld %d", r, r < 0 ? errno : 0); put(argv[2], b);
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "enosys") == 0) {
    put(argv[2], "started");
    for (int i = 0; i < 20000; i++) {
      long r = syscall(SYS_getppid);
      if (r < 0) { char b[64]; snprintf(b, sizeof b, "errno %d", errno); put(argv[2], b); return 0; }
      usleep(1000);
    }
    put(argv[2], "timeout");
    return 1;
  }
  return 2;
}
`;

/** Builds the target; returns its path (world-readable directory, so an unprivileged user can run it). */
export function buildRunTarget(): { dir: string; exe: string } {
  const dir = mkdtempSync(join(tmpdir(), 'seccomptrace-run-'));
  chmodSync(dir, 0o777);
  const src = join(dir, 'target.c');
  const exe = join(dir, 'target');
  writeFileSync(src, SOURCE);
  execFileSync('cc', ['-O1', '-pthread', '-o', exe, src]);
  chmodSync(exe, 0o755);
  return { dir, exe };
}

/** Writes an OCI profile into dir; returns its path. */
export function writeProfile(dir: string, name: string, profile: object): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(profile));
  chmodSync(p, 0o644);
  return p;
}
