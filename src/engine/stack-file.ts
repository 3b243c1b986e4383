/** @module STACK.json (DESIGN.md): a filter stack described as installed, oldest first — parsed and checked, paths left for the caller to load. */

import { fail, type SeccompTraceError } from '../errors.js';
import { parseJson, plainJson } from '../json-lossless.js';
import { err, ok, type Result } from '../result.js';
import { actionsLoggedFromNames, type ActionsLogged } from './actions-logged.js';
import type { Mode } from './evaluation.js';
import { flagsFromNames } from './filter-flags.js';
import { DEFAULT_RING_CAPACITY } from './ring-buffer.js';

export type StackFileEntry =
  | { readonly kind: 'filter'; readonly path: string; readonly flags: number; readonly where: string }
  | { readonly kind: 'layer'; readonly path: string; readonly ring: number; readonly where: string };

export interface StackFile {
  readonly mode: Mode;
  /** Undefined when the file does not say (the caller picks the live or the kernel default). */
  readonly actionsLogged: ActionsLogged | undefined;
  readonly entries: readonly StackFileEntry[];
}

const TOP_KEYS = ['mode', 'actionsLogged', 'stack'];

/** Parses STACK.json text; errors name `FILE#/json/pointer`. Paths stay as written (relative to the file). */
export function parseStackFile(text: string, file: string): Result<StackFile, SeccompTraceError> {
  const bad = (ptr: string, message: string, hint?: string): Result<StackFile, SeccompTraceError> =>
    err(fail({ code: 'engine/bad-stack', where: `${file}#${ptr}`, message, ...(hint === undefined ? {} : { hint }) }));
  const parsed = parseJson(text, 'engine/bad-stack');
  if (!parsed.ok) return err(parsed.error.at(file));
  const v = plainJson(parsed.value);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('', 'a stack file is a JSON object', '{"mode":"linux","stack":[{"filter":"f.bpf"}]}');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!TOP_KEYS.includes(k)) return bad(`/${k}`, `unknown key '${k}'`, `use ${TOP_KEYS.join(', ')}`);
  const mode = o['mode'] ?? 'linux';
  if (mode !== 'linux' && mode !== 'proposed') return bad('/mode', `mode ${JSON.stringify(mode)} is not "linux" or "proposed"`);
  let actionsLogged: ActionsLogged | undefined;
  if (o['actionsLogged'] !== undefined) {
    const a = o['actionsLogged'];
    if (!Array.isArray(a) || !a.every((x) => typeof x === 'string')) return bad('/actionsLogged', 'actionsLogged must be an array of action names');
    const r = actionsLoggedFromNames(a as string[]);
    if (!r.ok) return err(r.error.at(`${file}#/actionsLogged`));
    actionsLogged = r.value;
  }
  const stack = o['stack'];
  if (!Array.isArray(stack)) return bad('/stack', '"stack" must be an array of entries, oldest first');
  const entries: StackFileEntry[] = [];
  for (let i = 0; i < stack.length; i++) {
    const ptr = `/stack/${i}`;
    const where = `${file}#${ptr}`;
    const e = stack[i] as unknown;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return bad(ptr, 'an entry is an object: {"filter": PATH} or {"logLayer": PATH}');
    const r = e as Record<string, unknown>;
    if (typeof r['filter'] === 'string') {
      for (const k of Object.keys(r)) if (k !== 'filter' && k !== 'flags') return bad(`${ptr}/${k}`, `unknown key '${k}' in a filter entry`, 'use filter, flags');
      const names = r['flags'] ?? [];
      if (!Array.isArray(names) || !names.every((x) => typeof x === 'string')) return bad(`${ptr}/flags`, 'flags must be an array of flag names');
      const f = flagsFromNames(names as string[]);
      if (!f.ok) return err(f.error.at(`${where}/flags`));
      entries.push({ kind: 'filter', path: r['filter'], flags: f.value, where });
    } else if (typeof r['logLayer'] === 'string') {
      for (const k of Object.keys(r)) if (k !== 'logLayer' && k !== 'ring') return bad(`${ptr}/${k}`, `unknown key '${k}' in a log layer entry`, 'use logLayer, ring');
      if (mode !== 'proposed') return bad(ptr, 'log layers exist only in proposed mode', 'set "mode": "proposed"');
      const ring = r['ring'] ?? DEFAULT_RING_CAPACITY;
      if (typeof ring !== 'number' || !Number.isSafeInteger(ring) || ring < 1) return bad(`${ptr}/ring`, `ring ${JSON.stringify(String(ring))} must be a positive integer (records)`);
      entries.push({ kind: 'layer', path: r['logLayer'], ring, where });
    } else {
      return bad(ptr, 'an entry needs "filter": PATH or "logLayer": PATH');
    }
  }
  return ok({ mode, actionsLogged, entries });
}
