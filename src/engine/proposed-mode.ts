/** @module `proposed` mode: the 2017 design as DESIGN.md fixes it — side actions, LOG(x) tags, kill ends the walk, log layers with rings. */

import { isSideAction, knownAction } from '../abi/actions.js';
import type { SeccompData } from '../abi/seccomp-data.js';
import { isLogged, type ActionsLogged } from './actions-logged.js';
import type { FilterResult } from './decide.js';
import { concludeWalk, type Evaluation, type FilterEntry, type LogEvent, type LogLayerEntry, type LogRecord, type StackEntry } from './evaluation.js';
import { logDataWords } from './log-data.js';

/** Log-layer verdicts (DESIGN.md); any other value is treated as PASS. */
export const LAYER_IGNORE = 0;
export const LAYER_RING = 1;
export const LAYER_PASS = 2;

/** Only the two kill actions end the walk; an unknown value does not (it still behaves as kill_process if it wins). */
export function endsWalk(value: number): boolean {
  const a = knownAction(value);
  return a === 'kill_process' || a === 'kill_thread';
}

/** Counts of side events by fate, for the "delivered + lost + ignored = produced" invariant. */
export interface SideEventStats {
  produced: number;
  delivered: number;
  lost: number;
  ignored: number;
}

/**
 * Walks filters newest first; a 0xff?????? value is a side event and takes no part in the choice;
 * a kill ends the walk. The outcome is chosen and logged as in linux mode; then each side event,
 * in walk order, runs through the log layers installed after its filter, oldest layer first.
 */
export function evaluateProposed(
  entries: readonly StackEntry[],
  data: SeccompData,
  words: Uint32Array,
  actionsLogged: ActionsLogged,
  stats: SideEventStats,
): Evaluation {
  const results: FilterResult[] = [];
  const sides: FilterResult[] = [];
  const byIndex = new Map<number, FilterEntry>();
  let insns = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    const f = entries[i]!;
    if (f.kind !== 'filter') continue;
    const r = f.program.run(words);
    insns += r.insns;
    byIndex.set(f.index, f);
    const value = r.ret >>> 0;
    if (isSideAction(value)) {
      sides.push({ index: f.index, value });
      continue;
    }
    results.push({ index: f.index, value });
    if (endsWalk(value)) break;
  }
  const c = concludeWalk(results, byIndex, actionsLogged);
  const layers = entries.filter((e): e is LogLayerEntry => e.kind === 'layer');
  const log: LogEvent[] = sides.map((s) => routeSideEvent(s, c.value, data, words, layers, actionsLogged, stats));
  if (c.record !== undefined) log.push(c.record);
  return { value: c.value, action: c.action, data: c.data, insns, match: c.match, effect: c.effect, log };
}

/** One side event through the layers above its filter: IGNORE drops, RING keeps (or loses), PASS goes up; past the top, the system log. */
function routeSideEvent(
  side: FilterResult,
  outcome: number,
  data: SeccompData,
  words: Uint32Array,
  layers: readonly LogLayerEntry[],
  actionsLogged: ActionsLogged,
  stats: SideEventStats,
): LogEvent {
  const sideData = side.value & 0xffffff;
  const tag = sideData & 0xff;
  const base = { kind: 'side', by: side.index, ret: side.value, tag, data: sideData, sig: 0, code: (0xff000000 | tag) >>> 0 } as const;
  stats.produced++;
  let input: Uint32Array | undefined;
  for (const layer of layers) {
    if (layer.index < side.index) continue;
    input ??= logDataWords(words, { ret: side.value, tag, outcome, filter: side.index });
    const verdict = layer.program.run(input).ret >>> 0;
    if (verdict === LAYER_IGNORE) {
      stats.ignored++;
      return { ...base, to: 'ignored', layer: layer.index };
    }
    if (verdict === LAYER_RING) {
      const record: LogRecord = { by: side.index, ret: side.value, tag, data: sideData, outcome, seccompData: data };
      if (layer.ring.push(record)) {
        stats.delivered++;
        return { ...base, to: 'ring', layer: layer.index };
      }
      stats.lost++;
      return { ...base, to: 'lost', layer: layer.index };
    }
  }
  if (isLogged(actionsLogged, 'log')) {
    stats.delivered++;
    return { ...base, to: 'system' };
  }
  stats.ignored++;
  return { ...base, to: 'ignored' };
}
