/* @module A plain C classic-BPF interpreter for seccomp programs: the bench's baseline.
 *
 * Usage: bpf-interp PROGRAM.bpf INPUTS.bin ROUNDS
 * INPUTS.bin holds struct seccomp_data records (64 bytes each). Runs every input ROUNDS times and
 * prints one JSON line: {"evals":N,"insns":N,"ns":N,"sink":N} (sink: sum of return values mod 2^32,
 * which the bench compares with ours). Semantics as kernel-semantics.md §5
 * (u32 wrap, DIV X by 0 returns 0, shift counts by X masked to 5 bits); the program must already
 * be verified (the bench checks it with seccomptrace's verifier), so no bounds checks here, as in
 * the kernel's own interpreter after bpf_check_classic(). Written for this project. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct insn { uint16_t code; uint8_t jt, jf; uint32_t k; };

static uint32_t run(const struct insn *p, const uint32_t *w, uint64_t *count) {
  uint32_t a = 0, x = 0, m[16];
  uint64_t n = 0;
  for (const struct insn *i = p;; i++) {
    n++;
    switch (i->code) {
    case 0x00: a = i->k; break;
    case 0x20: a = w[i->k >> 2]; break;
    case 0x60: a = m[i->k]; break;
    case 0x80: a = 64; break;
    case 0x01: x = i->k; break;
    case 0x61: x = m[i->k]; break;
    case 0x81: x = 64; break;
    case 0x02: m[i->k] = a; break;
    case 0x03: m[i->k] = x; break;
    case 0x04: a += i->k; break;
    case 0x14: a -= i->k; break;
    case 0x24: a *= i->k; break;
    case 0x34: a /= i->k; break;
    case 0x44: a |= i->k; break;
    case 0x54: a &= i->k; break;
    case 0x64: a <<= i->k; break;
    case 0x74: a >>= i->k; break;
    case 0xa4: a ^= i->k; break;
    case 0x0c: a += x; break;
    case 0x1c: a -= x; break;
    case 0x2c: a *= x; break;
    case 0x3c: if (x == 0) { *count += n; return 0; } a /= x; break;
    case 0x4c: a |= x; break;
    case 0x5c: a &= x; break;
    case 0x6c: a <<= (x & 31); break;
    case 0x7c: a >>= (x & 31); break;
    case 0xac: a ^= x; break;
    case 0x84: a = -a; break;
    case 0x05: i += i->k; break;
    case 0x15: i += (a == i->k) ? i->jt : i->jf; break;
    case 0x1d: i += (a == x) ? i->jt : i->jf; break;
    case 0x25: i += (a > i->k) ? i->jt : i->jf; break;
    case 0x2d: i += (a > x) ? i->jt : i->jf; break;
    case 0x35: i += (a >= i->k) ? i->jt : i->jf; break;
    case 0x3d: i += (a >= x) ? i->jt : i->jf; break;
    case 0x45: i += (a & i->k) ? i->jt : i->jf; break;
    case 0x4d: i += (a & x) ? i->jt : i->jf; break;
    case 0x06: *count += n; return i->k;
    case 0x16: *count += n; return a;
    case 0x07: x = a; break;
    case 0x87: a = x; break;
    default: fprintf(stderr, "bpf-interp: opcode 0x%x not handled (unverified program?)\n", i->code); exit(2);
    }
  }
}

static void *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(1); }
  fseek(f, 0, SEEK_END);
  *len = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  void *buf = malloc(*len ? *len : 1);
  if (fread(buf, 1, *len, f) != *len) { perror(path); exit(1); }
  fclose(f);
  return buf;
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: bpf-interp PROGRAM.bpf INPUTS.bin ROUNDS\n"); return 2; }
  size_t plen, ilen;
  const struct insn *prog = slurp(argv[1], &plen);
  const uint32_t *inputs = slurp(argv[2], &ilen);
  size_t n_inputs = ilen / 64;
  long rounds = atol(argv[3]);
  uint64_t insns = 0;
  uint32_t sink = 0;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long r = 0; r < rounds; r++)
    for (size_t i = 0; i < n_inputs; i++) sink = (uint32_t)(sink + run(prog, inputs + 16 * i, &insns));
  clock_gettime(CLOCK_MONOTONIC, &t1);
  uint64_t ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000ull + (uint64_t)(t1.tv_nsec - t0.tv_nsec);
  printf("{\"evals\":%llu,\"insns\":%llu,\"ns\":%llu,\"sink\":%llu}\n", (unsigned long long)(rounds * (long)n_inputs),
         (unsigned long long)insns, (unsigned long long)ns, (unsigned long long)sink);
  return 0;
}
