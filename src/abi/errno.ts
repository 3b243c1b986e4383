/** @module errno names ↔ numbers per architecture, from the generated kernel uapi tables. */

import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';
import { parseNumber } from './actions.js';
import { suggest, type ArchName } from './arch.js';
import { ERRNO_GENERIC, ERRNO_MIPS, ERRNO_POWERPC } from './errno.gen.js';

export interface ErrnoEntry {
  readonly name: string;
  readonly nr: number;
  /** The header's comment, e.g. "Operation not permitted". */
  readonly text: string;
}

type Family = 'generic' | 'mips' | 'powerpc';

/** Which uapi errno.h an arch uses: only mips and powerpc (EDEADLOCK = 58) differ among ours. */
export function errnoFamily(arch: ArchName): Family {
  if (arch === 'mips' || arch === 'mipsel' || arch === 'mips64' || arch === 'mipsel64') return 'mips';
  if (arch === 'ppc64le') return 'powerpc';
  return 'generic';
}

interface Indexed {
  readonly list: readonly ErrnoEntry[];
  readonly byName: ReadonlyMap<string, number>;
  /** The first name defined for a number is its canonical one (EAGAIN, not EWOULDBLOCK). */
  readonly byNr: ReadonlyMap<number, ErrnoEntry>;
}

function build(rows: readonly (readonly [string, number, string])[]): Indexed {
  const list = rows.map(([name, nr, text]) => ({ name, nr, text }));
  const byNr = new Map<number, ErrnoEntry>();
  for (const e of list) if (!byNr.has(e.nr)) byNr.set(e.nr, e);
  return { list, byName: new Map(list.map((e) => [e.name, e.nr])), byNr };
}

const TABLES: Readonly<Record<Family, Indexed>> = {
  generic: build(ERRNO_GENERIC),
  mips: build(ERRNO_MIPS),
  powerpc: build(ERRNO_POWERPC),
};

/** Every errno of `arch` (aliases included), in header order. Defaults to the generic table. */
export function errnoTable(arch: ArchName = 'x86_64'): readonly ErrnoEntry[] {
  return TABLES[errnoFamily(arch)].list;
}

export function errnoNumber(name: string, arch: ArchName = 'x86_64'): number | undefined {
  return TABLES[errnoFamily(arch)].byName.get(name.toUpperCase());
}

export function errnoName(nr: number, arch: ArchName = 'x86_64'): string | undefined {
  return TABLES[errnoFamily(arch)].byNr.get(nr)?.name;
}

export function errnoText(nr: number, arch: ArchName = 'x86_64'): string | undefined {
  return TABLES[errnoFamily(arch)].byNr.get(nr)?.text;
}

/** `EPERM`, `eperm` or a number 0..4095 (MAX_ERRNO, include/linux/err.h). */
export function parseErrno(text: string, arch: ArchName = 'x86_64'): Result<number, SeccompTraceError> {
  const t = text.trim();
  const n = parseNumber(t);
  if (n !== undefined) {
    if (n > 4095) return err(fail({ code: 'abi/bad-errno', message: `errno ${t} is above MAX_ERRNO (4095)` }));
    return ok(n);
  }
  const v = errnoNumber(t, arch);
  if (v !== undefined) return ok(v);
  const names = TABLES[errnoFamily(arch)].byName.keys();
  return err(fail({ code: 'abi/unknown-errno', message: `unknown errno '${t}' on ${arch}${suggest(t.toUpperCase(), names)}`, hint: 'use a name such as EPERM or a number 0..4095' }));
}
