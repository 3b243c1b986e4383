/** @module Seccomp filter return values: action values, masks, names in every spelling, parse and format. */

import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';

// Values: include/uapi/linux/seccomp.h (SECCOMP_RET_*). Names: kernel/seccomp.c
// (SECCOMP_RET_*_NAME, the actions_avail / actions_logged vocabulary).
export const RET_ACTION_FULL = 0xffff0000;
export const RET_DATA = 0x0000ffff;
/** `SECCOMP_RET_LOG(x)` of the 2017 proposal: top byte 0xff marks a side action. */
export const SIDE_ACTION_MASK = 0xff000000;
/** include/linux/err.h MAX_ERRNO: the kernel clamps RET_ERRNO data to this. */
export const MAX_ERRNO = 4095;

/** A 32-bit filter return value (unsigned). Only constructors in this module make one. */
export type ActionValue = number & { readonly __brand: 'ActionValue' };

export type ActionName =
  | 'kill_process'
  | 'kill_thread'
  | 'trap'
  | 'errno'
  | 'user_notif'
  | 'trace'
  | 'log'
  | 'allow';

export interface ActionInfo {
  readonly name: ActionName;
  /** Action part (bits 16..31). */
  readonly value: number;
  /** libseccomp / OCI spelling. */
  readonly scmp: string;
  /** Our assembler's spelling. */
  readonly asm: string;
  /** Bit in kernel/seccomp.c SECCOMP_LOG_*; allow has one but it can never be set. */
  readonly logBit: number;
  /** Whether the low 16 bits mean something (errno, si_errno, ptrace message). */
  readonly takesData: boolean;
}

/** Ordered least to most permissive, as `actions_avail` prints them. */
export const ACTIONS = [
  { name: 'kill_process', value: 0x80000000, scmp: 'SCMP_ACT_KILL_PROCESS', asm: 'KILL_PROCESS', logBit: 1 << 0, takesData: false },
  { name: 'kill_thread', value: 0x00000000, scmp: 'SCMP_ACT_KILL_THREAD', asm: 'KILL_THREAD', logBit: 1 << 1, takesData: false },
  { name: 'trap', value: 0x00030000, scmp: 'SCMP_ACT_TRAP', asm: 'TRAP', logBit: 1 << 2, takesData: true },
  { name: 'errno', value: 0x00050000, scmp: 'SCMP_ACT_ERRNO', asm: 'ERRNO', logBit: 1 << 3, takesData: true },
  { name: 'user_notif', value: 0x7fc00000, scmp: 'SCMP_ACT_NOTIFY', asm: 'USER_NOTIF', logBit: 1 << 7, takesData: false },
  { name: 'trace', value: 0x7ff00000, scmp: 'SCMP_ACT_TRACE', asm: 'TRACE', logBit: 1 << 4, takesData: true },
  { name: 'log', value: 0x7ffc0000, scmp: 'SCMP_ACT_LOG', asm: 'LOG', logBit: 1 << 5, takesData: false },
  { name: 'allow', value: 0x7fff0000, scmp: 'SCMP_ACT_ALLOW', asm: 'ALLOW', logBit: 1 << 6, takesData: false },
] as const satisfies readonly ActionInfo[];

export const ACTION_NAMES: readonly ActionName[] = ACTIONS.map((a) => a.name);

const byName = new Map<string, ActionInfo>(ACTIONS.map((a) => [a.name, a]));
const byValue = new Map<number, ActionInfo>(ACTIONS.map((a) => [a.value, a]));

export function actionInfo(name: ActionName): ActionInfo {
  const a = byName.get(name);
  if (a === undefined) throw new Error(`internal: no action ${name}`);
  return a;
}

export function asActionValue(v: number): ActionValue {
  return (v >>> 0) as ActionValue;
}

export function makeAction(name: ActionName, data = 0): ActionValue {
  return asActionValue(actionInfo(name).value | (data & RET_DATA));
}

/** `SECCOMP_RET_LOG(x)` of the proposal. */
export function makeSideLog(tag: number): ActionValue {
  return asActionValue(SIDE_ACTION_MASK | (tag & 0xff));
}

export function isSideAction(v: number): boolean {
  return (v & SIDE_ACTION_MASK) >>> 0 === SIDE_ACTION_MASK;
}

export function actionPart(v: number): number {
  return (v & RET_ACTION_FULL) >>> 0;
}

export function dataPart(v: number): number {
  return v & RET_DATA;
}

/** The key `seccomp_run_filters()` minimises: the full action, compared as a signed 32-bit number. */
export function precedenceRank(v: number): number {
  return v & RET_ACTION_FULL;
}

/**
 * How a value behaves: its action, or kill_process for the 2^16 − 8 unknown prefixes
 * (kernel/seccomp.c __seccomp_filter(): `default:` shares KILL_PROCESS's case — fail closed).
 */
export function behaviour(v: number): ActionName {
  return byValue.get(actionPart(v))?.name ?? 'kill_process';
}

/** The action's name if the value is one of the eight known actions, else undefined. */
export function knownAction(v: number): ActionName | undefined {
  return byValue.get(actionPart(v))?.name;
}

function hex(v: number): string {
  return `0x${(v >>> 0).toString(16)}`;
}

/**
 * Our assembler's spelling: `ALLOW`, `ERRNO(13)`, `TRACE(5)`, `LOG`, the side action `LOG(42)`;
 * data on a data-less action keeps it visible (`ALLOW(3)`); an unknown value is hex.
 */
export function formatAction(v: number): string {
  v >>>= 0;
  if (isSideAction(v)) {
    const data = v & 0xffffff;
    return data <= 0xff ? `LOG(${data})` : hex(v);
  }
  const a = byValue.get(actionPart(v));
  if (a === undefined) return hex(v);
  const d = dataPart(v);
  if (a.name === 'log' && d !== 0) return hex(v); // LOG(x) means the side action; keep the kernel value exact
  return d === 0 && !a.takesData ? a.asm : `${a.asm}(${d})`;
}

/** OCI/libseccomp spelling of an action name with data: `SCMP_ACT_ERRNO(1)`. */
export function formatScmp(v: number): string {
  const a = byValue.get(actionPart(v));
  if (a === undefined) return hex(v);
  return a.takesData ? `${a.scmp}(${dataPart(v)})` : a.scmp;
}

const ASM_ALIASES: Readonly<Record<string, ActionName>> = {
  KILL: 'kill_thread',
  KILL_THREAD: 'kill_thread',
  KILL_PROCESS: 'kill_process',
  TRAP: 'trap',
  ERRNO: 'errno',
  USER_NOTIF: 'user_notif',
  NOTIFY: 'user_notif',
  TRACE: 'trace',
  LOG: 'log',
  ALLOW: 'allow',
};

/** Every OCI/libseccomp name: SCMP_ACT_KILL is kill_thread (libseccomp include/seccomp.h). */
const SCMP_NAMES: Readonly<Record<string, ActionName>> = {
  SCMP_ACT_KILL: 'kill_thread',
  SCMP_ACT_KILL_THREAD: 'kill_thread',
  SCMP_ACT_KILL_PROCESS: 'kill_process',
  SCMP_ACT_TRAP: 'trap',
  SCMP_ACT_ERRNO: 'errno',
  SCMP_ACT_NOTIFY: 'user_notif',
  SCMP_ACT_TRACE: 'trace',
  SCMP_ACT_LOG: 'log',
  SCMP_ACT_ALLOW: 'allow',
};

export function scmpActionName(s: string): ActionName | undefined {
  return SCMP_NAMES[s];
}

export function parseNumber(s: string): number | undefined {
  const t = s.trim();
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Parses any spelling: assembler (`ERRNO(13)`, `LOG(42)` = side action), kernel sysctl names
 * (`errno`), OCI (`SCMP_ACT_ERRNO(13)`), or a number. Case-insensitive for names.
 */
export function parseAction(text: string): Result<ActionValue, SeccompTraceError> {
  const t = text.trim();
  const num = parseNumber(t);
  if (num !== undefined) {
    if (num > 0xffffffff) return err(fail({ code: 'abi/bad-action', message: `action value ${t} does not fit in 32 bits` }));
    return ok(asActionValue(num));
  }
  const m = /^([A-Za-z_]+)\s*(?:\(\s*([^)]*?)\s*\))?$/.exec(t);
  if (m === null) return err(badAction(t));
  const word = m[1]!.toUpperCase();
  const arg = m[2];
  const name = SCMP_NAMES[word] ?? ASM_ALIASES[word] ?? ASM_ALIASES[word.replace(/^SECCOMP_RET_/, '')];
  if (name === undefined) return err(badAction(t));
  if (arg === undefined) return ok(makeAction(name));
  const d = parseNumber(arg);
  if (name === 'log' && !word.startsWith('SCMP_')) {
    if (d === undefined || d > 0xff) return err(fail({ code: 'abi/bad-action', message: `LOG(x) tag '${arg}' must be 0..255` }));
    return ok(makeSideLog(d));
  }
  if (d === undefined || d > RET_DATA) {
    return err(fail({ code: 'abi/bad-action', message: `action data '${arg}' must be a number 0..65535` }));
  }
  return ok(makeAction(name, d));
}

function badAction(t: string): SeccompTraceError {
  return fail({
    code: 'abi/unknown-action',
    message: `unknown action '${t}'`,
    hint: `use one of ${ACTIONS.map((a) => a.asm).join(', ')}, ERRNO(n), TRACE(n), LOG(tag), SCMP_ACT_* or a number`,
  });
}
