/** @module How `seccomptrace logs` prints a record: one JSON object with stable keys, one text line, or a summary by exe, syscall and action. */

import { CanonicalFields, type ConfigRecord, type SeccompRecord } from './audit-line.js';
import type { Enrichment } from './enrich.js';

/** Fields that are printed as decimal numbers by the kernel (`%u`, `%d`, `%ld`) and become JSON numbers. */
const NUMERIC = new Set(['auid', 'uid', 'gid', 'ses', 'pid', 'sig', 'syscall', 'compat', 'res']);

export type JsonValue = string | number | null;

function printedValue(key: string, v: string): JsonValue {
  if (!NUMERIC.has(key)) return v;
  const n = Number(v);
  return Number.isSafeInteger(n) && /^-?\d+$/.test(v) ? n : v;
}

function timeValue(t: string | undefined): JsonValue {
  if (t === undefined) return null;
  return /^\d+\.\d+$/.test(t) ? Number(t) : t;
}

/**
 * The `logs --json` object (DESIGN.md CLI contract): `type time serial format`, then the fields as
 * the record prints them (numbers as numbers, `arch` as printed, comm/exe decoded, ausearch -i names
 * kept, ENRICHED names too), then `archName syscallName action` and `rule` when attributed.
 * Keys a record lacks are null in the enrichment, absent among the printed fields.
 */
export function recordJson(rec: SeccompRecord, e: Enrichment, rule?: string): Record<string, JsonValue> {
  const o: Record<string, JsonValue> = { type: rec.type, time: timeValue(rec.time), serial: rec.serial ?? null, format: rec.format };
  const f = rec.fields;
  for (const k in f) if (!(k in o)) o[k] = printedValue(k, f[k]!);
  o['archName'] = e.archName ?? null;
  o['syscallName'] = e.syscallName ?? null;
  o['action'] = e.action ?? null;
  if (rule !== undefined) o['rule'] = rule;
  return o;
}

/** Whether a printed decimal is a JSON-safe integer (the kernel prints no leading zeros; guard anyway). */
function jsonInt(v: string): boolean {
  const n = v.length;
  if (n === 0 || n > 15) return false; // 15 digits stay below 2^53
  let i = v.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n || (v.charCodeAt(i) === 48 && n > i + 1)) return false;
  for (; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A JSON string literal: plain printable ASCII is quoted as is, anything else through JSON.stringify. */
function q(v: string): string {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(v);
  }
  return `"${v}"`;
}

/** `JSON.stringify(recordJson(…))`, written directly (the object route was most of `logs --json`'s time). */
export function recordJsonLine(rec: SeccompRecord, e: Enrichment, rule?: string): string {
  const t = rec.time;
  let s = `{"type":${rec.type},"time":${t === undefined ? 'null' : /^\d+\.\d+$/.test(t) ? String(Number(t)) : JSON.stringify(t)},"serial":${rec.serial ?? 'null'},"format":"${rec.format}"`;
  const f = rec.fields;
  if (f instanceof CanonicalFields && rec.format !== 'audit-enriched') {
    // The kernel's layout: thirteen known keys in a fixed order.
    const n = (v: string): string => (jsonInt(v) ? v : q(v));
    s += `,"auid":${n(f.auid)},"uid":${n(f.uid)},"gid":${n(f.gid)},"ses":${n(f.ses)},"pid":${n(f.pid)},"comm":${q(f.comm)},"exe":${q(f.exe)},"sig":${n(f.sig)},"arch":${q(f.arch)},"syscall":${n(f.syscall)},"compat":${n(f.compat)},"ip":${q(f.ip)},"code":${q(f.code)}`;
  } else {
    for (const k in f) {
      if (k === 'type' || k === 'time' || k === 'serial' || k === 'format') continue;
      const v = f[k]!;
      s += `,${q(k)}:${NUMERIC.has(k) && jsonInt(v) ? v : q(v)}`;
    }
  }
  s += `,"archName":${e.archName === undefined ? 'null' : `"${e.archName}"`},"syscallName":${e.syscallName === undefined ? 'null' : q(e.syscallName)},"action":${e.action === undefined ? 'null' : `"${e.action}"`}`;
  if (rule !== undefined) s += `,"rule":${JSON.stringify(rule)}`;
  return `${s}}`;
}

/** A 1305 seccomp-logging record as JSON: `type time serial format op actions old-actions res`. */
export function configJson(rec: ConfigRecord): Record<string, JsonValue> {
  const o: Record<string, JsonValue> = { type: rec.type, time: timeValue(rec.time), serial: rec.serial ?? null, format: rec.format };
  for (const [k, v] of Object.entries(rec.fields)) if (!(k in o)) o[k] = printedValue(k, v);
  return o;
}

/** `T:S ACTION ARCH SYSCALL(NR) pid=P comm="C" exe="E"[ [RULE]]`. */
export function recordText(rec: SeccompRecord, e: Enrichment, rule?: string): string {
  const f = rec.fields;
  const stamp = rec.time === undefined ? '' : `${rec.time}:${rec.serial ?? '?'} `;
  const sys = e.syscallName === undefined ? `#${f['syscall'] ?? '?'}` : e.nr === undefined ? e.syscallName : `${e.syscallName}(${e.nr})`;
  const arch = e.archName ?? `arch=${f['arch'] ?? '?'}`;
  const action = e.action ?? `code=${f['code'] ?? '?'}`;
  const r = rule === undefined ? '' : ` [${rule}]`;
  return `${stamp}${action} ${arch} ${sys} pid=${f['pid'] ?? '?'} comm=${JSON.stringify(f['comm'] ?? '')} exe=${JSON.stringify(f['exe'] ?? '')}${r}`;
}

export function configText(rec: ConfigRecord): string {
  const f = rec.fields;
  const stamp = rec.time === undefined ? '' : `${rec.time}:${rec.serial ?? '?'} `;
  return `${stamp}actions_logged ${f['old-actions'] ?? '?'} -> ${f['actions'] ?? '?'} res=${f['res'] ?? '?'}`;
}

/** Distinct keys kept per table; the rest are counted under "(other)", so memory stays bounded. */
export const SUMMARY_KEYS = 10_000;

class Counter {
  readonly counts = new Map<string, number>();
  add(key: string): void {
    const n = this.counts.get(key);
    if (n !== undefined) return void this.counts.set(key, n + 1);
    // A new key is copied: a slice would keep the whole read chunk (1 MiB) it came from alive.
    const k = this.counts.size < SUMMARY_KEYS ? (' ' + key).slice(1) : '(other)';
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }
  top(): [string, number][] {
    return [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  }
}

/** Counts by exe, by syscall (with arch) and by action, for `--summary`. */
export class LogSummary {
  total = 0;
  private readonly byExe = new Counter();
  private readonly bySyscall = new Counter();
  private readonly byAction = new Counter();
  private readonly byRule = new Counter();

  add(rec: SeccompRecord, e: Enrichment, rule?: string): void {
    this.total++;
    this.byExe.add(rec.fields['exe'] ?? '?');
    this.bySyscall.add(`${e.archName ?? rec.fields['arch'] ?? '?'} ${e.syscallName ?? `#${rec.fields['syscall'] ?? '?'}`}`);
    this.byAction.add(e.action ?? rec.fields['code'] ?? '?');
    if (rule !== undefined) this.byRule.add(rule);
  }

  text(): string {
    const block = (title: string, c: Counter): string =>
      c.counts.size === 0 ? '' : `${title}:\n${c.top().map(([k, n]) => `  ${String(n).padStart(8)}  ${k}\n`).join('')}`;
    return `${this.total} seccomp records\n${block('by action', this.byAction)}${block('by syscall', this.bySyscall)}${block('by exe', this.byExe)}${block('by rule', this.byRule)}`;
  }

  json(): Record<string, unknown> {
    const obj = (c: Counter): Record<string, number> => Object.fromEntries(c.top());
    return { total: this.total, byAction: obj(this.byAction), bySyscall: obj(this.bySyscall), byExe: obj(this.byExe), ...(this.byRule.counts.size > 0 ? { byRule: obj(this.byRule) } : {}) };
  }
}
