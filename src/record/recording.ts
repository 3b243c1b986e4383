/** @module A recording: the syscalls a run made, per ABI, and the profile that allows exactly those and nothing more. */

import { makeAction } from '../abi/actions.js';
import { abiOf, type ArchName } from '../abi/arch.js';
import { syscallName } from '../abi/syscalls.js';
import type { Policy } from '../policy/index.js';

/** A syscall no table names: the kernel fails it with ENOSYS, and a profile cannot list it. */
export interface UnnamedSyscall {
  /** The ABI, when the audit arch is one we know. */
  readonly arch: ArchName | undefined;
  readonly auditArch: number;
  readonly nr: number;
}

export interface Recording {
  /** Each ABI the run used, in first-use order, with the syscall names it made, in first-use order. */
  readonly byArch: ReadonlyMap<ArchName, ReadonlySet<string>>;
  readonly unnamed: readonly UnnamedSyscall[];
  /** How many syscalls were seen in all. */
  readonly calls: number;
}

/** Collects (audit arch, nr) pairs as they are seen; `recording()` is a snapshot. */
export class Recorder {
  private readonly byArch = new Map<ArchName, Set<string>>();
  private readonly unnamed = new Map<string, UnnamedSyscall>();
  private calls = 0;

  add(auditArch: number, nr: number): void {
    this.calls++;
    const abi = abiOf(auditArch, nr);
    const name = abi === undefined ? undefined : syscallName(abi.name, nr);
    if (abi === undefined || name === undefined) {
      const key = `${auditArch}:${nr}`;
      if (!this.unnamed.has(key)) this.unnamed.set(key, { arch: abi?.name, auditArch, nr });
      return;
    }
    let names = this.byArch.get(abi.name);
    if (names === undefined) this.byArch.set(abi.name, (names = new Set()));
    names.add(name);
  }

  recording(): Recording {
    return { byArch: new Map([...this.byArch].map(([a, s]) => [a, new Set(s)])), unnamed: [...this.unnamed.values()], calls: this.calls };
  }
}

/**
 * The profile a recording makes: `defaultAction` for everything, one rule allowing every name the
 * run used, for exactly the ABIs it used. Names are sorted (a stable file for review and diff).
 * OCI rules cannot be limited to one ABI, so a name used on one ABI is allowed on all of the
 * profile's arches — as the Security Profiles Operator's recorder writes it.
 */
export function recordedPolicy(rec: Recording, defaultAction: number): Policy {
  const names = [...new Set([...rec.byArch.values()].flatMap((s) => [...s]))].sort();
  return {
    defaultAction,
    arches: [...rec.byArch.keys()],
    rules: names.length === 0 ? [] : [{ id: 1, names, action: makeAction('allow'), conds: [], where: 'recorded' }],
    flags: [],
  };
}
