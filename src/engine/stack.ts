/** @module FilterStack: a task's filters and log layers, attached with the kernel's checks, evaluated in `linux` or `proposed` mode. */

import type { SeccompData } from '../abi/seccomp-data.js';
import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';
import { MAX_INSNS_PER_PATH, PATH_PENALTY } from '../bpf/ebpf-length.js';
import { DEFAULT_ACTIONS_LOGGED, type ActionsLogged } from './actions-logged.js';
import { ACTION_ALLOW, seccompUprobeException } from './decide.js';
import { concludeWalk, NO_EVENTS, type Evaluation, type FilterEntry, type LogLayerEntry, type LogRecord, type Mode, type StackEntry } from './evaluation.js';
import { checkFilterFlags, FLAG_LOG, FLAG_NEW_LISTENER } from './filter-flags.js';
import { evaluateLinux } from './linux-mode.js';
import { prepareProgram, type FilterProgram, type InputSize } from './program.js';
import { decodeProgram, type RawInsn } from '../bpf/insn-codec.js';
import { evaluateProposed, type SideEventStats } from './proposed-mode.js';
import { InputWords } from './input-words.js';
import { DEFAULT_RING_CAPACITY, RingBuffer, type RingItem } from './ring-buffer.js';


export interface FilterStackOptions {
  readonly mode?: Mode;
  readonly actionsLogged?: ActionsLogged;
}

/** A log layer as a program sees it: its ring, read as an async iterator of records and `lost` markers. */
export interface LogLayerHandle {
  readonly index: number;
  readonly ring: RingBuffer<LogRecord>;
  read(opts?: { readonly follow?: boolean }): AsyncGenerator<RingItem<LogRecord>, void, undefined>;
}

/**
 * Entries are installed oldest first and indexed from 0. Filters are attached as
 * kernel/seccomp.c seccomp_set_mode_filter() → seccomp_attach_filter() would: flag checks
 * (EINVAL), one listener per task (EBUSY), the path total (ENOMEM). Programs arrive verified.
 */
export class FilterStack {
  readonly mode: Mode;
  actionsLogged: ActionsLogged;
  private readonly entries: StackEntry[] = [];
  /** The filter entries alone, oldest first (evaluate() runs them without filtering `entries`). */
  private readonly filterEntries: FilterEntry[] = [];
  private readonly layerEntries: LogLayerEntry[] = [];
  private readonly input = new InputWords();
  private readonly sideStats: SideEventStats = { produced: 0, delivered: 0, lost: 0, ignored: 0 };

  constructor(opts: FilterStackOptions = {}) {
    this.mode = opts.mode ?? 'linux';
    this.actionsLogged = opts.actionsLogged ?? DEFAULT_ACTIONS_LOGGED;
  }

  /**
   * Attaches a filter with SECCOMP_FILTER_FLAG_* `flags`, checked as seccomp() would check it
   * (flags, then the program, then the path total); returns its entry index.
   */
  install(program: ProgramInput, flags = 0): Result<number, SeccompTraceError> {
    const checked = checkFilterFlags(flags);
    if (!checked.ok) return checked;
    const prepared = toProgram(program, 64);
    if (!prepared.ok) return prepared;
    return this.attach(prepared.value, flags);
  }

  private attach(program: FilterProgram, flags: number): Result<number, SeccompTraceError> {
    const filters = this.filterEntries;
    if ((flags & FLAG_NEW_LISTENER) !== 0 && filters.some((f) => (f.flags & FLAG_NEW_LISTENER) !== 0)) {
      // kernel/seccomp.c has_duplicate_listener()
      return err(fail({ code: 'engine/duplicate-listener', message: 'the stack already has a filter with new_listener', errno: 'EBUSY' }));
    }
    const total = filters.reduce((n, f) => n + f.program.ebpfLength + PATH_PENALTY, program.ebpfLength);
    if (total > MAX_INSNS_PER_PATH) {
      return err(
        fail({
          code: 'engine/path-too-long',
          message: `the stack would hold ${total} instructions as the kernel counts them (eBPF length + ${PATH_PENALTY} per attached filter), over MAX_INSNS_PER_PATH ${MAX_INSNS_PER_PATH}`,
          errno: 'ENOMEM',
          hint: 'merge or shorten filters',
        }),
      );
    }
    const index = this.entries.length;
    const entry: FilterEntry = { kind: 'filter', index, program, flags, log: (flags & FLAG_LOG) !== 0 };
    this.entries.push(entry);
    this.filterEntries.push(entry);
    return ok(index);
  }

  /** Adds a log layer (proposed mode only) over events from filters installed before it. */
  installLogLayer(input: ProgramInput, opts: { readonly ring?: number } = {}): Result<LogLayerHandle, SeccompTraceError> {
    if (this.mode !== 'proposed') {
      return err(
        fail({ code: 'engine/layer-in-linux-mode', message: 'log layers exist only in proposed mode', hint: 'set "mode": "proposed"' }),
      );
    }
    const capacity = opts.ring ?? DEFAULT_RING_CAPACITY;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      return err(fail({ code: 'engine/bad-ring', message: `ring size ${capacity} must be a positive integer` }));
    }
    const program = toProgram(input, 80);
    if (!program.ok) return program;
    const index = this.entries.length;
    const ring = new RingBuffer<LogRecord>(capacity);
    const entry: LogLayerEntry = { kind: 'layer', index, program: program.value, ring };
    this.entries.push(entry);
    this.layerEntries.push(entry);
    return ok(handle(entry));
  }

  /** One syscall through the stack. With no filter installed the kernel is not in filter mode: allow. */
  evaluate(data: SeccompData): Evaluation {
    if (seccompUprobeException(data.nr, data.arch)) return concludeWalk(ACTION_ALLOW, undefined, 0, this.actionsLogged, NO_EVENTS);
    const words = this.input.encode(data);
    if (this.mode === 'linux') return evaluateLinux(this.filterEntries, words, this.actionsLogged);
    return evaluateProposed(this.entries, this.layerEntries, data, words, this.actionsLogged, this.sideStats);
  }

  /** The log layers, oldest first. */
  layers(): LogLayerHandle[] {
    return this.layerEntries.map(handle);
  }

  filters(): FilterEntry[] {
    return [...this.filterEntries];
  }

  get size(): number {
    return this.entries.length;
  }

  /** Side events so far by fate: delivered (system or ring) + lost + ignored = produced. */
  get stats(): Readonly<SideEventStats> {
    return { ...this.sideStats };
  }
}

/** A prepared program, raw instructions, or raw sock_filter bytes (8 per instruction, little-endian). */
export type ProgramInput = FilterProgram | readonly RawInsn[] | Uint8Array;

function toProgram(p: ProgramInput, size: InputSize): Result<FilterProgram, SeccompTraceError> {
  if (p instanceof Uint8Array) {
    const d = decodeProgram(p);
    return d.ok ? prepareProgram(d.value, size) : d;
  }
  if (Array.isArray(p)) return prepareProgram(p as readonly RawInsn[], size);
  const prog = p as FilterProgram;
  if (prog.verified !== undefined && prog.verified.inputSize > size) {
    return err(fail({ code: 'engine/input-size', message: `the program was verified for ${prog.verified.inputSize}-byte input; a filter reads ${size}`, errno: 'EINVAL' }));
  }
  return ok(prog);
}

function handle(entry: LogLayerEntry): LogLayerHandle {
  return { index: entry.index, ring: entry.ring, read: (opts) => entry.ring.read(opts) };
}
