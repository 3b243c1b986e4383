/** @module `proposed` mode: the 2017 design as DESIGN.md fixes it — side actions, LOG(x) tags, kill ends the walk, log layers with rings. */

import { isSideAction, knownAction } from '../abi/actions.js';
import type { SeccompData } from '../abi/seccomp-data.js';
import { isLogged, type ActionsLogged } from './actions-logged.js';
import { ACTION_ALLOW, takesPrecedence, type FilterResult } from './decide.js';
import { concludeWalk, NO_EVENTS, type Evaluation, type FilterEntry, type LogEvent, type LogLayerEntry, type LogRecord, type StackEntry } from './evaluation.js';
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
  layers: readonly LogLayerEntry[],
  data: SeccompData,
  words: Uint32Array,
  actionsLogged: ActionsLogged,
  stats: SideEventStats,
): Evaluation {
  const sides: FilterResult[] = [];
  let value = ACTION_ALLOW;
  let match: FilterEntry | undefined;
  let insns = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    const f = entries[i]!;
    if (f.kind !== 'filter') continue;
    const r = f.program.run(words);
    insns += r.insns;
    const ret = r.ret >>> 0;
    if (isSideAction(ret)) {
      sides.push({ index: f.index, value: ret });
      continue;
    }
    if (takesPrecedence(ret, value)) {
      value = ret;
      match = f;
    }
    if (endsWalk(ret)) break;
  }
  if (sides.length === 0) return concludeWalk(value, match, insns, actionsLogged, NO_EVENTS);
  const side = sides.map((s) => routeSideEvent(s, value, data, words, layers, actionsLogged, stats));
  return concludeWalk(value, match, insns, actionsLogged, side);
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
  const event = (to: LogEvent['to'], layer?: number): LogEvent =>
    layer === undefined
      ? { kind: 'side', by: side.index, ret: side.value, tag, data: sideData, sig: 0, code: (0xff000000 | tag) >>> 0, to }
      : { kind: 'side', by: side.index, ret: side.value, tag, data: sideData, sig: 0, code: (0xff000000 | tag) >>> 0, to, layer };
  stats.produced++;
  let input: Uint32Array | undefined;
  for (const layer of layers) {
    if (layer.index < side.index) continue;
    input ??= logDataWords(words, { ret: side.value, tag, outcome, filter: side.index });
    const verdict = layer.program.run(input).ret >>> 0;
    if (verdict === LAYER_IGNORE) {
      stats.ignored++;
      return event('ignored', layer.index);
    }
    if (verdict === LAYER_RING) {
      const record: LogRecord = { by: side.index, ret: side.value, tag, data: sideData, outcome, seccompData: data };
      if (layer.ring.push(record)) {
        stats.delivered++;
        return event('ring', layer.index);
      }
      stats.lost++;
      return event('lost', layer.index);
    }
  }
  if (isLogged(actionsLogged, 'log')) {
    stats.delivered++;
    return event('system');
  }
  stats.ignored++;
  return event('ignored');
}
