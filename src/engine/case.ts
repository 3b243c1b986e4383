/** @module One syscall case (`sim SYSCALL ARGS…` or one entry of `--cases`) → an exact seccomp_data input, or one clear error. */

import { parseArch, type ArchInfo } from '../abi/arch.js';
import { makeSeccompData, type SeccompData } from '../abi/seccomp-data.js';
import { parseSyscall } from '../abi/syscalls.js';
import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';

export interface SimCase {
  readonly arch: ArchInfo;
  /** What the filter sees in seccomp_data.nr (u32). */
  readonly nr: number;
  readonly data: SeccompData;
  /** `LINE` (JSON lines) or `#/N` (array), for messages about this case. */
  readonly where: string;
}

const U64_MAX = (1n << 64n) - 1n;

/** One case object; `where` names it in errors. */
export function readCase(v: unknown, where: string, defaultArch: ArchInfo): Result<SimCase, SeccompTraceError> {
  const bad = (message: string, hint?: string): Result<SimCase, SeccompTraceError> =>
    err(fail({ code: 'engine/bad-case', where, message, ...(hint === undefined ? {} : { hint }) }));
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('a case must be a JSON object', 'e.g. {"arch":"x86_64","syscall":"openat","args":[0,"0x1000"]}');
  const o = v as Record<string, unknown>;
  let arch = defaultArch;
  if (o['arch'] !== undefined) {
    if (typeof o['arch'] !== 'string') return bad('"arch" must be a string such as "x86_64"');
    const a = parseArch(o['arch']);
    if (!a.ok) return err(a.error.at(where));
    arch = a.value;
  }
  let nr: number;
  if (o['nr'] !== undefined) {
    const n = toBig(o['nr']);
    if (n === undefined || n < -(1n << 31n) || n > 0xffffffffn) return bad(`"nr" ${JSON.stringify(o['nr'])} is not a 32-bit syscall number`);
    nr = Number(BigInt.asUintN(32, n));
  } else if (o['syscall'] !== undefined) {
    const s = o['syscall'];
    if (typeof s !== 'string' && typeof s !== 'number' && typeof s !== 'bigint') return bad('"syscall" must be a name or a number');
    const r = parseSyscall(arch.name, String(s));
    if (!r.ok) return err(r.error.at(where));
    nr = r.value >>> 0;
  } else {
    return bad('a case needs "nr" or "syscall"', 'add "syscall":"NAME" or "nr":N');
  }
  const args: bigint[] = [];
  if (o['args'] !== undefined) {
    if (!Array.isArray(o['args'])) return bad('"args" must be an array of up to 6 numbers');
    if (o['args'].length > 6) return bad(`"args" has ${o['args'].length} values; a syscall has at most 6`);
    for (let i = 0; i < o['args'].length; i++) {
      const a = toU64(o['args'][i]);
      if (a === undefined) return bad(`args[${i}] ${JSON.stringify(String(o['args'][i]))} is not a 64-bit integer`, 'use a number or a decimal/0x string');
      args.push(a);
    }
  }
  let ip = 0n;
  if (o['ip'] !== undefined) {
    const a = toU64(o['ip']);
    if (a === undefined) return bad(`"ip" ${JSON.stringify(String(o['ip']))} is not a 64-bit integer`, 'use a number or a decimal/0x string');
    ip = a;
  }
  return ok({ arch, nr, data: makeSeccompData(nr, arch.auditArch, args, ip), where });
}

/** A number or a decimal/0x string (optionally negative) as an exact integer. */
function toBig(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : undefined;
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  const neg = t.startsWith('-');
  const body = neg ? t.slice(1) : t;
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(body)) return undefined;
  const n = BigInt(body);
  return neg ? -n : n;
}

/** An argument register value: 0..2^64−1, or a negative number as its two's complement. */
export function toU64(v: unknown): bigint | undefined {
  const n = toBig(v);
  if (n === undefined || n > U64_MAX || n < -(1n << 63n)) return undefined;
  return BigInt.asUintN(64, n);
}
