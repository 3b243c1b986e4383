/** @module The kernel probe: run filters and one syscall in a throwaway child and report what the kernel did. */

import { SeccompTraceError } from '../errors.js';
import { callNative, type NativeOutcome, type NativeProbeRequest } from './native.js';

export interface ProbeFilter {
  /** Raw `struct sock_filter` bytes (8 per instruction, little-endian). */
  readonly program: Uint8Array;
  /** SECCOMP_FILTER_FLAG_* bits. */
  readonly flags: number;
}
/** `syscall` insn; `int $0x80` (compat, arch=0x40000003); `syscall` with nr|0x40000000. */
export type ProbeAbi = 'x86_64' | 'x86' | 'x32';
export interface ProbeSyscall {
  /** For x32 pass the number WITHOUT the bit; the probe ORs 0x40000000. */
  readonly nr: number;
  /** Up to 6, missing = 0 (full 64-bit registers for x86_64/x32; low 32 bits for x86). */
  readonly args?: readonly bigint[];
  readonly abi?: ProbeAbi;
  /** Make the call in a second thread, so KILL_THREAD vs KILL_PROCESS is visible. */
  readonly inThread?: boolean;
}
export interface ProbeRequest {
  /** Installed in order (oldest first) after no_new_privs. */
  readonly filters: readonly ProbeFilter[];
  /** Omitted: only install and report errnos. */
  readonly syscall?: ProbeSyscall;
}
export type ProbeOutcome =
  /** Raw signed return register; -4095n..-1n means -errno (x86: eax sign-extended). */
  | { readonly kind: 'returned'; readonly value: bigint }
  | { readonly kind: 'trap'; readonly siErrno: number; readonly siSyscall: number; readonly siArch: number; readonly siCode: number }
  /** thread: only the calling thread died (inThread). */
  | { readonly kind: 'killed'; readonly signal: number; readonly thread: boolean }
  /** A filter install failed, syscall not made. */
  | { readonly kind: 'skipped' };
export interface ProbeResult {
  /** Per filter: errno 0 = ok, -1 = not attempted (the child died first); ret = seccomp()'s return. */
  readonly installs: readonly { readonly errno: number; readonly ret: number }[];
  readonly outcome?: ProbeOutcome;
  /** The instruction_pointer the filter saw for this abi (address after the syscall insn). */
  readonly ip: bigint;
}

const ABI_CODE: Record<ProbeAbi, number> = { x86_64: 0, x86: 1, x32: 2 };
const SIGSYS = 31;

function toNative(req: ProbeRequest, index: number): NativeProbeRequest {
  for (const f of req.filters) {
    if (f.program.length % 8 !== 0) {
      throw new SeccompTraceError({ code: 'linux/probe-bad-program', message: `request ${index}: program length ${f.program.length} is not a multiple of 8` });
    }
  }
  const filters = req.filters.map((f) => ({ program: f.program, flags: f.flags >>> 0 }));
  const s = req.syscall;
  if (s === undefined) return { filters };
  const args = (s.args ?? []).map((a) => BigInt.asUintN(64, a));
  if (args.length > 6) throw new SeccompTraceError({ code: 'linux/probe-bad-syscall', message: `request ${index}: more than 6 syscall arguments` });
  return { filters, syscall: { nr: s.nr, args, abi: ABI_CODE[s.abi ?? 'x86_64'], inThread: s.inThread === true ? 1 : 0 } };
}

function fromNative(o: NativeOutcome, index: number): ProbeOutcome {
  if (o.kind !== 'exited') return o;
  // The child only exits by itself after reporting; an exit without a report is a probe bug.
  throw new SeccompTraceError({ code: 'linux/probe-no-report', message: `request ${index}: probe child exited with status ${o.status} without reporting` });
}

/** Runs many requests in one addon call (one fork each). */
export function probeBatch(reqs: readonly ProbeRequest[]): ProbeResult[] {
  const native = reqs.map(toNative);
  const res = callNative('kernel probe', (a) => a.probeBatch(native));
  return res.map((r, i) => (r.outcome === undefined ? { installs: r.installs, ip: r.ip } : { installs: r.installs, outcome: fromNative(r.outcome, i), ip: r.ip }));
}

export function probe(req: ProbeRequest): ProbeResult {
  const r = probeBatch([req])[0];
  if (r === undefined) throw new Error('internal: probeBatch returned nothing');
  return r;
}

/** The instruction_pointer a filter sees for syscalls made by the probe with this abi. */
export function probeIp(abi: ProbeAbi = 'x86_64'): bigint {
  return callNative('kernel probe', (a) => a.probeIp(ABI_CODE[abi]));
}

/** errno of a `returned` outcome in -4095..-1, else undefined. */
export function errnoOf(o: ProbeOutcome): number | undefined {
  return o.kind === 'returned' && o.value < 0n && o.value >= -4095n ? Number(-o.value) : undefined;
}

/** Whether an outcome is death by SIGSYS (KILL_* actions). */
export function killedBySigsys(o: ProbeOutcome | undefined): boolean {
  return o?.kind === 'killed' && o.signal === SIGSYS;
}
