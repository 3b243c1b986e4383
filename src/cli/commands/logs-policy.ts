/** @module `logs --policy`: names the rule of a profile that produced each record, by replaying it through the compiled filter. */

import { formatAction, makeSeccompData, RET_ACTION_FULL } from '../../abi/index.js';
import type { SeccompRecord } from '../../events/audit-line.js';
import type { Enrichment } from '../../events/enrich.js';
import { levelFirst, type TreeNode } from '../../policy/arg-tree.js';
import { attribute, describeAttribution, type CompiledProfile } from '../../policy/index.js';
import type { CliIo } from '../command.js';
import { compileProfileArg, type ProfileFlags } from './compile.js';

/** Returns what produced a record: "rule 3", "ambiguous: rules 3 or 7", "default action", … */
export type Attributor = (rec: SeccompRecord, e: Enrichment) => string | undefined;

interface Candidate {
  readonly value: number;
  readonly rules: readonly number[];
}

/** Every verdict an argument tree can reach (gen_bpf.c walks it), and whether it can fall through to the default. */
function treeVerdicts(level: TreeNode | undefined, out: Candidate[]): boolean {
  let fallsThrough = false;
  for (let n = level; n !== undefined; n = n.lvlNxt) {
    for (const [nxt, act, src] of [[n.nxtT, n.actT, n.srcT], [n.nxtF, n.actF, n.srcF]] as const) {
      if (nxt !== undefined) fallsThrough = treeVerdicts(levelFirst(nxt), out) || fallsThrough;
      else if (act !== undefined) out.push({ value: act, rules: src });
      else fallsThrough = true;
    }
  }
  return fallsThrough;
}

function list(ids: readonly string[]): string {
  return ids.length === 1 ? ids[0]! : `${ids.slice(0, -1).join(', ')} or ${ids[ids.length - 1]}`;
}

/**
 * The rule behind one record. The record carries arch, nr, ip and the action (code = action part
 * only), but no arguments: when the profile decides this syscall without reading an argument the
 * answer is exact; otherwise every rule of its argument tree whose action matches the code is named.
 */
export function attributeRecord(c: CompiledProfile, rec: SeccompRecord, e: Enrichment): string | undefined {
  if (e.auditArch === undefined || e.nr === undefined || e.action === undefined) return undefined;
  const ip = rec.fields['ip'];
  const d = makeSeccompData(e.nr, e.auditArch, [], ip !== undefined && /^0x[0-9a-f]+$/i.test(ip) ? BigInt(ip) : 0n);
  const matches = (v: number): boolean => (e.code !== undefined ? ((v & RET_ACTION_FULL) >>> 0) === e.code >>> 0 : e.action === 'kill' ? (v & 0x7fff0000) === 0 : false);
  const entry = c.tables.filter((t) => t.arch.auditArch === e.auditArch).map((t) => t.entries.get(e.nr! >>> 0)).find((x) => x !== undefined);
  if (entry?.chains === undefined) {
    const a = attribute(c, d); // reads no argument: exact
    return matches(a.value) ? describeAttribution(a) : `not this profile (it gives ${formatAction(a.value)} here)`;
  }
  const cands: Candidate[] = [];
  if (treeVerdicts(levelFirst(entry.chains), cands)) cands.push({ value: c.defaultAction, rules: [] });
  const hit = cands.filter((x) => matches(x.value));
  const ids = [...new Set(hit.flatMap((x) => x.rules))].sort((a, b) => a - b);
  const names = ids.map(String);
  const byDefault = hit.some((x) => x.rules.length === 0);
  if (names.length === 0) return byDefault ? 'default action' : `not this profile (no rule gives ${e.action} here)`;
  if (names.length === 1 && !byDefault) return `rule ${names[0]}`;
  return `ambiguous: rules ${list(byDefault ? [...names, 'the default action'] : names)}`;
}

export async function loadAttributor(policy: string, io: CliIo, flags: ProfileFlags = {}): Promise<Attributor> {
  const c = compileProfileArg(policy, io, flags, 'logs');
  return (rec, e) => attributeRecord(c, rec, e);
}
