/** @module The stack case table: one row per DESIGN.md rule and per verified kernel logging fact, run by the engine tests and (linux rows) by the kernel. */

import { makeSeccompData } from '../abi/seccomp-data.js';
import { insn } from '../bpf/insn-codec.js';
import { actionsLoggedFromNames, DEFAULT_ACTIONS_LOGGED, type ActionsLogged } from './actions-logged.js';
import type { Evaluation, LogEvent } from './evaluation.js';
import { FLAG_LOG } from './filter-flags.js';
import { constantProgram, prepareProgram, type FilterProgram } from './program.js';
import { FilterStack } from './stack.js';

export const KILL_PROCESS = 0x80000000;
export const KILL_THREAD = 0x00000000;
export const ERRNO = (n: number): number => 0x00050000 | n;
export const LOG = 0x7ffc0000;
export const ALLOW = 0x7fff0000;
export const SIDE = (tag: number): number => (0xff000000 | tag) >>> 0;

export const GETPID = makeSeccompData(39, 0xc000003e);

export function prog(raw: Parameters<typeof prepareProgram>[0], size: 64 | 80): FilterProgram {
  const p = prepareProgram(raw, size);
  if (!p.ok) throw p.error;
  return p.value;
}
/** A log layer that returns `verdict` for every event: `RET #verdict`. */
export const layerConst = (verdict: number): FilterProgram => prog([insn(0x06, verdict)], 80);
/** A log layer over seccomp_log_data: RING iff tag == 42, else PASS. */
const layerTag42 = prog(
  [
    insn(0x20, 68), //       ld [68]            ; tag
    insn(0x15, 42, 0, 1), // jeq #42, 0, 1
    insn(0x06, 1), //        ret #1             ; RING
    insn(0x06, 2), //        ret #2             ; PASS
  ],
  80,
);
/** RING iff outcome == ERRNO(13) and the logging filter is entry 0, else IGNORE. */
const layerOutcome = prog(
  [
    insn(0x20, 72), //             ld [72]      ; outcome
    insn(0x15, 0x0005000d, 0, 3), // jeq #ERRNO(13), 0, 3
    insn(0x20, 76), //             ld [76]      ; filter
    insn(0x15, 0, 0, 1), //        jeq #0, 0, 1
    insn(0x06, 1), //              ret #1
    insn(0x06, 0), //              ret #0
  ],
  80,
);

/** RING iff LD LEN is 80 (sizeof seccomp_log_data), else IGNORE. */
export const layerLen80 = prog(
  [
    insn(0x80), //           ld len
    insn(0x15, 80, 0, 1), // jeq #80, 0, 1
    insn(0x06, 1), //        ret #1
    insn(0x06, 0), //        ret #0
  ],
  80,
);

export type Entry = { filter: number; flags?: number } | { layer: FilterProgram; ring?: number };

export function build(mode: 'linux' | 'proposed', entries: readonly Entry[], actionsLogged = DEFAULT_ACTIONS_LOGGED): FilterStack {
  const s = new FilterStack({ mode, actionsLogged });
  for (const e of entries) {
    const r = 'filter' in e ? s.install(constantProgram(e.filter), e.flags ?? 0) : s.installLogLayer(e.layer, e.ring === undefined ? {} : { ring: e.ring });
    if (!r.ok) throw r.error;
  }
  return s;
}

/** The `sim --json` view of a log event. */
export const brief = (e: LogEvent): string => `${e.kind}:by=${e.by},ret=0x${e.ret.toString(16)}${e.tag === undefined ? '' : `,tag=${e.tag}`}->${e.to}${e.layer === undefined ? '' : `@${e.layer}`}`;
export const view = (ev: Evaluation): { value: number; action: string; log: string[] } => ({ value: ev.value, action: ev.action, log: ev.log.map(brief) });

export interface Row {
  readonly name: string;
  readonly mode: 'linux' | 'proposed';
  /** Oldest first, as installed. */
  readonly stack: readonly Entry[];
  readonly actionsLogged?: readonly string[];
  readonly value: number;
  readonly action: string;
  readonly log: readonly string[];
}

export const ROWS: readonly Row[] = [
  // linux mode: kernel-semantics.md §3.3–3.4, each verified on 6.18
  { name: 'older FLAG_LOG ERRNO(1) + newer plain ERRNO(2): errno 2, no record (only the match counts)', mode: 'linux', stack: [{ filter: ERRNO(1), flags: FLAG_LOG }, { filter: ERRNO(2) }], value: ERRNO(2), action: 'errno', log: [] },
  { name: 'older plain ERRNO(1) + newer FLAG_LOG ERRNO(2): one record', mode: 'linux', stack: [{ filter: ERRNO(1) }, { filter: ERRNO(2), flags: FLAG_LOG }], value: ERRNO(2), action: 'errno', log: ['outcome:by=1,ret=0x50002->system'] },
  { name: 'older plain ERRNO(1) + newer FLAG_LOG ALLOW: errno 1, no record', mode: 'linux', stack: [{ filter: ERRNO(1) }, { filter: ALLOW, flags: FLAG_LOG }], value: ERRNO(1), action: 'errno', log: [] },
  { name: 'a FLAG_LOG filter returning ALLOW is never logged', mode: 'linux', stack: [{ filter: ALLOW, flags: FLAG_LOG }], value: ALLOW, action: 'allow', log: [] },
  { name: 'RET_LOG|42 is logged without FLAG_LOG', mode: 'linux', stack: [{ filter: LOG | 42 }], value: LOG | 42, action: 'log', log: ['outcome:by=0,ret=0x7ffc002a->system'] },
  { name: 'LOG stacked with ERRNO(3): errno wins, no record', mode: 'linux', stack: [{ filter: LOG }, { filter: ERRNO(3) }], value: ERRNO(3), action: 'errno', log: [] },
  { name: 'LOG|1 older + LOG|2 newer: one record, the newest', mode: 'linux', stack: [{ filter: LOG | 1 }, { filter: LOG | 2 }], value: LOG | 2, action: 'log', log: ['outcome:by=1,ret=0x7ffc0002->system'] },
  { name: 'KILL_PROCESS older + LOG newer: one kill record', mode: 'linux', stack: [{ filter: KILL_PROCESS }, { filter: LOG }], value: KILL_PROCESS, action: 'kill_process', log: ['outcome:by=0,ret=0x80000000->system'] },
  { name: 'unknown 0xffff0000 beats a newer KILL_THREAD and is logged under kill_process', mode: 'linux', stack: [{ filter: 0xffff0000 }, { filter: KILL_THREAD }], value: 0xffff0000, action: 'kill_process', log: ['outcome:by=0,ret=0xffff0000->system'] },
  { name: 'an unknown action is not logged when kill_process is missing, KILL_THREAD is', mode: 'linux', stack: [{ filter: 0x00010000 }], actionsLogged: ['kill_thread', 'trap', 'user_notif', 'trace', 'log'], value: 0x00010000, action: 'kill_process', log: [] },
  { name: 'TRACE with no tracer fails with ENOSYS and is logged with FLAG_LOG', mode: 'linux', stack: [{ filter: 0x7ff00005, flags: FLAG_LOG }], value: 0x7ff00005, action: 'trace', log: ['outcome:by=0,ret=0x7ff00005->system'] },
  { name: 'USER_NOTIF with no listener is not logged without FLAG_LOG', mode: 'linux', stack: [{ filter: 0x7fc00000 }], value: 0x7fc00000, action: 'user_notif', log: [] },
  { name: 'in linux mode LOG(42) (0xff00002a) is an unknown action: it kills', mode: 'linux', stack: [{ filter: ERRNO(1) }, { filter: SIDE(42) }], value: SIDE(42), action: 'kill_process', log: ['outcome:by=1,ret=0xff00002a->system'] },
  // proposed mode: DESIGN.md "proposed mode", one row per rule
  { name: 'a side action never changes the outcome; its tag reaches the event', mode: 'proposed', stack: [{ filter: ERRNO(1) }, { filter: SIDE(42) }], value: ERRNO(1), action: 'errno', log: ['side:by=1,ret=0xff00002a,tag=42->system'] },
  { name: 'with only side results the outcome is ALLOW (not logged)', mode: 'proposed', stack: [{ filter: SIDE(1) }, { filter: SIDE(2) }], value: ALLOW, action: 'allow', log: ['side:by=1,ret=0xff000002,tag=2->system', 'side:by=0,ret=0xff000001,tag=1->system'] },
  { name: 'data is the low 24 bits, tag its low byte', mode: 'proposed', stack: [{ filter: 0xff123456 }], value: ALLOW, action: 'allow', log: ['side:by=0,ret=0xff123456,tag=86->system'] },
  { name: 'a kill ends the walk: an older LOG(7) neither decides nor logs', mode: 'proposed', stack: [{ filter: SIDE(7) }, { filter: KILL_PROCESS }], value: KILL_PROCESS, action: 'kill_process', log: ['outcome:by=1,ret=0x80000000->system'] },
  { name: 'KILL_THREAD ends the walk too, even before a lower unknown value', mode: 'proposed', stack: [{ filter: 0x90000000 }, { filter: KILL_THREAD }], value: KILL_THREAD, action: 'kill_thread', log: ['outcome:by=1,ret=0x0->system'] },
  { name: 'log-and-kill: LOG(9) installed after the kill logs, then the kill record', mode: 'proposed', stack: [{ filter: KILL_PROCESS }, { filter: SIDE(9) }], value: KILL_PROCESS, action: 'kill_process', log: ['side:by=1,ret=0xff000009,tag=9->system', 'outcome:by=0,ret=0x80000000->system'] },
  { name: 'log-and-errno: two filters, errno 13 and one side event; errno unlogged without FLAG_LOG', mode: 'proposed', stack: [{ filter: ERRNO(13) }, { filter: SIDE(5) }], value: ERRNO(13), action: 'errno', log: ['side:by=1,ret=0xff000005,tag=5->system'] },
  { name: 'the outcome is logged as in linux mode (FLAG_LOG on the matching filter)', mode: 'proposed', stack: [{ filter: ERRNO(13), flags: FLAG_LOG }, { filter: SIDE(5) }], value: ERRNO(13), action: 'errno', log: ['side:by=1,ret=0xff000005,tag=5->system', 'outcome:by=0,ret=0x5000d->system'] },
  { name: 'FLAG_LOG plays no part for side events', mode: 'proposed', stack: [{ filter: SIDE(5), flags: FLAG_LOG }], actionsLogged: ['errno'], value: ALLOW, action: 'allow', log: ['side:by=0,ret=0xff000005,tag=5->ignored'] },
  { name: 'an unknown action does not end the walk but kills if it wins', mode: 'proposed', stack: [{ filter: SIDE(3) }, { filter: 0x00010000 }], value: 0x00010000, action: 'kill_process', log: ['side:by=0,ret=0xff000003,tag=3->system', 'outcome:by=1,ret=0x10000->system'] },
  { name: 'layer chain PASS → RING: the ring of the upper layer takes it', mode: 'proposed', stack: [{ filter: SIDE(1) }, { layer: layerConst(2) }, { layer: layerConst(1) }], value: ALLOW, action: 'allow', log: ['side:by=0,ret=0xff000001,tag=1->ring@2'] },
  { name: 'IGNORE drops the event at that layer', mode: 'proposed', stack: [{ filter: SIDE(1) }, { layer: layerConst(0) }, { layer: layerConst(1) }], value: ALLOW, action: 'allow', log: ['side:by=0,ret=0xff000001,tag=1->ignored@1'] },
  { name: 'a layer sees only events of filters installed before it', mode: 'proposed', stack: [{ filter: SIDE(1) }, { layer: layerConst(0) }, { filter: SIDE(2) }], value: ALLOW, action: 'allow', log: ['side:by=2,ret=0xff000002,tag=2->system', 'side:by=0,ret=0xff000001,tag=1->ignored@1'] },
  { name: 'any other verdict is PASS; past the top, the system log', mode: 'proposed', stack: [{ filter: SIDE(1) }, { layer: layerConst(7) }], value: ALLOW, action: 'allow', log: ['side:by=0,ret=0xff000001,tag=1->system'] },
  { name: 'passing every layer without log in actionsLogged: ignored, no layer', mode: 'proposed', stack: [{ filter: SIDE(1) }, { layer: layerConst(2) }], actionsLogged: ['errno'], value: ALLOW, action: 'allow', log: ['side:by=0,ret=0xff000001,tag=1->ignored'] },
  { name: 'a layer program reads the tag from seccomp_log_data', mode: 'proposed', stack: [{ filter: SIDE(41) }, { filter: SIDE(42) }, { layer: layerTag42 }], value: ALLOW, action: 'allow', log: ['side:by=1,ret=0xff00002a,tag=42->ring@2', 'side:by=0,ret=0xff000029,tag=41->system'] },
  { name: 'a layer program reads the full outcome and the filter index', mode: 'proposed', stack: [{ filter: ERRNO(13) }, { filter: SIDE(1) }, { filter: SIDE(2) }, { layer: layerOutcome }], value: ERRNO(13), action: 'errno', log: ['side:by=2,ret=0xff000002,tag=2->ignored@3', 'side:by=1,ret=0xff000001,tag=1->ignored@3'] },
  { name: 'a layer program sees LD LEN = 80', mode: 'proposed', stack: [{ filter: SIDE(1) }, { layer: layerLen80 }], value: ALLOW, action: 'allow', log: ['side:by=0,ret=0xff000001,tag=1->ring@1'] },
  { name: 'the layer takes an event of filter 0 when the outcome is ERRNO(13)', mode: 'proposed', stack: [{ filter: SIDE(1) }, { filter: ERRNO(13) }, { layer: layerOutcome }], value: ERRNO(13), action: 'errno', log: ['side:by=0,ret=0xff000001,tag=1->ring@2'] },
];

/** The row's actions_logged (the kernel default when it does not say). */
export function rowActionsLogged(r: Row): ActionsLogged {
  if (r.actionsLogged === undefined) return DEFAULT_ACTIONS_LOGGED;
  const a = actionsLoggedFromNames(r.actionsLogged);
  if (!a.ok) throw a.error;
  return a.value;
}
