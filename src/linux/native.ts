/** @module The only loader of the native addon: finds, checks and types `build/Release/seccomptrace.node`. */

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { SeccompTraceError, type ErrorCode } from '../errors.js';
import { packageRoot } from './package-root.js';

/** Must equal ST_ABI_VERSION in src/linux/native/addon.c. */
export const NATIVE_ABI_VERSION = 3;

/** The plain shapes the C side takes and returns (see src/linux/native/*.c). */
export interface NativeProbeRequest {
  readonly filters: readonly { readonly program: Uint8Array; readonly flags: number }[];
  readonly syscall?: { readonly nr: number; readonly args: readonly bigint[]; readonly abi: number; readonly inThread: number };
}
export type NativeOutcome =
  | { readonly kind: 'returned'; readonly value: bigint }
  | { readonly kind: 'trap'; readonly siErrno: number; readonly siSyscall: number; readonly siArch: number; readonly siCode: number }
  | { readonly kind: 'killed'; readonly signal: number; readonly thread: boolean }
  | { readonly kind: 'skipped' }
  | { readonly kind: 'exited'; readonly status: number };
export interface NativeProbeResult {
  readonly installs: readonly { readonly errno: number; readonly ret: number }[];
  readonly outcome?: NativeOutcome;
  readonly ip: bigint;
}
export interface NativeFeatures {
  readonly actions: readonly number[];
  readonly flags: readonly number[];
  readonly notifSizes: { readonly errno: number; readonly notif?: number; readonly resp?: number; readonly data?: number };
  readonly pidfdOpen: number;
}
export interface NativeSpawnRequest {
  readonly file: string;
  readonly argv: readonly string[];
  readonly env: readonly string[];
  readonly cwd?: string;
  readonly filters: readonly { readonly program: Uint8Array; readonly flags: number }[];
}
export interface NativeSpawned { readonly pid: number; readonly pidfd: number; readonly listenerFd: number; readonly errFd: number }
/** exited: normal exit with `code`; otherwise `code` is the signal. */
export interface NativeExit { readonly exited: boolean; readonly code: number }
export interface NativeNotifyRecord {
  readonly id: bigint;
  readonly pid: number;
  readonly nr: number;
  readonly arch: number;
  readonly ip: bigint;
  readonly args: readonly bigint[];
  /** The native thread already answered CONTINUE. */
  readonly answered: boolean;
  readonly timeNs: number;
}
/** Byte size of one packed record in NativeDrain.records (struct rec in notify.c). */
export const NOTIFY_RECORD_SIZE = 88;
export interface NativeDrain {
  /** `count` packed records, NOTIFY_RECORD_SIZE bytes each; decode with decodeNotifyRecords. */
  readonly records: ArrayBuffer;
  readonly count: number;
  readonly lost: number;
  readonly received: number;
  readonly exit?: NativeExit;
  readonly finished: boolean;
  readonly fatalErrno: number;
}
export interface NativeNotifyStart {
  readonly listenerFd: number;
  readonly pidfd: number;
  readonly table: Uint8Array;
  readonly tableArch: number;
  readonly other: number;
  readonly capacity: number;
  readonly onReady: () => void;
}
/** Unpacks notify.c's struct rec array (little-endian, x86_64). */
export function decodeNotifyRecords(buf: ArrayBuffer, count: number): NativeNotifyRecord[] {
  const dv = new DataView(buf);
  const out: NativeNotifyRecord[] = new Array<NativeNotifyRecord>(count);
  for (let i = 0, o = 0; i < count; i++, o += NOTIFY_RECORD_SIZE) {
    out[i] = {
      id: dv.getBigUint64(o, true),
      ip: dv.getBigUint64(o + 8, true),
      args: [dv.getBigUint64(o + 16, true), dv.getBigUint64(o + 24, true), dv.getBigUint64(o + 32, true), dv.getBigUint64(o + 40, true), dv.getBigUint64(o + 48, true), dv.getBigUint64(o + 56, true)],
      timeNs: Number(dv.getBigInt64(o + 64, true)),
      pid: dv.getUint32(o + 72, true),
      arch: dv.getUint32(o + 76, true),
      nr: dv.getInt32(o + 80, true),
      answered: dv.getUint32(o + 84, true) !== 0,
    };
  }
  return out;
}

/** Opaque handle of a running notifier thread. */
export type NotifierHandle = { readonly __brand: 'NotifierHandle' };
export interface NativeAddon {
  readonly abiVersion: number;
  probeBatch(reqs: readonly NativeProbeRequest[]): NativeProbeResult[];
  probeIp(abi: number): bigint;
  auditOpen(): number;
  auditRead(fd: number, timeoutMs: number, max: number): { messages: { type: number; text: string }[]; overruns: number };
  closeFd(fd: number): void;
  features(req: { actions: readonly number[]; flags: readonly number[] }): NativeFeatures;
  spawn(req: NativeSpawnRequest): NativeSpawned;
  waitExit(pidfd: number, nohang: number): NativeExit | undefined;
  pidfdSignal(pidfd: number, signal: number): number;
  notifyStart(req: NativeNotifyStart): NotifierHandle;
  notifyDrain(h: NotifierHandle, max: number): NativeDrain;
  notifyStop(h: NotifierHandle): void;
  notifySend(listenerFd: number, id: bigint, error: number, val: bigint, flags: number): number;
  notifyIdValid(listenerFd: number, id: bigint): number;
}

const ADDON_REL = join('build', 'Release', 'seccomptrace.node');
const FIX = 'run `npm install` in the package root (or `npx node-gyp rebuild` there) to build it';

let cached: NativeAddon | undefined;

/** Loads the addon once; throws one clear error naming the path and the fix. */
export function native(): NativeAddon {
  if (cached !== undefined) return cached;
  const root = packageRoot();
  const path = join(root, ADDON_REL);
  if (!existsSync(path)) {
    throw new SeccompTraceError({ code: 'linux/addon-missing', message: `native addon not built: ${path} does not exist`, hint: FIX });
  }
  let mod: { abiVersion?: unknown };
  try {
    mod = createRequire(import.meta.url)(path) as { abiVersion?: unknown };
  } catch (e) {
    throw new SeccompTraceError({ code: 'linux/addon-load', message: `cannot load ${path}: ${(e as Error).message}`, hint: FIX, cause: e });
  }
  if (mod.abiVersion !== NATIVE_ABI_VERSION) {
    throw new SeccompTraceError({
      code: 'linux/addon-version',
      message: `${path} has abiVersion ${String(mod.abiVersion)}, this code needs ${NATIVE_ABI_VERSION} (stale build)`,
      hint: FIX,
    });
  }
  // The one checked cast of the code base: the shape is fixed by addon.c for this abiVersion.
  cached = mod as NativeAddon;
  return cached;
}

const errnoNames = new Map<number, string>(Object.entries(osConstants.errno).map(([k, v]) => [v, k]));

/** `EINVAL` for 22 (this host's numbering, which is what the addon reports). */
export function hostErrnoName(n: number): string {
  return errnoNames.get(n) ?? `errno ${n}`;
}

interface NativeErrorShape { code?: unknown; errno?: unknown; syscall?: unknown; step?: unknown; message?: unknown }

/** Runs an addon call, turning its `{code, errno, syscall, step}` errors into SeccompTraceError. */
export function callNative<T>(what: string, f: (addon: NativeAddon) => T): T {
  const addon = native();
  try {
    return f(addon);
  } catch (e) {
    const n = e as NativeErrorShape;
    if (typeof n.code !== 'string' || !n.code.startsWith('linux/')) throw e;
    const errno = typeof n.errno === 'number' && n.errno > 0 ? hostErrnoName(n.errno) : undefined;
    throw new SeccompTraceError({
      code: n.code as ErrorCode,
      message: `${what}: ${String(n.syscall)} failed during ${String(n.step)}`,
      ...(errno === undefined ? {} : { errno }),
      cause: e,
    });
  }
}
