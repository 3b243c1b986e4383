/** @module How `sim` prints a case: one text line, or one JSON object (DESIGN.md's `{"value","action","data","insns","log"}`). */

import { formatAction } from '../../abi/actions.js';
import { syscallName } from '../../abi/syscalls.js';
import type { SimCase } from '../../engine/cases.js';
import type { Evaluation, LogEvent } from '../../engine/evaluation.js';

/** DESIGN.md: `{"by","ret","tag","to","layer"}`, tag only for side actions, layer only when a layer took it. */
export function logJson(e: LogEvent): Record<string, unknown> {
  return { by: e.by, ret: e.ret, ...(e.tag === undefined ? {} : { tag: e.tag }), to: e.to, ...(e.layer === undefined ? {} : { layer: e.layer }) };
}

export function jsonLine(ev: Evaluation): string {
  return JSON.stringify({ value: ev.value, action: ev.action, data: ev.data, insns: ev.insns, log: ev.log.map(logJson) });
}

export function caseText(c: SimCase): string {
  const name = syscallName(c.arch.name, c.nr) ?? `#${c.nr}`;
  const args = [...c.data.args];
  while (args.length > 0 && args[args.length - 1] === 0n) args.pop();
  const ip = c.data.ip === 0n ? '' : ` @0x${c.data.ip.toString(16)}`;
  return `${c.arch.name} ${name}(${args.map((a) => (a < 10n ? a.toString() : `0x${a.toString(16)}`)).join(', ')})${ip}`;
}

function logText(e: LogEvent): string {
  const what = e.kind === 'side' ? `LOG(${e.tag ?? 0}) from #${e.by}` : `${formatAction(e.ret)} from #${e.by}`;
  return `${what} → ${e.to}${e.layer === undefined ? '' : ` (layer #${e.layer})`}`;
}

export function textLine(c: SimCase, ev: Evaluation): string {
  const log = ev.log.length === 0 ? '' : `; log: ${ev.log.map(logText).join(', ')}`;
  return `${caseText(c)} → ${formatAction(ev.value)} (${ev.action}, ${ev.insns} insns)${log}`;
}
