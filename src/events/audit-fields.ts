/** @module The key=value fields of audit records: the general splitter (subj and ausearch -i values may hold spaces) and the fast reader of the kernel's 1326 layout. */

import { decodeHex } from './audit-record.js';

/** Keys that can follow subj, so a subj value (spaces, leading '=') ends before the first of them. */
const AFTER_SUBJ = [' pid=', ' comm=', ' exe=', ' sig=', ' arch=', ' syscall=', ' reason=', ' res='];
/** Every key of the records we parse: ausearch -i prints comm/exe decoded and unquoted (`comm=a b"c`). */
const KNOWN_KEYS = [' auid=', ' uid=', ' gid=', ' ses=', ...AFTER_SUBJ, ' compat=', ' ip=', ' code=', ' actions=', ' old-actions='];

/** Where a value that may hold spaces ends: before the first of `keys` after `from`. */
function endBefore(body: string, from: number, keys: readonly string[]): number {
  let end = body.length;
  for (const k of keys) {
    const p = body.indexOf(k, from);
    if (p >= 0 && p < end) end = p;
  }
  return end;
}

/** Values the kernel writes with audit_log_untrustedstring (quoted, or hex when unsafe). */
const UNTRUSTED = new Set(['comm', 'exe']);

/**
 * Reads `key=value` pairs; quoted values end at the next quote, subj (and, when `interpreted`,
 * every value) at the next known key; unquoted comm/exe are hex-decoded unless `interpreted`.
 */
export function splitFields(body: string, out: Record<string, string>, interpreted: boolean): void {
  let i = 0;
  const n = body.length;
  while (i < n) {
    while (i < n && body.charCodeAt(i) === 32) i++;
    const eq = body.indexOf('=', i);
    if (eq < 0) return;
    const key = body.slice(i, eq);
    if (key.includes(' ')) {
      // a word without '=' (e.g. ausearch's " : "): skip it
      i = body.indexOf(' ', i);
      if (i < 0) return;
      continue;
    }
    let v: string;
    let end: number;
    if (key === 'subj' || interpreted) {
      end = endBefore(body, eq + 1, key === 'subj' ? AFTER_SUBJ : KNOWN_KEYS);
      v = body.slice(eq + 1, end).trimEnd(); // ausearch -i ends each line with a space
    } else if (body.charCodeAt(eq + 1) === 34) {
      const close = body.indexOf('"', eq + 2);
      end = close < 0 ? n : close + 1;
      v = body.slice(eq + 2, close < 0 ? n : close);
    } else {
      end = body.indexOf(' ', eq + 1);
      if (end < 0) end = n;
      v = body.slice(eq + 1, end);
      if (UNTRUSTED.has(key) && v !== '(null)') v = decodeHex(v) ?? v;
    }
    out[key] = v;
    i = end;
  }
}

/** The 1326 body in the kernel's order without subj (kernel/auditsc.c audit_seccomp): most records. */
const CANONICAL = ['auid', 'uid', 'gid', 'ses', 'pid', 'comm', 'exe', 'sig', 'arch', 'syscall', 'compat', 'ip', 'code'] as const;
/** Each key with its '=', as char codes: compared in place (String#startsWith(k, p) was the hot spot). */
const KEY_CODES: readonly number[][] = CANONICAL.map((k) => [...`${k}=`].map((c) => c.charCodeAt(0)));
const scratch: string[] = new Array<string>(CANONICAL.length).fill('');
export const AUDIT_LOG_SECCOMP = [...'type=SECCOMP '].map((c) => c.charCodeAt(0));
/** Where canonicalFields stopped: the body's end, or the ENRICHED separator. */
let canonicalEnd = 0;

/** Where the last canonicalFields() call stopped: the end it was given, or the ENRICHED separator. */
export function lastCanonicalEnd(): number {
  return canonicalEnd;
}

export function keyAt(body: string, p: number, codes: readonly number[]): boolean {
  for (let j = 0; j < codes.length; j++) if (body.charCodeAt(p + j) !== codes[j]) return false;
  return true;
}

/** Whether `s` is a non-empty run of ASCII digits. */
export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The fast path: reads the body as the kernel lays it out, key by expected key, into one object
 * shape; undefined when the body differs in any way (subj, other keys, a cut), so the general
 * splitter reads it instead.
 */
export function canonicalFields(body: string, start = 0, n = body.length): Record<string, string> | undefined {
  let p = start;
  for (let i = 0; i < CANONICAL.length; i++) {
    const codes = KEY_CODES[i]!;
    if (!keyAt(body, p, codes)) return undefined;
    p += codes.length;
    let end: number;
    if (body.charCodeAt(p) === 34 /* " */) {
      // Scanned by hand: thirteen short indexOf calls per line cost more than the loops.
      let close = p + 1;
      while (close < n && body.charCodeAt(close) !== 34) close++;
      if (close >= n) return undefined;
      scratch[i] = body.slice(p + 1, close);
      end = close + 1;
    } else if (i === CANONICAL.length - 1) {
      end = p; // code=0x…: short; ends at the end of the body or at ENRICHED's separator
      while (end < n && body.charCodeAt(end) !== 29 && body.charCodeAt(end) !== 32) end++;
      scratch[i] = body.slice(p, end);
    } else {
      end = p;
      while (end < n && body.charCodeAt(end) !== 32) end++;
      const v = body.slice(p, end);
      scratch[i] = (i === 5 || i === 6) && v !== '(null)' ? (decodeHex(v) ?? v) : v;
    }
    if (i < CANONICAL.length - 1) {
      if (body.charCodeAt(end) !== 32) return undefined;
      p = end + 1;
    } else if (end !== n && body.charCodeAt(end) !== 29) return undefined;
    canonicalEnd = end;
  }
  const v = scratch;
  return new CanonicalFields(v[0]!, v[1]!, v[2]!, v[3]!, v[4]!, v[5]!, v[6]!, v[7]!, v[8]!, v[9]!, v[10]!, v[11]!, v[12]!);
}

/** The fields of a record in the kernel's exact layout: one class, so writers can rely on its keys. */
export class CanonicalFields {
  [key: string]: string;
  constructor(
    public auid: string,
    public uid: string,
    public gid: string,
    public ses: string,
    public pid: string,
    public comm: string,
    public exe: string,
    public sig: string,
    public arch: string,
    public syscall: string,
    public compat: string,
    public ip: string,
    public code: string,
  ) {}
}
