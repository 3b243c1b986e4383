/** @module Parses one line in any form a seccomp audit record takes (kmsg, dmesg, syslog, journald, audit.log raw/ENRICHED, ausearch -i, netlink payload). */

import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';
import { AUDIT_ANOM_ABEND, AUDIT_CONFIG_CHANGE, AUDIT_SECCOMP, decodeHex } from './audit-record.js';

/** Where a line came from, judged by its prefix. */
export type LineFormat = 'netlink' | 'kmsg' | 'dmesg' | 'dmesg-T' | 'syslog' | 'journal' | 'audit' | 'audit-enriched' | 'ausearch';

/** The fields as printed, in order; comm/exe hex decoded, quotes removed, ENRICHED names (AUID…) kept. */
export type Fields = Readonly<Record<string, string>>;

export interface SeccompRecord {
  readonly kind: 'seccomp';
  /** 1326, or a legacy 1701 ANOM_ABEND with reason="seccomp". */
  readonly type: number;
  readonly format: LineFormat;
  /** As inside `audit(…)`: `1796412198.362`, or ausearch -i's `12/04/2026 21:10:01.362`; journald lines have none. */
  readonly time: string | undefined;
  readonly serial: number | undefined;
  readonly fields: Fields;
  /** ausearch -i: values are interpreted (`arch=x86_64`, `code=kill`). */
  readonly interpreted: boolean;
}

/** type 1305 `op=seccomp-logging actions=… old-actions=… res=…` (kernel/auditsc.c audit_seccomp_actions_logged). */
export interface ConfigRecord {
  readonly kind: 'config';
  readonly type: number;
  readonly format: LineFormat;
  readonly time: string | undefined;
  readonly serial: number | undefined;
  readonly fields: Fields;
}

export type ParsedLine = SeccompRecord | ConfigRecord | { readonly kind: 'other' };

const OTHER = { kind: 'other' } as const;
const OK_OTHER = ok(OTHER);

/** Fields a 1326 record always has (kernel/auditsc.c audit_seccomp). */
const REQUIRED = ['pid', 'sig', 'syscall', 'compat', 'ip', 'code'] as const;
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
const UNTRUSTED = new Set(['comm', 'exe']);
const TYPE_NAMES: Readonly<Record<string, number>> = { SECCOMP: AUDIT_SECCOMP, ANOM_ABEND: AUDIT_ANOM_ABEND, CONFIG_CHANGE: AUDIT_CONFIG_CHANGE };
const GS = '\x1d'; // auditd ENRICHED format: interpreted fields follow a group separator

function bad(message: string): SeccompTraceError {
  return fail({ code: 'events/bad-record', message, hint: 'the line looks like a seccomp record but is cut or malformed' });
}

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

/** Classifies the text in front of the `audit(` stamp (or of the journald `SECCOMP ` word). */
function formatOf(head: string): LineFormat {
  if (head === '') return 'netlink';
  if (/^\d+,\d+,\d+,[^;]*;/.test(head)) return 'kmsg';
  if (head.startsWith('type=')) return 'audit';
  if (head.startsWith('audit:')) return 'dmesg';
  if (head.charCodeAt(0) === 91 /* [ */) return /^\[\s*\d+\.\d+\]/.test(head) ? 'dmesg' : 'dmesg-T';
  if (/ audit\[\d+\]: $/.test(head)) return 'journal';
  return 'syslog';
}

/**
 * Parses one line. Lines that are not seccomp records (nor 1305 seccomp-logging) are `other`;
 * a line that is one but is cut or malformed is an error, so callers can count it.
 * `netlinkType` is the netlink message type when the line is a bare payload.
 */
export function parseAuditLine(line: string, netlinkType?: number): Result<ParsedLine, SeccompTraceError> {
  // Fast rejection: every seccomp form names the type by number or name, or has op=seccomp-logging.
  if (
    netlinkType === undefined &&
    !keyAt(line, 0, AUDIT_LOG_SECCOMP) && // audit.log: the common case, decided without a scan
    line.indexOf('1326') < 0 &&
    line.indexOf('SECCOMP') < 0 &&
    line.indexOf('seccomp') < 0
  ) {
    return OK_OTHER;
  }
  if (netlinkType === undefined) {
    const fast = auditLogFast(line);
    if (fast !== undefined) return fast;
  }
  let head: string;
  let body: string;
  let time: string | undefined;
  let serial: number | undefined;
  let interpreted = false;
  const a = line.indexOf('audit(');
  if (a >= 0) {
    const close = line.indexOf(')', a);
    if (close < 0) return err(bad('audit( stamp without a closing parenthesis'));
    const stamp = line.slice(a + 6, close);
    const colon = stamp.lastIndexOf(':');
    if (colon < 0) return err(bad(`bad audit stamp 'audit(${stamp})'`));
    time = stamp.slice(0, colon);
    const s = stamp.slice(colon + 1);
    if (!isDigits(s)) return err(bad(`bad audit serial '${s}'`));
    serial = Number(s);
    head = line.slice(0, a);
    if (head.endsWith('msg=')) head = head.slice(0, -4);
    let b = close + 1;
    if (line.startsWith(' : ', b)) {
      interpreted = true; // ausearch -i prints "audit(DATE) : key=value"
      b += 3;
    } else if (line.startsWith(': ', b)) b += 2;
    else if (line.charCodeAt(b) === 58) b += 1;
    body = line.slice(b);
    if (time.includes('/')) interpreted = true; // ausearch -i dates: 12/04/2026 21:10:01.362
  } else {
    // journald's audit transport: "… audit[PID]: SECCOMP auid=…" (no stamp; time is the journal's).
    const j = /(?:^|\s)(SECCOMP|ANOM_ABEND|CONFIG_CHANGE) (?=\w+=)/.exec(line);
    if (j === null) return netlinkType === undefined ? OK_OTHER : parseBody('', line, netlinkType, 'netlink', undefined, undefined, false);
    head = line.slice(0, j.index + (j[0].startsWith(' ') ? 1 : 0));
    body = line.slice(j.index + j[0].length);
    return parseBody(head, body, TYPE_NAMES[j[1]!]!, head === '' ? 'netlink' : 'journal', undefined, undefined, false);
  }
  let type = netlinkType;
  const t = head.indexOf('type=');
  if (t >= 0) {
    // A named type we do not read (SYSCALL, PROCTITLE…) is another record, whatever its body holds.
    const e = head.indexOf(' ', t);
    const name = head.slice(t + 5, e < 0 ? head.length : e);
    type = isDigits(name) ? Number(name) : (TYPE_NAMES[name] ?? -1);
  }
  if (type === undefined) type = body.includes('op=seccomp-logging') ? AUDIT_CONFIG_CHANGE : body.includes(' syscall=') ? AUDIT_SECCOMP : undefined;
  if (type === undefined) return OK_OTHER;
  let format = formatOf(head);
  if (format === 'audit' && interpreted) format = 'ausearch';
  return parseBody(head, body, type, format, time, serial, interpreted);
}

function parseBody(head: string, body: string, type: number, format: LineFormat, time: string | undefined, serial: number | undefined, interpreted: boolean): Result<ParsedLine, SeccompTraceError> {
  void head;
  if (type !== AUDIT_SECCOMP && type !== AUDIT_ANOM_ABEND && type !== AUDIT_CONFIG_CHANGE) return OK_OTHER;
  let fields: Record<string, string> | undefined = type === AUDIT_SECCOMP && !interpreted ? canonicalFields(body) : undefined;
  let gs: number;
  if (fields !== undefined) {
    gs = canonicalEnd < body.length ? canonicalEnd : -1; // canonicalFields stops only at the end or at GS
  } else {
    // ENRICHED's separator follows the last raw field; look for it only from there.
    const lastKey = body.lastIndexOf(type === AUDIT_CONFIG_CHANGE ? ' res=' : ' code=');
    gs = body.indexOf(GS, lastKey < 0 ? 0 : lastKey);
    fields = {};
    splitFields(gs >= 0 ? body.slice(0, gs) : body, fields, interpreted);
  }
  let fmt = format;
  if (gs >= 0) {
    splitFields(body.slice(gs + 1), fields, false);
    if (fmt === 'audit') fmt = 'audit-enriched';
  }
  if (type === AUDIT_CONFIG_CHANGE) {
    if (fields['op'] !== 'seccomp-logging') return OK_OTHER;
    return ok({ kind: 'config', type, format: fmt, time, serial, fields });
  }
  // kernel/auditsc.c before 4.14 wrote seccomp kills as ANOM_ABEND with reason="seccomp".
  if (type === AUDIT_ANOM_ABEND && fields['reason'] !== 'seccomp') return OK_OTHER;
  for (const k of REQUIRED) if (fields[k] === undefined) return err(bad(`seccomp record without ${k}=`));
  return ok({ kind: 'seccomp', type, format: fmt, time, serial, fields, interpreted });
}

/** The 1326 body in the kernel's order without subj (kernel/auditsc.c audit_seccomp): most records. */
const CANONICAL = ['auid', 'uid', 'gid', 'ses', 'pid', 'comm', 'exe', 'sig', 'arch', 'syscall', 'compat', 'ip', 'code'] as const;
/** Each key with its '=', as char codes: compared in place (String#startsWith(k, p) was the hot spot). */
const KEY_CODES: readonly number[][] = CANONICAL.map((k) => [...`${k}=`].map((c) => c.charCodeAt(0)));
const scratch: string[] = new Array<string>(CANONICAL.length).fill('');
const AUDIT_LOG_SECCOMP = [...'type=SECCOMP '].map((c) => c.charCodeAt(0));
/** Where canonicalFields stopped: the body's end, or the ENRICHED separator. */
let canonicalEnd = 0;

function keyAt(body: string, p: number, codes: readonly number[]): boolean {
  for (let j = 0; j < codes.length; j++) if (body.charCodeAt(p + j) !== codes[j]) return false;
  return true;
}

/** Whether `s` is a non-empty run of ASCII digits. */
function isDigits(s: string): boolean {
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
function canonicalFields(body: string, start = 0, n = body.length): Record<string, string> | undefined {
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

const AUDIT_LOG_STAMP = [...'type=SECCOMP msg=audit('].map((c) => c.charCodeAt(0));

/**
 * audit.log's own form of a 1326 record, `type=SECCOMP msg=audit(T:S): auid=… code=0x…[GS…]`,
 * read in place (the bulk of a busy audit.log); undefined sends the line down the general path.
 */
export function auditLogFast(line: string, start = 0, end = line.length): Result<ParsedLine, SeccompTraceError> | undefined {
  if (!keyAt(line, start, AUDIT_LOG_STAMP)) return undefined;
  const open = start + AUDIT_LOG_STAMP.length;
  let close = open;
  while (close < end && line.charCodeAt(close) !== 41 /* ) */) close++;
  if (close >= end) return undefined;
  let colon = close - 1;
  let serial = 0;
  let scale = 1;
  for (; colon > open; colon--) {
    const c = line.charCodeAt(colon);
    if (c === 58) break;
    if (c < 48 || c > 57) return undefined;
    serial += (c - 48) * scale;
    scale *= 10;
  }
  if (colon === open || colon === close - 1 || line.charCodeAt(close + 1) !== 58 || line.charCodeAt(close + 2) !== 32) return undefined;
  const fields = canonicalFields(line, close + 3, end);
  if (fields === undefined) return undefined;
  let format: LineFormat = 'audit';
  if (canonicalEnd < end) {
    splitFields(line.slice(canonicalEnd + 1, end), fields, false); // ENRICHED: the interpreted names after GS
    format = 'audit-enriched';
  }
  return ok({ kind: 'seccomp', type: AUDIT_SECCOMP, format, time: line.slice(open, colon), serial, fields, interpreted: false });
}
