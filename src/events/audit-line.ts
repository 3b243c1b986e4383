/** @module Parses one line in any form a seccomp audit record takes (kmsg, dmesg, syslog, journald, audit.log raw/ENRICHED, ausearch -i, netlink payload). */

import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';
import { AUDIT_LOG_SECCOMP, CanonicalFields, canonicalFields, isDigits, keyAt, lastCanonicalEnd, splitFields } from './audit-fields.js';
import { AUDIT_ANOM_ABEND, AUDIT_CONFIG_CHANGE, AUDIT_SECCOMP } from './audit-record.js';

export { CanonicalFields, splitFields };

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
const TYPE_NAMES: Readonly<Record<string, number>> = { SECCOMP: AUDIT_SECCOMP, ANOM_ABEND: AUDIT_ANOM_ABEND, CONFIG_CHANGE: AUDIT_CONFIG_CHANGE };
const GS = '\x1d'; // auditd ENRICHED format: interpreted fields follow a group separator

function bad(message: string): SeccompTraceError {
  return fail({ code: 'events/bad-record', message, hint: 'the line looks like a seccomp record but is cut or malformed' });
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
    if (j === null) return netlinkType === undefined ? OK_OTHER : parseBody(line, netlinkType, 'netlink', undefined, undefined, false);
    head = line.slice(0, j.index + (j[0].startsWith(' ') ? 1 : 0));
    body = line.slice(j.index + j[0].length);
    return parseBody(body, TYPE_NAMES[j[1]!]!, head === '' ? 'netlink' : 'journal', undefined, undefined, false);
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
  return parseBody(body, type, format, time, serial, interpreted);
}

function parseBody(body: string, type: number, format: LineFormat, time: string | undefined, serial: number | undefined, interpreted: boolean): Result<ParsedLine, SeccompTraceError> {
  if (type !== AUDIT_SECCOMP && type !== AUDIT_ANOM_ABEND && type !== AUDIT_CONFIG_CHANGE) return OK_OTHER;
  let fields: Record<string, string> | undefined = type === AUDIT_SECCOMP && !interpreted ? canonicalFields(body) : undefined;
  let gs: number;
  if (fields !== undefined) {
    gs = lastCanonicalEnd() < body.length ? lastCanonicalEnd() : -1; // canonicalFields stops only at the end or at GS
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
  if (lastCanonicalEnd() < end) {
    splitFields(line.slice(lastCanonicalEnd() + 1, end), fields, false); // ENRICHED: the interpreted names after GS
    format = 'audit-enriched';
  }
  return ok({ kind: 'seccomp', type: AUDIT_SECCOMP, format, time: line.slice(open, colon), serial, fields, interpreted: false });
}
