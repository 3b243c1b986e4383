/** @module Names for a parsed seccomp record: arch and syscall by the record's own arch, action by its code; and the typed event. */

import { abiOf, archByAudit, behaviour, actionInfo, parseArch, resolveSyscall, signalNumber, syscallName, type ActionName, type ArchName } from '../abi/index.js';
import { AUDIT_UNSET, type SeccompEvent } from './audit-record.js';
import type { SeccompRecord } from './audit-line.js';

export interface Enrichment {
  /** libseccomp's arch name of the syscall's ABI (x32 when the number carries 0x40000000). */
  readonly archName?: ArchName;
  readonly auditArch?: number;
  readonly nr?: number;
  readonly syscallName?: string;
  /**
   * The kernel's name of how the code behaves (an unknown code behaves as kill_process); `kill`
   * when only ausearch -i's interpretation is there, which cannot tell kill_thread from kill_process.
   */
  readonly action?: ActionName | 'kill';
  readonly code?: number;
}

/**
 * auparse's interpretations of `code=` (ausearch -i, auparse/interpret.c print_seccomp_code). It
 * masks with the pre-4.14 SECCOMP_RET_ACTION 0x7fff0000, so KILL_PROCESS (0x80000000) and
 * KILL_THREAD (0) both print `kill` [seen with audit 3.0.9 on this machine].
 */
const AUPARSE_CODES: Readonly<Record<string, ActionName | 'kill'>> = {
  kill: 'kill',
  'kill-thread': 'kill_thread',
  'kill-process': 'kill_process',
  'kill_process': 'kill_process',
  trap: 'trap',
  errno: 'errno',
  trace: 'trace',
  log: 'log',
  allow: 'allow',
  notify: 'user_notif',
  'user-notif': 'user_notif',
};

/** A printed number: decimal, `0x` hex; or undefined. */
function num(v: string | undefined): number | undefined {
  if (v === undefined || v.length === 0) return undefined;
  if (v.charCodeAt(0) === 48 && v.charCodeAt(1) === 120) return /^0x[0-9a-f]+$/i.test(v) ? Number.parseInt(v.slice(2), 16) : undefined;
  const n = Number(v); // decimal only: Number('') and '0x…' are handled above; reject '1e3', ' 1'
  return Number.isInteger(n) && /^-?\d+$/.test(v) ? n : undefined;
}

export function enrich(rec: SeccompRecord): Enrichment {
  const f = rec.fields;
  let archInfo = undefined as ReturnType<typeof archByAudit>;
  let auditArch: number | undefined;
  const archText = f['arch'] ?? f['ARCH'];
  if (archText !== undefined) {
    if (!rec.interpreted && /^[0-9a-f]{1,8}$/.test(archText)) {
      auditArch = Number.parseInt(archText, 16) >>> 0;
    } else {
      const p = parseArch(archText === 'i386' ? 'x86' : archText);
      if (p.ok) {
        archInfo = p.value;
        auditArch = p.value.auditArch;
      }
    }
  }
  let nr = num(f['syscall']);
  let sname: string | undefined;
  if (nr === undefined && f['syscall'] !== undefined) sname = f['syscall']; // ausearch -i printed the name
  if (auditArch !== undefined) archInfo = nr === undefined ? (archInfo ?? archByAudit(auditArch)) : abiOf(auditArch, nr);
  if (archInfo !== undefined) {
    if (nr !== undefined) sname = syscallName(archInfo.name, nr);
    else if (sname !== undefined) nr = resolveSyscall(archInfo.name, sname);
  }
  const codeText = f['code'];
  const code = num(codeText);
  let action: ActionName | 'kill' | undefined;
  if (code !== undefined) action = behaviour(code);
  else if (codeText !== undefined) {
    action = AUPARSE_CODES[codeText.toLowerCase()];
  }
  // Built by assignment: spreading conditional objects was most of the cost per record.
  const out: { -readonly [K in keyof Enrichment]: Enrichment[K] } = {};
  if (archInfo !== undefined) out.archName = archInfo.name;
  if (auditArch !== undefined) out.auditArch = auditArch;
  if (nr !== undefined) out.nr = nr;
  if (sname !== undefined) out.syscallName = sname;
  if (action !== undefined) out.action = action;
  if (code !== undefined) out.code = code;
  return out;
}

/** `unset`, as ausearch -i prints 4294967295, back to the number. */
function idNum(v: string | undefined): number {
  if (v === 'unset') return AUDIT_UNSET;
  return num(v) ?? AUDIT_UNSET;
}

/**
 * The typed event of a raw-format record (what the kernel printed), for replaying it through a
 * filter. Interpreted records (ausearch -i) lose numbers and give undefined unless enrich() found them.
 */
export function toSeccompEvent(rec: SeccompRecord, e: Enrichment = enrich(rec)): SeccompEvent | undefined {
  const f = rec.fields;
  const ip = f['ip'];
  if (e.auditArch === undefined || e.nr === undefined || ip === undefined || !/^0x[0-9a-f]+$/i.test(ip)) return undefined;
  const code = e.code ?? (e.action === undefined || e.action === 'kill' ? undefined : actionInfo(e.action).value);
  if (code === undefined) return undefined;
  const sig = num(f['sig']) ?? signalNumber(f['sig'] ?? '') ?? 0;
  return {
    ...(rec.time === undefined ? {} : { time: rec.time }),
    ...(rec.serial === undefined ? {} : { serial: rec.serial }),
    auid: idNum(f['auid']),
    uid: idNum(f['uid']),
    gid: idNum(f['gid']),
    ses: idNum(f['ses']),
    ...(f['subj'] === undefined ? {} : { subj: f['subj'] }),
    pid: num(f['pid']) ?? 0,
    comm: f['comm'] ?? '',
    exe: f['exe'] === undefined || f['exe'] === '(null)' ? null : f['exe'],
    sig,
    arch: e.auditArch,
    syscall: e.nr,
    compat: num(f['compat']) ?? 0,
    ip: BigInt(ip),
    code,
  };
}

