/** @module The kernel's type=1326 (AUDIT_SECCOMP) record: one event type, formatted exactly as kernel/auditsc.c prints it. */

/**
 * One seccomp record, as `audit_seccomp()` + `audit_log_task()` (kernel/auditsc.c) fill it in.
 * `arch` is the AUDIT_ARCH value, `code` the action part only (`ret & 0xffff0000`), `exe` null
 * when the kernel prints `exe=(null)` (no mm).
 */
export interface SeccompEvent {
  /** `<sec>.<msec>` from the `audit(…)` stamp. */
  readonly time?: string;
  readonly serial?: number;
  readonly auid: number;
  readonly uid: number;
  readonly gid: number;
  readonly ses: number;
  /** Present only when an LSM supplies a context (audit_log_task_context). */
  readonly subj?: string;
  readonly pid: number;
  readonly comm: string;
  readonly exe: string | null;
  readonly sig: number;
  readonly arch: number;
  readonly syscall: number;
  readonly compat: number;
  readonly ip: bigint;
  readonly code: number;
}

/** include/uapi/linux/audit.h. */
export const AUDIT_CONFIG_CHANGE = 1305;
export const AUDIT_SECCOMP = 1326;
export const AUDIT_ANOM_ABEND = 1701;
/** `(u32)-1`: the kernel's AUDIT_UID_UNSET / AUDIT_SID_UNSET as printed by `%u`. */
export const AUDIT_UNSET = 4294967295;

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false });

/**
 * `audit_log_untrustedstring()` (kernel/audit.c): quoted as is, unless a byte is `"`, < 0x21 or
 * > 0x7e (`audit_string_contains_control`), then uppercase hex of every byte, unquoted.
 */
export function encodeUntrusted(s: string): string {
  const b = enc.encode(s);
  let plain = true;
  for (const c of b) if (c === 0x22 || c < 0x21 || c > 0x7e) plain = false;
  if (plain) return `"${s}"`;
  let h = '';
  for (const c of b) h += c.toString(16).toUpperCase().padStart(2, '0');
  return h;
}

/** The reverse of encodeUntrusted for a value printed unquoted: hex → bytes → UTF-8 (lossy). */
export function decodeHex(h: string): string | undefined {
  if (h.length === 0 || h.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(h)) return undefined;
  const b = new Uint8Array(h.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return dec.decode(b);
}

/** The `audit(<sec>.<msec>:<serial>)` stamp for a time in milliseconds (`%llu.%03lu:%u`). */
export function auditStamp(ms: number, serial: number): { time: string; serial: number } {
  const sec = Math.floor(ms / 1000);
  return { time: `${sec}.${String(Math.floor(ms - sec * 1000)).padStart(3, '0')}`, serial };
}

/** The body after the stamp: `auid=… code=0x…`, field by field as kernel/auditsc.c prints them. */
export function formatSeccompBody(ev: SeccompEvent): string {
  const subj = ev.subj === undefined ? '' : ` subj=${ev.subj}`;
  const exe = ev.exe === null ? '(null)' : encodeUntrusted(ev.exe);
  return (
    `auid=${ev.auid >>> 0} uid=${ev.uid >>> 0} gid=${ev.gid >>> 0} ses=${ev.ses >>> 0}${subj} pid=${ev.pid} ` +
    `comm=${encodeUntrusted(ev.comm)} exe=${exe} sig=${ev.sig} arch=${(ev.arch >>> 0).toString(16)} ` +
    `syscall=${ev.syscall} compat=${ev.compat} ip=0x${BigInt.asUintN(64, ev.ip).toString(16)} code=0x${((ev.code & 0xffff0000) >>> 0).toString(16)}`
  );
}

/**
 * The netlink payload form, `audit(T:S): auid=… code=0x…` (what AUDIT_NLGRP_READLOG delivers);
 * without a stamp when the event has none.
 */
export function formatSeccompRecord(ev: SeccompEvent): string {
  const stamp = ev.time !== undefined && ev.serial !== undefined ? `audit(${ev.time}:${ev.serial}): ` : '';
  return stamp + formatSeccompBody(ev);
}

/** As the kernel log shows it (`kauditd_printk_skb`: pr_fmt "audit: " + "type=%d %s"). */
export function formatKmsgLine(ev: SeccompEvent): string {
  return `audit: type=${AUDIT_SECCOMP} ${formatSeccompRecord(ev)}`;
}

/** As auditd writes it to audit.log in RAW format: `type=SECCOMP msg=audit(T:S): …`. */
export function formatAuditLogLine(ev: SeccompEvent): string {
  return `type=SECCOMP msg=${formatSeccompRecord(ev)}`;
}
