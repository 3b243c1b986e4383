/** @module The kernel's checks on a seccomp classic-BPF program, in the kernel's order, with the kernel's errno. */

import { err, ok, type Result } from '../result.js';
import { decodeInsns, type Insn } from './insn.js';
import type { RawInsn } from './insn-codec.js';
import { BPF_MAXINSNS, BPF_MEMWORDS } from './opcodes.js';

/** sizeof(struct seccomp_data) (include/uapi/linux/seccomp.h): what LD ABS may read and LEN loads. */
export const SECCOMP_DATA_BYTES = 64;

declare const verified: unique symbol;

/** A program the kernel would accept. Only `verify()` makes one. */
export interface VerifiedProgram {
  readonly raw: readonly RawInsn[];
  readonly insns: readonly Insn[];
  /** Bytes of input the program reads: 64 for seccomp_data, larger for engine log layers. */
  readonly inputSize: number;
  readonly [verified]: true;
}

export type VerifyCode =
  | 'bpf/empty'
  | 'bpf/too-long'
  | 'bpf/bad-opcode'
  | 'bpf/div-by-zero'
  | 'bpf/bad-shift'
  | 'bpf/bad-mem-index'
  | 'bpf/jump-past-end'
  | 'bpf/bad-ancillary-load'
  | 'bpf/no-final-ret'
  | 'bpf/scratch-read-before-write'
  | 'bpf/not-allowed-in-seccomp'
  | 'bpf/bad-load-offset';

/** Why the kernel refuses a program. `pc` is absent for whole-program faults (length, last instruction). */
export interface VerifyError {
  readonly code: VerifyCode;
  readonly pc?: number;
  readonly reason: string;
  /** Every instruction-level rejection is EINVAL (kernel-semantics.md §4.1). */
  readonly errno: 'EINVAL';
}

/**
 * net/core/filter.c chk_code_allowed(): the codes the socket-filter checker knows. seccomp narrows
 * this further in seccomp_check_filter(), which runs after bpf_check_classic() (bpf_prepare_filter()).
 */
const CLASSIC_ALLOWED = new Set<number>([
  // ALU K and X: ADD SUB MUL DIV OR AND LSH RSH MOD XOR, and NEG
  ...[0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x90, 0xa0].flatMap((op) => [0x04 | op, 0x0c | op]),
  0x84,
  // LD W/H/B ABS, W LEN, W/H/B IND, IMM, MEM; LDX W LEN, B MSH, IMM, MEM
  0x20, 0x28, 0x30, 0x80, 0x40, 0x48, 0x50, 0x00, 0x60, 0x81, 0xb1, 0x01, 0x61,
  0x02, 0x03, 0x07, 0x87, 0x06, 0x16,
  // JA, JEQ/JGT/JGE/JSET K and X
  0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d,
]);

/** include/uapi/linux/filter.h SKF_AD_OFF (-0x1000): LD ABS offsets at or above it are ancillary. */
const SKF_AD_OFF = 0xfffff000;

const fault = (code: VerifyCode, reason: string, pc?: number): VerifyError =>
  pc === undefined ? { code, reason, errno: 'EINVAL' } : { code, pc, reason, errno: 'EINVAL' };

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

/**
 * Verifies as `seccomp(SECCOMP_SET_MODE_FILTER)` does (kernel-semantics.md §4.1–4.3):
 * length, bpf_check_classic() per instruction, last-is-RET, check_load_and_stores(), then
 * seccomp_check_filter(). `inputSize` is 64 for seccomp_data.
 */
export function verify(input: readonly RawInsn[], inputSize = SECCOMP_DATA_BYTES): Result<VerifiedProgram, VerifyError> {
  // struct sock_filter field widths: u16 code, u8 jt, u8 jf, u32 k.
  const prog = input.map((r) => ({ code: r.code & 0xffff, jt: r.jt & 0xff, jf: r.jf & 0xff, k: r.k >>> 0 }));
  const len = prog.length;
  // kernel/seccomp.c seccomp_prepare_filter(): fprog->len == 0 || > BPF_MAXINSNS → EINVAL.
  if (len === 0) return err(fault('bpf/empty', 'program has no instructions'));
  if (len > BPF_MAXINSNS) return err(fault('bpf/too-long', `program has ${len} instructions, more than BPF_MAXINSNS (${BPF_MAXINSNS})`));
  const classic = checkClassic(prog);
  if (classic !== undefined) return err(classic);
  const scratch = checkLoadAndStores(prog);
  if (scratch !== undefined) return err(scratch);
  const insns = decodeInsns(prog);
  const sec = checkSeccomp(insns, inputSize);
  if (sec !== undefined) return err(sec);
  const vp = { raw: prog, insns, inputSize } as unknown as VerifiedProgram;
  return ok(vp);
}

/** net/core/filter.c bpf_check_classic(): per-instruction checks, then "last is RET". */
function checkClassic(prog: readonly RawInsn[]): VerifyError | undefined {
  const len = prog.length;
  for (let pc = 0; pc < len; pc++) {
    const { code, k, jt, jf } = prog[pc]!;
    if (!CLASSIC_ALLOWED.has(code)) return fault('bpf/bad-opcode', `unknown opcode ${hex(code)}`, pc);
    switch (code) {
      case 0x34: case 0x94: // DIV K, MOD K
        if (k === 0) return fault('bpf/div-by-zero', 'division by constant 0', pc);
        break;
      case 0x64: case 0x74: // LSH K, RSH K
        if (k >= 32) return fault('bpf/bad-shift', `shift by ${k} (must be below 32)`, pc);
        break;
      case 0x60: case 0x61: case 0x02: case 0x03: // LD MEM, LDX MEM, ST, STX
        if (k >= BPF_MEMWORDS) return fault('bpf/bad-mem-index', `scratch index M[${k}] (must be below ${BPF_MEMWORDS})`, pc);
        break;
      case 0x05: // JA: k >= flen - pc - 1 → EINVAL
        if (k >= len - pc - 1) return fault('bpf/jump-past-end', `ja +${k} lands past the last instruction`, pc);
        break;
      case 0x15: case 0x1d: case 0x25: case 0x2d: case 0x35: case 0x3d: case 0x45: case 0x4d:
        if (pc + jt + 1 >= len || pc + jf + 1 >= len) return fault('bpf/jump-past-end', `conditional jump (jt ${jt}, jf ${jf}) lands past the last instruction`, pc);
        break;
      case 0x20: case 0x28: case 0x30: // LD W/H/B ABS: only known ancillary offsets above SKF_AD_OFF
        if (k >= SKF_AD_OFF && !isKnownAncillary(k)) return fault('bpf/bad-ancillary-load', `unknown ancillary load offset ${hex(k)}`, pc);
        break;
    }
  }
  const last = prog[len - 1]!.code;
  if (last !== 0x06 && last !== 0x16) return fault('bpf/no-final-ret', 'the last instruction is not a ret');
  return undefined;
}

/** include/uapi/linux/filter.h SKF_AD_PROTOCOL (0) … SKF_AD_VLAN_TPID (60), step 4 (SKF_AD_MAX 64). */
function isKnownAncillary(k: number): boolean {
  const off = k - SKF_AD_OFF;
  return off >= 0 && off <= 60 && off % 4 === 0;
}

/** net/core/filter.c check_load_and_stores(): a scratch slot must be written on every path before a read. */
function checkLoadAndStores(prog: readonly RawInsn[]): VerifyError | undefined {
  const len = prog.length;
  const masks = new Uint16Array(len).fill(0xffff);
  let memvalid = 0;
  for (let pc = 0; pc < len; pc++) {
    memvalid &= masks[pc]!;
    const { code, k, jt, jf } = prog[pc]!;
    switch (code) {
      case 0x02: case 0x03:
        memvalid |= 1 << k;
        break;
      case 0x60: case 0x61:
        if ((memvalid & (1 << k)) === 0) return fault('bpf/scratch-read-before-write', `M[${k}] is read before it is written on some path`, pc);
        break;
      case 0x05:
        masks[pc + 1 + k]! &= memvalid;
        memvalid = 0xffff;
        break;
      case 0x15: case 0x1d: case 0x25: case 0x2d: case 0x35: case 0x3d: case 0x45: case 0x4d:
        masks[pc + 1 + jt]! &= memvalid;
        masks[pc + 1 + jf]! &= memvalid;
        memvalid = 0xffff;
        break;
    }
  }
  return undefined;
}

/** kernel/seccomp.c seccomp_check_filter(): the seccomp allowlist and LD ABS bounds. */
function checkSeccomp(insns: readonly Insn[], inputSize: number): VerifyError | undefined {
  for (let pc = 0; pc < insns.length; pc++) {
    const i = insns[pc]!;
    if (i.kind === 'invalid') return fault('bpf/not-allowed-in-seccomp', `opcode ${hex(i.raw.code)} is not allowed in seccomp filters`, pc);
    if (i.kind === 'ld' && i.mode === 'abs' && (i.k >= inputSize || i.k % 4 !== 0)) {
      return fault('bpf/bad-load-offset', `load from offset ${i.k} (must be a multiple of 4 below ${inputSize})`, pc);
    }
  }
  return undefined;
}

/** Formats as the verify verb's contract: `pc N: reason (EINVAL)` or `reason (EINVAL)`. */
export function formatVerifyError(e: VerifyError): string {
  return `${e.pc === undefined ? '' : `pc ${e.pc}: `}${e.reason} (${e.errno})`;
}
